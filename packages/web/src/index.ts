/**
 * Web-standard handler: translates a `Request` into `receiver.handle()` and its
 * `{ status, headers, body }` into a `Response`. Every HTTP decision is the core's.
 *
 * For Next.js route handlers, Hono, Bun.serve, Deno.serve and anything else that speaks
 * `Request → Response`. The core reads the body within `bodyLimit`, when it needs it: the request's
 * stream, or on Hono on `@hono/node-server` (given `c`) Node's request stream behind it (node.ts).
 */
import { consoleLogger, createReceiver, PiopiyWebhookError, type ReceiverOptions, type WebhookRequest } from '@piopiy-webhooks/core'
import { type NodeRequest, nodeRequestOf } from './node.js'

/**
 * The receiver's options (see the configuration reference), plus the client address, which a
 * `Request` does not carry.
 */
export interface PiopiyHandlerOptions<Args extends unknown[] = unknown[]> extends ReceiverOptions {
  /**
   * Returns the address of the client that connected (what a socket would say), or `undefined`/`null`
   * when it is not known. It gets the request and whatever else was passed to the handler after it:
   * Hono's context (`getConnInfo(c).remote.address`), Bun's server (`server.requestIP(request)?.address`),
   * Deno's `info.remoteAddr.hostname`, or a header your platform sets (Cloudflare's `cf-connecting-ip`).
   * `auth.trustProxy` then applies to `X-Forwarded-For` as in every adapter.
   *
   * Required with `auth.allowIps` (start-up fails without it); an address it cannot give, or an error it
   * throws (logged), is "unknown", which `auth.allowIps` answers with 403: it fails closed.
   * @default undefined (the address is unknown: `ctx.ip` and `onInvalid`'s `ip` are `undefined`)
   */
  getClientIp?: (request: Request, ...args: Args) => string | null | undefined
}

/** The handler: a `(request) => Promise<Response>` function, with the receiver's route on it. */
export interface PiopiyHandler<Args extends unknown[] = unknown[]> {
  (request: Request, ...args: Args): Promise<Response>
  /** The path the handler answers on (`options.path`). */
  readonly path: string
  /** Whether a path (with or without a query string) is one of the handler's routes (`path`, and `answerPath`/`actionPath` when call control is on): to pass other paths on. */
  matches (path: string): boolean
  /** Aborts the `ctx.signal` of the callbacks still running, and of any started after: call it when the server closes. */
  close (): void
}

const ALREADY_READ = 'the request body was already read (by a body parser or validator): hand over an unread Request ' +
  '(in Hono, `await cloneRawRequest(c.req)` from hono/request gives one after `c.req.json()`)'

/** A body that can no longer be read: reading it fails with a message saying why, and the core answers 500. */
const alreadyRead: AsyncIterable<Uint8Array> = {
  [Symbol.asyncIterator]: () => ({ next: async () => { throw new Error(ALREADY_READ) } })
}

/** The body's stream, opened when the core asks for it (never for a 404 or a 405); none reads as empty. */
async function * streamed (request: Request): AsyncIterable<Uint8Array> {
  if (request.body !== null) yield * request.body
}

/**
 * What the core reads: the body's stream, chunk by chunk, so that the core's limits hold as for the other
 * adapters (`bodyLimit` stops reading, `bodyTimeoutMs` answers 408 with what arrived). Reading it whole
 * with `arrayBuffer()` was cheaper on @hono/node-server but gave `onInvalid` nothing for a body cut off by
 * the timeout (bench/findings.md); given `c` there, Node's stream is read instead (node.ts).
 */
function bodyOf (request: Request): AsyncIterable<Uint8Array> {
  return request.bodyUsed ? alreadyRead : streamed(request)
}

/** `request` as the core reads it: from Node's request behind it (`incoming`, see node.ts), or as a web `Request`. */
function toWebhookRequest (request: Request, incoming: NodeRequest | undefined, ip: string | undefined): WebhookRequest {
  // Node's request behind it: its headers as Node parsed them (what the Express and Koa adapters read). On
  // @hono/node-server, `request.headers` would build a web `Headers` from the raw headers for every request
  // (2.7–5.9 µs against 0.1 µs, measured in bench/findings.md); else the headers as the `Request` has them
  const headers = incoming === undefined ? Object.fromEntries(request.headers) : incoming.headers
  // read by Hono (`c.req.json()` reads Node's stream) or by anyone else from Node's stream: not again
  const rawBody = incoming === undefined ? bodyOf(request) : request.bodyUsed || incoming.readableDidRead ? alreadyRead : incoming
  return { method: request.method, path: pathOf(request.url), headers, rawBody, ip }
}

/** `http://host/webhook/cdr?token=…#x` → `/webhook/cdr?token=…` (the part the receiver routes on). */
function pathOf (url: string): string {
  const start = url.indexOf('/', url.indexOf('//') + 2)
  const hash = url.indexOf('#', start)
  return hash < 0 ? url.slice(start) : url.slice(start, hash)
}

function split<Args extends unknown[]> (options: PiopiyHandlerOptions<Args>): [PiopiyHandlerOptions<Args>['getClientIp'], ReceiverOptions] {
  if (typeof options !== 'object' || options === null) return [undefined, options] // the core says what is wrong
  const { getClientIp, ...receiverOptions } = options
  if (getClientIp !== undefined && typeof getClientIp !== 'function') throw new PiopiyWebhookError('INVALID_OPTIONS', 'getClientIp must be a function')
  if (receiverOptions.auth?.allowIps !== undefined && getClientIp === undefined) {
    throw new PiopiyWebhookError('INVALID_OPTIONS', 'auth.allowIps needs getClientIp: a Request does not carry the client address ' +
      '(e.g. Hono on Node: getClientIp: (request, c) => getConnInfo(c).remote.address, and call handle(c.req.raw, c))')
  }
  return [getClientIp, receiverOptions]
}

/**
 * Handles PIOPIY webhooks on `options.path` (`/webhook/cdr` by default), and the answer and action
 * URLs when `onAnswer`/`onDtmf` are given, and answers 404 for every other path (`handle.matches(path)`
 * tells which requests to hand over, to pass the others on).
 *
 * ```ts
 * const handle = piopiyHandler({ auth: { token: process.env.PIOPIY_TOKEN }, onInboundAnswered: record => { … } })
 * export const POST = handle                        // Next.js: app/webhook/cdr/route.ts
 * app.use((c, next) => handle.matches(c.req.path) ? handle(c.req.raw, c) : next())   // Hono
 * ```
 *
 * In Hono, pass the context after the request: `handle(c.req.raw, c)`. On `@hono/node-server` the body and
 * the headers are then read from Node's request behind `c.req.raw` (as the Express adapter reads them), not
 * through a web stream and `Headers` built over it: about a third of the CPU per request. Without `c`, and on
 * every other runtime, they are read from the `Request`, with the same answers (repeated headers aside, which
 * Node joins its own way).
 */
export function piopiyHandler<Args extends unknown[] = unknown[]> (options: PiopiyHandlerOptions<Args> = {}): PiopiyHandler<Args> {
  const [getClientIp, receiverOptions] = split(options)
  const receiver = createReceiver(receiverOptions)
  const log = receiverOptions.logger ?? consoleLogger
  const clientIp = (request: Request, args: Args): string | undefined => {
    if (getClientIp === undefined) return undefined
    try {
      return getClientIp(request, ...args) ?? undefined
    } catch (err) {
      log.error({ err }, 'piopiy-webhooks: getClientIp threw; the client address is unknown')
      return undefined
    }
  }
  const handle = async (request: Request, ...args: Args): Promise<Response> => {
    const answer = await receiver.handle(toWebhookRequest(request, nodeRequestOf(request, args), clientIp(request, args)))
    return new Response(answer.body, { status: answer.status, headers: answer.headers })
  }
  return Object.assign(handle, { path: receiver.path, matches: receiver.matches, close: receiver.close })
}

export default piopiyHandler
