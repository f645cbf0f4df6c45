// An API that already exists: a global express.json(), its own JSON routes, a JSON 404 and an error
// handler. The PIOPIY webhook is one more line among them (marked below); nothing else changes.
import type { CdrRecord } from '@piopiy-webhooks/core'
import { piopiyMiddleware, type PiopiyMiddlewareOptions } from '@piopiy-webhooks/express'
import express, { type ErrorRequestHandler } from 'express'

interface Order { id: number, item: string, phone: string }
/** A call as this API stores it, written once per CDR leg (keyed by the receiver's dedupe key). */
export interface CallRow { key: string, from: string, to: string, durationSeconds: number, answeredAt: string | undefined, orderId: unknown }

/** `options` override the webhook's (tests pass a quiet logger); PIOPIY_TOKEN requires `?token=`. */
export function createApp (options: PiopiyMiddlewareOptions = {}): express.Express {
  const orders: Order[] = [{ id: 1, item: 'tea', phone: '919900000001' }]
  const calls = new Map<string, CallRow>()
  const save = (cdr: CdrRecord, key: string): void => {
    calls.set(key, {
      key,
      from: cdr.from,
      to: cdr.to,
      durationSeconds: cdr.duration,
      answeredAt: cdr.answerTime?.toISOString(),
      orderId: cdr.extraParams?.['orderId']
    })
  }
  const token = process.env['PIOPIY_TOKEN']

  const app = express()
  app.use(express.json()) // the API's global body parser, mounted before everything

  // ── the webhook: POST /webhook/cdr (every other request goes on to the routes below) ──
  app.use(piopiyMiddleware({
    ...(token !== undefined && { auth: { token } }),
    onInboundAnswered: (cdr, ctx) => { save(cdr, ctx.key) },
    onOutboundAnswered: (cdr, ctx) => { save(cdr, ctx.key) },
    ...options
  }))

  app.get('/health', (_req, res) => { res.json({ ok: true }) })
  app.get('/api/orders', (_req, res) => { res.json(orders) })
  app.post('/api/orders', (req, res) => {
    const { item, phone } = req.body as Partial<Order>
    if (typeof item !== 'string' || typeof phone !== 'string') {
      res.status(422).json({ error: 'item and phone are required strings' })
      return
    }
    const order = { id: orders.length + 1, item, phone }
    orders.push(order)
    res.status(201).json(order)
  })
  app.get('/api/calls', (_req, res) => { res.json([...calls.values()]) })

  app.use((_req, res) => { res.status(404).json({ error: 'no such route' }) })
  const onError: ErrorRequestHandler = (err: { status?: number }, _req, res, _next) => {
    res.status(err.status ?? 500).json({ error: 'the API could not handle this request' })
  }
  app.use(onError)
  return app
}
