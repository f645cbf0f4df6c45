// The handler called directly with web-standard Requests, as Next.js, Bun and Deno call it: no server
// in between. What only this adapter does: the URL, the headers, the body stream, the client address.
import type { CallbackContext, InvalidInfo, Logger } from '@piopiy-webhooks/core'
import t from 'tap'
import { piopiyHandler, type PiopiyHandlerOptions } from '../src/index.js'

const seed = {
  cmiuuid: 'web-0001', appid: 2222222, direction: 'inbound', status: 'answered', leg: 'a',
  from: 919900000001, to: 914400000001, time: 1700000000000, duration: 13, billedsec: 60, rate: 0.5
}
const seedBody = JSON.stringify(seed)
const base = 'https://hooks.example.com'

/** A logger that keeps what it was told. */
function recordingLogger (): Logger & { lines: Array<{ level: string, obj: unknown, msg: string | undefined }> } {
  const lines: Array<{ level: string, obj: unknown, msg: string | undefined }> = []
  const at = (level: string) => (obj: unknown, msg?: string): void => { lines.push({ level, obj, msg }) }
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }
}

/** A handler whose callbacks are recorded. */
function setup<Args extends unknown[] = []> (options: PiopiyHandlerOptions<Args> = {}) {
  const fired: Array<{ cmiuuid: string, ctx: CallbackContext }> = []
  const invalid: InvalidInfo[] = []
  const log = recordingLogger()
  const handle = piopiyHandler<Args>({
    logger: log,
    onInboundAnswered: (record, ctx) => { fired.push({ cmiuuid: record.cmiuuid, ctx }) },
    onInvalid: info => { invalid.push(info) },
    ...options
  })
  return { handle, fired, invalid, log }
}

const post = (path: string, body: string | ReadableStream<Uint8Array> | null = seedBody, headers: Record<string, string> = { 'content-type': 'application/json' }): Request =>
  new Request(base + path, { method: 'POST', body, headers, ...(body instanceof ReadableStream ? { duplex: 'half' } : {}) } as RequestInit)

t.test('a valid notification: 200 with the core\'s answer, the callback with the record and its context', async t => {
  const { handle, fired } = setup()
  const res = await handle(post('/webhook/cdr', seedBody, { 'Content-Type': 'application/json', 'X-Trace': 'a' }))
  t.equal(res.status, 200)
  t.equal(res.headers.get('content-type'), 'application/json; charset=utf-8')
  t.same(await res.json(), { ok: true })
  t.equal(fired.length, 1)
  const { cmiuuid, ctx } = fired[0] as { cmiuuid: string, ctx: CallbackContext }
  t.equal(cmiuuid, 'web-0001')
  t.same(ctx.headers, { 'content-type': 'application/json', 'x-trace': 'a' }, 'headers as a plain object, names in lower case')
  t.equal(ctx.ip, undefined, 'no getClientIp: the address is unknown')
  const again = await handle(post('/webhook/cdr'))
  t.same(await again.json(), { ok: true, duplicate: true }, 'a re-delivery is a duplicate')
  t.equal(fired.length, 1)
})

t.test('routing: path and query from the URL, the fragment left out; other paths 404, other methods 405', async t => {
  const { handle, fired } = setup({ auth: { token: 's3cret' } })
  t.equal(handle.path, '/webhook/cdr')
  t.ok(handle.matches('/webhook/cdr?x=1'))
  t.notOk(handle.matches('/other'))
  t.equal((await handle(post('/webhook/cdr?token=s3cret#section'))).status, 200, 'the query carries the token; the fragment is not part of the path')
  t.equal((await handle(post('/webhook/cdr/?token=s3cret'))).status, 200, 'trailing slash')
  const other = await handle(post('/webhook/other?token=s3cret'))
  t.equal(other.status, 404)
  t.same(await other.json(), { error: 'Not Found' })
  const get = await handle(new Request(`${base}/webhook/cdr`))
  t.equal(get.status, 405)
  t.equal(get.headers.get('allow'), 'POST')
  t.equal(fired.length, 1)
  const custom = setup({ path: '/api/piopiy' })
  t.equal((await custom.handle(post('/api/piopiy'))).status, 200, 'options.path is matched against the URL\'s path')
  t.equal((await custom.handle(post('/webhook/cdr'))).status, 404)
})

t.test('rejections come from the core, with the raw body for onInvalid', async t => {
  const { handle, invalid } = setup()
  const bad = await handle(post('/webhook/cdr', '{"cmiuuid": '))
  t.equal(bad.status, 400)
  t.match(await bad.json(), { error: 'Bad Request', reasons: [String] })
  const html = await handle(post('/webhook/cdr', seedBody, { 'content-type': 'text/html' }))
  t.equal(html.status, 415)
  t.same(invalid.map(i => [i.status, i.rawBody]), [[400, '{"cmiuuid": '], [415, seedBody]])
  t.equal((await handle(post('/webhook/cdr', null))).status, 400, 'no body at all: empty, 400')
})

t.test('the body is read from the stream within bodyLimit: an endless body answers 413 after limit bytes', async t => {
  const { handle, invalid } = setup({ bodyLimit: 1024 })
  let pulled = 0
  const endless = new ReadableStream<Uint8Array>({
    pull (controller) { pulled++; controller.enqueue(new TextEncoder().encode('x'.repeat(100))) }
  })
  const res = await handle(post('/webhook/cdr', endless))
  t.equal(res.status, 413)
  t.equal(invalid[0]?.rawBody, 'x'.repeat(1024), 'onInvalid gets the first bodyLimit bytes')
  t.ok(pulled < 20, `the stream was read only as far as the limit (${pulled} chunks pulled)`)
  const chunked = new ReadableStream<Uint8Array>({
    start (controller) {
      const bytes = new TextEncoder().encode(seedBody)
      controller.enqueue(bytes.subarray(0, 10))
      controller.enqueue(bytes.subarray(10))
      controller.close()
    }
  })
  t.equal((await handle(post('/webhook/cdr', chunked))).status, 200, 'a body in several chunks is joined')
})

t.test('the body is read as a stream within bodyLimit, whatever Content-Length says', async t => {
  const { handle, fired, invalid } = setup({ bodyLimit: 1024 })
  const declared = (body: string, length: number): Request => post('/webhook/cdr', body, { 'content-type': 'application/json', 'content-length': String(length) })
  t.equal((await handle(declared(seedBody, Buffer.byteLength(seedBody)))).status, 200)
  t.equal(fired.length, 1)
  // a hand-built Request can declare less than it carries (a server never hands over one): 413 all the same
  const liar = await handle(declared('x'.repeat(3000), 10))
  t.equal(liar.status, 413)
  t.equal(invalid[0]?.rawBody, 'x'.repeat(1024))
  t.equal((await handle(declared(seedBody, 5000))).status, 413, 'declared larger than bodyLimit: 413 at once, unread')
  t.equal(fired.length, 1)
})

t.test('a body already read by someone else: 500 and an error log that says how to hand over an unread one', async t => {
  const { handle, fired, log } = setup()
  const request = post('/webhook/cdr')
  await request.text()
  const res = await handle(request)
  t.equal(res.status, 500)
  t.same(await res.json(), { error: 'Internal Server Error' })
  t.equal(fired.length, 0)
  const line = log.lines.find(l => l.level === 'error')
  t.match((line?.obj as { err: Error }).err.message, /already read.*cloneRawRequest/)
})

t.test('the client address: getClientIp gets the request and the handler\'s other arguments', async t => {
  interface BunLikeServer { requestIP (request: Request): { address: string } | null }
  const server: BunLikeServer = { requestIP: () => ({ address: '203.0.113.7' }) }
  const { handle, fired } = setup({ getClientIp: (request, s: BunLikeServer) => s.requestIP(request)?.address, auth: { allowIps: ['203.0.113.0/24'] } })
  t.equal((await handle(post('/webhook/cdr'), server)).status, 200)
  t.equal(fired[0]?.ctx.ip, '203.0.113.7')

  const proxied = setup({ getClientIp: () => '10.0.0.1', auth: { allowIps: ['198.51.100.0/24'], trustProxy: 1 } })
  t.equal((await proxied.handle(post('/webhook/cdr', seedBody, { 'x-forwarded-for': '198.51.100.9' }))).status, 200, 'trustProxy reads X-Forwarded-For as elsewhere')
  t.equal(proxied.fired[0]?.ctx.ip, '198.51.100.9')
})

t.test('auth.allowIps never fails open', async t => {
  t.throws(() => piopiyHandler({ auth: { allowIps: ['10.0.0.0/8'] } }), { code: 'INVALID_OPTIONS', message: /auth\.allowIps needs getClientIp/ },
    'without getClientIp it refuses to start')
  t.throws(() => piopiyHandler({ auth: { allowIps: [] } }), { code: 'INVALID_OPTIONS' }, 'an empty list too')

  for (const unknown of [() => undefined, () => null]) {
    const { handle, fired, invalid } = setup({ getClientIp: unknown, auth: { allowIps: ['0.0.0.0/0', '::/0'] } })
    const res = await handle(post('/webhook/cdr'))
    t.equal(res.status, 403, 'an address that cannot be known: 403, even with every address allowed')
    t.same(invalid.map(i => [i.status, i.ip, i.reasons]), [[403, undefined, ['ip: unknown is not in auth.allowIps']]])
    t.equal(fired.length, 0)
  }

  const boom = new Error('no socket here')
  const throwing = setup({ getClientIp: () => { throw boom }, auth: { allowIps: ['0.0.0.0/0'] } })
  t.equal((await throwing.handle(post('/webhook/cdr'))).status, 403, 'getClientIp threw: unknown, 403')
  t.same(throwing.log.lines.filter(l => l.level === 'error'), [{ level: 'error', obj: { err: boom }, msg: 'piopiy-webhooks: getClientIp threw; the client address is unknown' }])
})

t.test('getClientIp throwing without allowIps: logged (to the console by default), the notification still processed', async t => {
  const errors = t.capture(console, 'error')
  t.capture(console, 'warn') // the core's start-up warning: no auth configured
  const fired: Array<string | undefined> = []
  const handle = piopiyHandler({ getClientIp: () => { throw new Error('no socket here') }, onInboundAnswered: (_r, ctx) => { fired.push(ctx.ip) }, onInvalid: () => {} })
  t.equal((await handle(post('/webhook/cdr'))).status, 200)
  t.same(fired, [undefined])
  t.match(errors.args().map(a => a[0]), ['piopiy-webhooks: getClientIp threw; the client address is unknown'])
})

t.test('options are checked at start-up', async t => {
  t.throws(() => piopiyHandler({ getClientIp: 'x-real-ip' } as unknown as PiopiyHandlerOptions), { code: 'INVALID_OPTIONS', message: /getClientIp must be a function/ })
  t.throws(() => piopiyHandler(null as unknown as PiopiyHandlerOptions), { code: 'INVALID_OPTIONS', message: /options must be an object/ })
  t.throws(() => piopiyHandler({ pth: '/x' } as unknown as PiopiyHandlerOptions), { code: 'INVALID_OPTIONS', message: /did you mean 'path'/ }, 'the core\'s checks apply')
  const capture = t.capture(console, 'warn')
  const handle = piopiyHandler()
  t.equal(handle.path, '/webhook/cdr', 'no options at all: the defaults')
  t.match(capture.args()[0]?.[0], /no auth configured/)
})
