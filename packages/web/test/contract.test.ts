// The shared HTTP contract, over a real Hono app on @hono/node-server on 127.0.0.1.
import { serve } from '@hono/node-server'
import { getConnInfo } from '@hono/node-server/conninfo'
import { closeServer, PREFIX, runAdapterContract } from '@piopiy-webhooks/contract-tests'
import { Hono, type Context } from 'hono'
import { mount } from 'hono/mount'
import { cloneRawRequest } from 'hono/request'
import { once } from 'node:events'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { piopiyHandler } from '../src/index.js'

const isJson = (c: Context): boolean => /^application\/json\b/.test(c.req.header('content-type') ?? '')

void runAdapterContract(t, 'web (Hono on @hono/node-server)', async (options, where) => {
  const handle = piopiyHandler({ ...options, getClientIp: (_request, c: Context) => getConnInfo(c).remote.address })
  const app = new Hono()
  // what a JSON body parser does in Hono: read the body once, for every request, before any route runs
  if (where === 'after-body-parser') app.use(async (c, next) => { if (isJson(c)) await c.req.json().catch(() => undefined); await next() })
  app.get('/health', c => c.text('ok'))
  app.post('/echo', async c => { const body: unknown = await c.req.json(); return c.json({ type: typeof body, body }) })
  if (where === 'prefix') {
    app.all(`${PREFIX}/*`, mount(handle, { optionHandler: c => c })) // hono/mount strips the prefix from the URL
  } else {
    // the webhook path to the handler, every other request on to the app's routes
    app.use(async (c, next) => {
      if (!handle.matches(c.req.path)) return await next()
      return await handle(where === 'after-body-parser' ? await cloneRawRequest(c.req) : c.req.raw, c)
    })
  }
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}${where === 'prefix' ? PREFIX : ''}`,
    close: async () => { await closeServer(server) }
  }
})
