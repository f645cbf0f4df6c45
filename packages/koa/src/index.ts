/**
 * Koa middleware: translates a Koa context into `receiver.handle()` and sets its
 * `{ status, headers, body }` on the context. Every HTTP decision is the core's.
 *
 * Mount it before your body parser: it reads and limits the raw body itself, and passes every
 * other request on untouched. Mounted after `@koa/bodyparser`, it uses the text the parser kept
 * (`ctx.request.rawBody`), but malformed JSON is then answered by the parser, not by us.
 */
import { consoleLogger, createReceiver, type RequestHeaders, type ReceiverOptions } from '@piopiy-webhooks/core'
import type { IncomingMessage } from 'node:http'

/** The receiver's options (see the root README). `path` is relative to where the app is mounted. */
export interface PiopiyMiddlewareOptions extends ReceiverOptions {}

/** The part of a Koa context the middleware uses (a Koa 2 or 3 context fits it). */
export interface KoaContext {
  method: string
  /** The URL relative to the mount point (`koa-mount` rewrites it), with its query string. */
  url: string
  req: IncomingMessage
  /** A body parser that ran left the body here, and (`@koa/bodyparser`) its text in `rawBody`. */
  request: { body?: unknown, rawBody?: unknown }
  status: number
  body: unknown
  /** Whether the response's head was already written (by a middleware that wrote to `ctx.res` itself). */
  headerSent?: boolean
  set (headers: Record<string, string>): void
}
export type Next = () => Promise<unknown>
/** The middleware; `close()` aborts the `ctx.signal` of the callbacks still running (call it when the server closes). */
export type PiopiyKoaMiddleware = ((ctx: KoaContext, next: Next) => Promise<unknown>) & { close (): void }

/**
 * Handles PIOPIY webhooks on `options.path` (`/webhook/cdr` by default) and passes every other
 * request on with `next()`.
 *
 * ```ts
 * app.use(piopiyMiddleware({ auth: { token: process.env.PIOPIY_TOKEN }, onInboundAnswered: record => { … } }))
 * ```
 */
export function piopiyMiddleware (options: PiopiyMiddlewareOptions = {}): PiopiyKoaMiddleware {
  const receiver = createReceiver(options)
  const log = options.logger ?? consoleLogger
  return Object.assign(async function piopiy (ctx: KoaContext, next: Next) {
    if (!receiver.matches(ctx.url)) return await next()
    const req = ctx.req
    // a body parser that ran has read the stream to its end: use the text it kept, or what it parsed
    const read = req.readableEnded ? { parsedBody: ctx.request.rawBody ?? ctx.request.body } : { rawBody: req }
    const answer = await receiver.handle({ method: ctx.method, path: ctx.url, headers: req.headers as RequestHeaders, ip: req.socket.remoteAddress, ...read })
    // an earlier middleware wrote to ctx.res itself: Koa would drop our answer silently; say so
    if (ctx.headerSent === true) {
      log.error({ status: answer.status }, 'piopiy-webhooks: the response was already sent by an earlier middleware; this answer was not written')
      return
    }
    ctx.set(answer.headers)
    ctx.status = answer.status
    ctx.body = answer.body
  }, { close: receiver.close })
}

export default piopiyMiddleware
