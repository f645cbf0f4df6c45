// A Koa app that receives PIOPIY webhooks on POST /webhook/cdr.
import { piopiyMiddleware, type PiopiyMiddlewareOptions } from '@piopiy-webhooks/koa'
import Koa from 'koa'

/** `log` gets one line per notification; `options` override the example's (tests pass a store, say). */
export function createApp (log: (line: string) => void = console.log, options: PiopiyMiddlewareOptions = {}): Koa {
  const token = process.env['PIOPIY_TOKEN']
  const app = new Koa()
  // before any body parser: it reads its own route's body and passes every other request on
  app.use(piopiyMiddleware({
    // set PIOPIY_TOKEN and give PIOPIY the URL …/webhook/cdr?token=<it> (see docs/security.md)
    ...(token !== undefined && { auth: { token } }),
    onInboundAnswered (cdr, ctx) {
      log(`answered: ${cdr.from} → ${cdr.to}, ${cdr.duration} s (${ctx.key})`)
    },
    onInboundMissed (cdr) {
      log(`missed: ${cdr.from} called ${cdr.to} at ${cdr.time.toISOString()}`)
    },
    onInvalid (info) {
      log(`rejected with ${info.status}: ${info.reasons.join('; ')}`)
    },
    ...options
  }))
  app.use(ctx => { if (ctx.path === '/health') ctx.body = 'ok' })
  return app
}
