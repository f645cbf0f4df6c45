// A Hono app that receives PIOPIY webhooks on POST /webhook/cdr (run on Node by server.ts; the app
// itself is runtime-neutral except for getConnInfo, which is @hono/node-server's).
import { getConnInfo } from '@hono/node-server/conninfo'
import { piopiyHandler, type PiopiyHandlerOptions } from '@piopiy-webhooks/web'
import { Hono, type Context } from 'hono'
import { webhookOptions } from '../handlers.js'

/** `log` gets one line per notification; `options` override the example's (tests pass a store, say). */
export function createApp (log: (line: string) => void = console.log, options: PiopiyHandlerOptions<[Context]> = {}): Hono {
  const handle = piopiyHandler({
    ...webhookOptions(log),
    // a Request has no client address: Hono's context knows it (on Bun/Deno/Workers use their getConnInfo)
    getClientIp: (_request, c: Context) => getConnInfo(c).remote.address,
    ...options
  })
  const app = new Hono()
  // the webhook path (with a trailing slash or a query string) to the handler, every other request on;
  // `c` after the request: getClientIp gets it, and on Node the body is read from Node's request (cheaper)
  app.use((c, next) => handle.matches(c.req.path) ? handle(c.req.raw, c) : next())
  app.get('/health', c => c.text('ok'))
  return app
}
