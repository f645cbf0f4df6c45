// Hono on @hono/node-server: when the handler reads Node's request behind `c.req.raw` (given `c`, and
// `c.req.raw` is the request it was handed, unread), and when it reads the `Request` it was handed: each
// condition over a real server on 127.0.0.1, proving which body was read.
import { type HttpBindings, serve } from '@hono/node-server'
import type { CallbackContext, InvalidInfo, Logger } from '@piopiy-webhooks/core'
import { closeServer, type Tap } from '@piopiy-webhooks/contract-tests'
import { Hono, type Context } from 'hono'
import { mount } from 'hono/mount'
import { cloneRawRequest } from 'hono/request'
import { once } from 'node:events'
import type { Server } from 'node:http'
import http2 from 'node:http2'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { piopiyHandler } from '../src/index.js'

const seed = {
  cmiuuid: 'node-0001', appid: 2222222, direction: 'inbound', status: 'answered', leg: 'a',
  from: 919900000001, to: 914400000001, time: 1700000000000, duration: 13, billedsec: 60, rate: 0.5
}
const bodyOf = (cmiuuid: string): string => JSON.stringify({ ...seed, cmiuuid })
type Env = { Bindings: HttpBindings }

/**
 * How the app hands the request over, by the `x-variant` header. Each answer says, in `x-read-from`, what
 * was read: `node` (Node's request, read to its end, and `c.req.raw`'s body untouched), else `web`.
 */
const variants: Record<string, (handle: (request: Request, ...rest: unknown[]) => Promise<Response>, c: Context<Env>) => Promise<Response>> = {
  context: async (handle, c) => await handle(c.req.raw, c),
  'no-context': async (handle, c) => await handle(c.req.raw),
  'bun-like': async (handle, c) => await handle(c.req.raw, { requestIP: () => null }),
  'env-only': async (handle, c) => await handle(c.req.raw, c.env), // what hono/mount passes by default
  'json-then-clone': async (handle, c) => { await c.req.json(); return await handle(await cloneRawRequest(c.req), c) },
  'json-then-raw': async (handle, c) => { await c.req.json(); return await handle(c.req.raw, c) },
  'node-read': async (handle, c) => { for await (const chunk of c.env.incoming) void chunk; return await handle(c.req.raw, c) },
  rewritten: async (handle, c) => {
    const body = bodyOf('rewritten')
    return await handle(new Request(c.req.raw.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body }), c)
  }
}

/** A logger that keeps its error lines. */
function errorLog (): Logger & { errors: unknown[] } {
  const errors: unknown[] = []
  const none = (): void => {}
  return { errors, debug: none, info: none, warn: none, error: obj => { errors.push(obj) } }
}

async function start (t: Tap, http2Server = false) {
  const fired: Array<{ cmiuuid: string, ctx: CallbackContext }> = []
  const invalid: InvalidInfo[] = []
  const log = errorLog()
  const handle = piopiyHandler({ logger: log, onInboundAnswered: (record, ctx) => { fired.push({ cmiuuid: record.cmiuuid, ctx }) }, onInvalid: info => { invalid.push(info) } })
  /** Runs `handled` and says in its answer whether the core read Node's request (read to its end, `c.req.raw`'s body untouched). */
  const marked = async (c: Context<Env>, handled: () => Promise<Response>): Promise<Response> => {
    const before = fired.length
    const res = await handled()
    const node = fired.length > before && c.env?.incoming?.readableEnded === true && !c.req.raw.bodyUsed
    res.headers.set('x-read-from', node ? 'node' : 'web')
    return res
  }
  const app = new Hono<Env>()
  const mounted = mount(handle, { optionHandler: c => c })
  app.all('/hooks/*', async (c, next) => await marked(c, async () => await mounted(c, next) as Response))
  app.use(async (c, next) => {
    if (!handle.matches(c.req.path)) return await next()
    return await marked(c, async () => await (variants[c.req.header('x-variant') ?? 'context'] as (typeof variants)['context'])(handle, c))
  })
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1', ...(http2Server ? { createServer: http2.createServer } : {}) }) as Server
  await once(server, 'listening')
  t.teardown(async () => {
    if (http2Server) await new Promise(resolve => server.close(resolve)) // no closeAllConnections: the test closes its session first
    else await closeServer(server)
  })
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const post = async (variant: string, cmiuuid: string, path = '/webhook/cdr'): Promise<{ status: number, readFrom: string | null }> => {
    // 'x-variant' before 'content-type' on the wire: Node's headers keep that order, a `Request`'s are sorted
    const res = await fetch(origin + path, { method: 'POST', headers: { 'x-variant': variant, 'content-type': 'application/json' }, body: bodyOf(cmiuuid) })
    await res.arrayBuffer()
    return { status: res.status, readFrom: res.headers.get('x-read-from') }
  }
  return { app, origin, post, fired, invalid, log }
}

t.test('handle(c.req.raw, c): the body and the headers are read from Node\'s request', async t => {
  const { post, fired } = await start(t)
  t.same(await post('context', 'fast-1'), { status: 200, readFrom: 'node' })
  t.same(fired.map(f => f.cmiuuid), ['fast-1'])
  t.same(fired[0]?.ctx.headers['x-variant'], 'context', 'the headers as a plain object, names in lower case')
  const names = Object.keys(fired[0]?.ctx.headers ?? {})
  t.ok(names.indexOf('x-variant') < names.indexOf('content-type'), "Node's own headers object (in the order sent), not the Request's (sorted)")
})

t.test('without Hono\'s context, or with something else after the request: the Request\'s own body', async t => {
  const { post, fired } = await start(t)
  t.same(await post('no-context', 'web-1'), { status: 200, readFrom: 'web' })
  t.same(await post('bun-like', 'web-2'), { status: 200, readFrom: 'web' }, 'a second argument that is not a Hono context (Bun\'s server)')
  t.same(await post('env-only', 'web-3'), { status: 200, readFrom: 'web' }, 'c.env alone (hono/mount\'s default options) is not a context')
  t.same(fired.map(f => f.cmiuuid), ['web-1', 'web-2', 'web-3'])
  const names = Object.keys(fired[0]?.ctx.headers ?? {})
  t.ok(names.indexOf('content-type') < names.indexOf('x-variant'), "the Request's headers (sorted by name)")
})

t.test('a request other than c.req.raw is read as handed over, never Node\'s stream behind c', async t => {
  const { post, fired } = await start(t)
  t.same(await post('json-then-clone', 'clone-1'), { status: 200, readFrom: 'web' }, 'cloneRawRequest after c.req.json(): the clone, rebuilt from the text Hono kept')
  t.same(await post('rewritten', 'ignored'), { status: 200, readFrom: 'web' }, 'a Request built by the app, with c')
  t.same(await post('context', 'mounted-1', '/hooks/webhook/cdr'), { status: 200, readFrom: 'web' }, 'hono/mount\'s rewritten request, with c')
  t.same(fired.map(f => f.cmiuuid), ['clone-1', 'rewritten', 'mounted-1'])
})

t.test('a body already read from c.req.raw or from Node\'s request: 500, an error log that says so, no callback', async t => {
  const { post, fired, log } = await start(t)
  t.same(await post('json-then-raw', 'used-1'), { status: 500, readFrom: 'web' }, 'c.req.json() read it (from Node\'s stream)')
  t.same(await post('node-read', 'used-2'), { status: 500, readFrom: 'web' }, 'something read c.env.incoming itself')
  t.same(fired, [])
  t.equal(log.errors.length, 2)
  for (const line of log.errors) t.match((line as { err: Error }).err.message, /already read.*cloneRawRequest/)
})

t.test('a context without Node\'s request (app.request(), other runtimes): the Request\'s body', async t => {
  const { app, fired } = await start(t)
  const res = await app.request('/webhook/cdr', { method: 'POST', headers: { 'content-type': 'application/json' }, body: bodyOf('no-env-1') })
  t.equal(res.status, 200)
  t.equal(res.headers.get('x-read-from'), 'web')
  t.same(fired.map(f => f.cmiuuid), ['no-env-1'])
})

t.test('HTTP/2 (its headers carry pseudo-headers): the Request\'s body and headers', async t => {
  const { origin, fired } = await start(t, true)
  const session = http2.connect(origin)
  const stream = session.request({ ':method': 'POST', ':path': '/webhook/cdr', 'content-type': 'application/json' })
  stream.end(bodyOf('h2-1'))
  const [headers] = await once(stream, 'response') as [http2.IncomingHttpHeaders]
  stream.resume()
  await once(stream, 'end')
  session.close()
  t.equal(headers[':status'], 200)
  t.equal(headers['x-read-from'], 'web')
  t.same(fired.map(f => f.cmiuuid), ['h2-1'])
  t.notOk(Object.keys(fired[0]?.ctx.headers ?? {}).some(name => name.startsWith(':')), 'no pseudo-header in ctx.headers')
})
