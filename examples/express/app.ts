// An Express app that receives PIOPIY webhooks on POST /webhook/cdr.
import { piopiyMiddleware, type PiopiyMiddlewareOptions } from '@piopiy-webhooks/express'
import express from 'express'
import { webhookOptions } from '../handlers.js'

/** `log` gets one line per notification; `options` override the example's (tests pass a store, say). */
export function createApp (log: (line: string) => void = console.log, options: PiopiyMiddlewareOptions = {}): express.Express {
  const app = express()
  app.use(piopiyMiddleware({ ...webhookOptions(log), ...options }))
  app.get('/health', (_req, res) => { res.send('ok') })
  return app
}
