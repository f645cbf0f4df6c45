/**
 * Express middleware: translates an Express request into `receiver.handle()` and writes its
 * `{ status, headers, body }` back. Every HTTP decision is the core's.
 *
 * The request body reaches the core as the framework left it: the unread stream when no body
 * parser ran (the core reads it, within `bodyLimit`), or `req.body` when `express.json()`,
 * `express.text()` or `express.raw()` already consumed it.
 */
import { consoleLogger, createReceiver, type RequestHeaders, type ReceiverOptions, type WebhookRequest, type WebhookResponse } from '@piopiy-webhooks/core'
import type { IncomingMessage, ServerResponse } from 'node:http'

/** The receiver's options (see the root README). `path` is relative to where the middleware is mounted. */
export interface PiopiyMiddlewareOptions extends ReceiverOptions {}

/** The part of an Express request the middleware reads (Express 4 and 5 requests fit it). */
export interface ExpressRequest extends IncomingMessage {
  /** The URL relative to the mount point (Express rewrites it inside routers and `app.use(path, …)`). */
  url: string
  /** What a body parser produced, if one ran. */
  body?: unknown
  /** Set by Express when the middleware runs as a route handler (`app.post(path, …)`). */
  route?: unknown
}
export type NextFunction = (err?: unknown) => void
export type PiopiyHandler = (req: ExpressRequest, res: ServerResponse, next: NextFunction) => void
export type PiopiyErrorHandler = (err: unknown, req: ExpressRequest, res: ServerResponse, next: NextFunction) => void

/**
 * What `piopiyMiddleware()` returns: the handler, and an error handler that lets the core answer
 * (400 or 413, and `onInvalid`) when a body parser mounted before it failed on the webhook's path.
 * `app.use()`, `router.use()` and `app.post()` all accept the pair as it is. `close()` aborts the
 * `ctx.signal` of the callbacks still running: call it when the server closes
 * (`server.on('close', middleware.close)`).
 */
export type PiopiyMiddleware = [handler: PiopiyHandler, errorHandler: PiopiyErrorHandler] & { close (): void }

/** The errors body-parser (behind `express.json()` & co.) raises when it cannot read a body. */
interface BodyParserError { type?: unknown, body?: unknown }

/**
 * Handles PIOPIY webhooks on `options.path` (`/webhook/cdr` by default) and passes every other
 * request on with `next()`. Mounted on a route (`app.post('/pbx/cdr', piopiyMiddleware(options))`),
 * it answers that route, whatever `path` says, as notifications; a route that is `answerPath` or
 * `actionPath` (call control) gets that route's answers.
 *
 * ```ts
 * app.use(piopiyMiddleware({ auth: { token: process.env.PIOPIY_TOKEN }, onInboundAnswered: record => { … } }))
 * ```
 */
export function piopiyMiddleware (options: PiopiyMiddlewareOptions = {}): PiopiyMiddleware {
  const receiver = createReceiver(options)
  // on a route, Express has matched the path already: the core sees one of its own paths (a call-control
  // path the route has, else `path`), with the query (the token)
  const pathOf = (req: ExpressRequest): string =>
    req.route === undefined || receiver.matches(req.url) ? req.url : req.url.replace(/^[^?]*/, receiver.path)
  const request = (req: ExpressRequest, body: Omit<WebhookRequest, 'method' | 'path' | 'headers'>): WebhookRequest =>
    ({ method: req.method as string, path: pathOf(req), headers: req.headers as RequestHeaders, ip: req.socket.remoteAddress, ...body })
  const log = options.logger ?? consoleLogger
  // receiver.handle() never rejects: every failure is already an answer. Writing it throws when an earlier
  // middleware (a request timeout, say) answered already: reported, never thrown (an unhandled rejection)
  const answer = (res: ServerResponse, pending: Promise<WebhookResponse>): void => {
    void pending.then(({ status, headers, body }) => {
      try {
        res.writeHead(status, headers).end(body)
      } catch (err) {
        log.error({ err, status }, 'piopiy-webhooks: the response was already sent by an earlier middleware; this answer was not written')
      }
    })
  }

  const handler: PiopiyHandler = (req, res, next) => {
    if (!receiver.matches(pathOf(req))) { next(); return }
    // a body parser that ran has read the stream to its end and left what it parsed in req.body
    answer(res, receiver.handle(request(req, req.readableEnded ? { parsedBody: req.body } : { rawBody: req })))
  }

  const errorHandler: PiopiyErrorHandler = (err, req, res, next) => {
    const type = (err as BodyParserError).type
    if (!receiver.matches(pathOf(req)) || (type !== 'entity.parse.failed' && type !== 'entity.too.large')) { next(err); return }
    // malformed JSON: the text as sent (body-parser keeps it) for the core's 400 and onInvalid;
    // over the parser's own limit: the core's 413
    answer(res, receiver.handle(request(req, type === 'entity.too.large'
      ? { tooLarge: true }
      : { parsedBody: String((err as BodyParserError).body) })))
  }

  return Object.assign([handler, errorHandler] as [PiopiyHandler, PiopiyErrorHandler], { close: receiver.close })
}

export default piopiyMiddleware
