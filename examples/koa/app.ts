// A Koa app that receives PIOPIY webhooks on POST /webhook/cdr.
import { piopiyMiddleware, type PiopiyMiddlewareOptions } from '@piopiy-webhooks/koa'
import Koa from 'koa'
import { webhookOptions } from '../handlers.js'

/** `log` gets one line per notification; `options` override the example's (tests pass a store, say). */
export function createApp (log: (line: string) => void = console.log, options: PiopiyMiddlewareOptions = {}): Koa {
  const app = new Koa()
  // before any body parser: it reads its own route's body and passes every other request on
  app.use(piopiyMiddleware({ ...webhookOptions(log), ...options }))
  app.use(ctx => { if (ctx.path === '/health') ctx.body = 'ok' })
  return app
}
