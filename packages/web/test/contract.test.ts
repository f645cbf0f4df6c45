// The shared HTTP contract, over a real Hono app on @hono/node-server on 127.0.0.1, twice: called as the
// docs say, `handle(c.req.raw, c)` (the body read from Node's request behind it), and without Hono's
// context, as on any other runtime (the body read from `request.body`, a web stream).
import { serve } from '@hono/node-server'
import { getConnInfo } from '@hono/node-server/conninfo'
import { closeServer, type MakeHarness, PREFIX, runAdapterContract } from '@piopiy-webhooks/contract-tests'
import { Hono, type Context } from 'hono'
import type { ConnInfo } from 'hono/conninfo'
import { mount } from 'hono/mount'
import { cloneRawRequest } from 'hono/request'
import { once } from 'node:events'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { piopiyHandler } from '../src/index.js'

const isJson = (c: Context): boolean => /^application\/json\b/.test(c.req.header('content-type') ?? '')

/** What the handler gets after the request: Hono's context, or (`'conn-info'`) only the client's address, as Deno's `info`. */
type Passed = 'context' | 'conn-info'

const harness = (passed: Passed): MakeHarness => async (options, where) => {
  const handle = piopiyHandler<[Context | ConnInfo]>({
    ...options,
    getClientIp: (_request, after) => ('req' in after ? getConnInfo(after) : after).remote.address
  })
  const rest = (c: Context): Context | ConnInfo => passed === 'context' ? c : getConnInfo(c)
  const app = new Hono()
  // what a JSON body parser does in Hono: read the body once, for every request, before any route runs
  if (where === 'after-body-parser') app.use(async (c, next) => { if (isJson(c)) await c.req.json().catch(() => undefined); await next() })
  app.get('/health', c => c.text('ok'))
  app.post('/echo', async c => { const body: unknown = await c.req.json(); return c.json({ type: typeof body, body }) })
  if (where === 'prefix') {
    app.all(`${PREFIX}/*`, mount(handle, { optionHandler: rest })) // hono/mount strips the prefix from the URL
  } else {
    // the webhook path to the handler, every other request on to the app's routes
    app.use(async (c, next) => {
      if (!handle.matches(c.req.path)) return await next()
      return await handle(where === 'after-body-parser' ? await cloneRawRequest(c.req) : c.req.raw, rest(c))
    })
  }
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}${where === 'prefix' ? PREFIX : ''}`,
    close: async () => { await closeServer(server) }
  }
}

void runAdapterContract(t, 'web (Hono on @hono/node-server, handle(c.req.raw, c))', harness('context'))
void runAdapterContract(t, 'web (Hono on @hono/node-server, without Hono\'s context: request.body)', harness('conn-info'))
