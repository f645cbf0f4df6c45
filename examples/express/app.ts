// An Express app that receives PIOPIY webhooks on POST /webhook/cdr.
import { piopiyMiddleware, type PiopiyMiddlewareOptions } from '@piopiy-webhooks/express'
import express from 'express'

/** `log` gets one line per notification; `options` override the example's (tests pass a store, say). */
export function createApp (log: (line: string) => void = console.log, options: PiopiyMiddlewareOptions = {}): express.Express {
  const token = process.env['PIOPIY_TOKEN']
  const app = express()
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
  app.get('/health', (_req, res) => { res.send('ok') })
  return app
}
