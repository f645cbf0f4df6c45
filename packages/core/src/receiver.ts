/**
 * createReceiver: every HTTP decision of piopiy-webhooks, made once for all adapters.
 * route → method → auth → content-type → size → parse (classify, validate, normalize) → app-id allowlist →
 * delivery (dedupe claim → callbacks within the timeout → complete or release the claim) → answer. The
 * call-control routes (answerPath, actionPath) share the checks up to the body, then go to call-control.ts.
 */
import { Aborts } from './abort.js'
import { answerOf, failedAnswer, METHOD_NOT_ALLOWED, NOT_FOUND, rejection } from './answers.js'
import { type Authenticator, createAuthenticator } from './auth.js'
import { type RequestBody, requestBody } from './body.js'
import { callbackTable } from './callbacks.js'
import { type CallControl, createCallControl } from './call-control.js'
import { Deadlines } from './deadlines.js'
import { type Answer, Delivery } from './delivery.js'
import { acceptsContentType, joinedHeader } from './headers.js'
import { callHook } from './hooks.js'
import type { Logger } from './logger.js'
import { dedupeKey } from './dedupe-key.js'
import { type ResolvedOptions, resolveOptions } from './options.js'
import { parseNotification } from './parse.js'
import type { InvalidInfo, Receiver, ReceiverOptions, WebhookRequest, WebhookResponse } from './types.js'

/** What `handle` works with, built once by `createReceiver`. */
interface Setup { opts: ResolvedOptions, auth: Authenticator, delivery: Delivery, callControl: CallControl, bodyTimeouts: Deadlines, aborts: Aborts }

const CLOSE = Object.freeze({ connection: 'close' })

const NO_AUTH_WARNING = '[@piopiy-webhooks/core] no auth configured: anyone who learns the webhook URL can post fake CDRs. ' +
  'Put a secret token in the URL you set in the PIOPIY dashboard and pass auth: { token } (see docs/security.md).'

const noRenewWarning = (leaseMs: number): string => '[@piopiy-webhooks/core] the idempotency store has no renew(): a callback that runs longer than its lease ' +
  `(${leaseMs} ms) may be run again beside itself by the next copy (see IdempotencyStore in docs/configuration.md).`

/** Creates the receiver that adapters call; options are checked here, at start-up. */
export function createReceiver (options: ReceiverOptions = {}): Receiver {
  const opts = resolveOptions(options)
  const auth = createAuthenticator(opts.auth)
  if (!auth.configured) opts.logger.warn(NO_AUTH_WARNING)
  const { idempotency: store, handlerTimeoutMs, onError, logger } = opts
  /** An in-flight claim is a lease, renewed while its callbacks run: if this process dies, another copy may run after it. */
  const leaseMs = opts.leaseMs ?? Math.max(handlerTimeoutMs * 6, 60_000)
  store?.useLogger?.(logger)
  if (store !== undefined && store.renew === undefined) logger.warn(noRenewWarning(leaseMs))
  const aborts = new Aborts()
  const callControl = createCallControl({ ...opts, aborts })
  const delivery = new Delivery({ store, handlerTimeoutMs, leaseMs, callbacksFor: callbackTable(opts), onError, aborts })
  const setup: Setup = { opts, auth, delivery, callControl, bodyTimeouts: new Deadlines(opts.bodyTimeoutMs), aborts }
  return {
    path: opts.path,
    paths: [opts.path, ...callControl.paths],
    matches: candidate => routeOf(setup, candidate) !== undefined,
    close: () => { aborts.close() },
    // one promise per request: the answer's, made at the end (or the delivery's, when a callback is awaited)
    handle (req) {
      let answer: Answer
      try {
        answer = handle(setup, req)
      } catch (err) {
        answer = failed(setup, req, err)
      }
      return answer instanceof Promise ? answer : Promise.resolve(answer)
    }
  }
}

/** The route of `candidate` (with or without a query string or a trailing slash): `path`, a mounted call-control path, or undefined. */
function routeOf ({ opts: { path }, callControl }: Setup, candidate: string): string | undefined {
  const q = candidate.indexOf('?')
  const pathname = q < 0 ? candidate : candidate.slice(0, q)
  return pathname === path || pathname === `${path}/` ? path : callControl.routeOf(pathname)
}

/** Reading the body failed (the client aborted) or a bug: answered 500, on the request's log (answers.ts). */
const failed = ({ opts }: Setup, req: WebhookRequest, err: unknown): WebhookResponse => failedAnswer(req.log ?? opts.logger, err)

/**
 * One request, in the order of the contract (design.md, "HTTP contract"), without waiting until something
 * has to: a body in memory is read and decoded at once, a duplicate is answered at once; a streamed body goes on
 * in its read's promise, in the request's async context (body.ts). A promise it returns never rejects.
 */
function handle (setup: Setup, req: WebhookRequest): Answer {
  const receivedAt = Date.now()
  const route = routeOf(setup, req.path)
  if (route === undefined) return NOT_FOUND
  if (req.method !== 'POST' && req.method.toUpperCase() !== 'POST') return METHOD_NOT_ALLOWED
  const ip = setup.auth.clientIp(req.ip, req.headers)
  const body = requestBody(req, setup.opts.bodyLimit, setup.bodyTimeouts)
  // the clock read above is still `now` while the body goes on in this turn
  if (!(body instanceof Promise)) return checked(setup, { req, route, ip, receivedAt, now: receivedAt, body })
  return body.then(read => {
    try {
      return checked(setup, { req, route, ip, receivedAt, now: Date.now(), body: read })
    } catch (err) {
      return failed(setup, req, err)
    }
  }, (err: unknown) => failed(setup, req, err))
}

/** A request whose body has been read; `now` is the clock read in this turn (`receivedAt` when the body was in memory). */
interface Received { req: WebhookRequest, route: string, ip: string | undefined, receivedAt: number, now: number, body: RequestBody }

/** Auth, content-type, size, then the notification (parsed, app allowed, delivered) or a call-control request. */
function checked (setup: Setup, received: Received): Answer {
  const { opts, auth } = setup
  const { req, route, ip, body } = received
  const { headers } = req
  const q = req.path.indexOf('?')
  const denied = auth.check(headers, q < 0 ? '' : req.path.slice(q + 1), ip)
  if (denied !== undefined) return reject(setup, received, denied.status, [denied.reason], denied.headers)
  const contentType = joinedHeader(headers, 'content-type')
  if (!acceptsContentType(contentType)) return reject(setup, received, 415, [`content-type: '${String(contentType)}' is not accepted (send application/json)`])
  if (body.timedOut) return reject(setup, received, 408, [`body: not received within bodyTimeoutMs (${opts.bodyTimeoutMs} ms)`])
  if (body.tooLarge) {
    return reject(setup, received, 413, [req.tooLarge === true ? 'body: larger than the body parser\'s limit' : `body: larger than bodyLimit (${opts.bodyLimit} bytes)`])
  }
  if (body.refused !== undefined) return reject(setup, received, body.refused.status, [body.refused.reason])
  if (route !== opts.path) return callControl(setup, received)
  const result = parseNotification(body.input as object | string | undefined)
  if (!result.ok) return reject(setup, received, 400, result.reasons)
  const n = result.notification
  if (!auth.allowsApp(n.appId)) return reject(setup, received, 403, [`appid: ${String(n.appId)} is not in auth.appIds`])
  return setup.delivery.deliver(n, { key: dedupeKey(n), receivedAt: received.receivedAt, now: received.now, headers, ip, log: req.log ?? opts.logger })
}

/** A rejection: `onInvalid` told (with the body as text), then the 4xx; a body left (partly) unread closes the connection. */
function reject ({ opts }: Setup, { req, ip, body }: Received, status: number, reasons: string[], extraHeaders?: Record<string, string>): WebhookResponse {
  tellInvalid(opts, req.log ?? opts.logger, { rawBody: body.text, reasons, status, headers: req.headers, ip })
  // a keep-alive client never hangs on a body it is still sending
  return rejection(status, reasons, body.tooLarge || body.timedOut ? { ...extraHeaders, ...CLOSE } : { ...extraHeaders })
}

/** A request to a call-control path (call-control.ts), once the checks every route shares have passed. */
function callControl (setup: Setup, received: Received): Promise<WebhookResponse> {
  const { opts, auth } = setup
  const { req, route, ip, body } = received
  const request = {
    input: body.input,
    reject: async (status: number, reasons: string[]) => reject(setup, received, status, reasons),
    allowsApp: auth.allowsApp,
    onError: opts.onError,
    headers: req.headers,
    ip,
    log: req.log ?? opts.logger,
    receivedAt: received.receivedAt,
    controller: setup.aborts.open()
  }
  return setup.callControl.handle(route, request).then(undefined, (err: unknown) => failed(setup, req, err))
}

/** `onInvalid` (called, not waited for: see hooks.ts), or by default a warning. */
function tellInvalid ({ onInvalid }: ResolvedOptions, log: Logger, info: InvalidInfo): void {
  // the default log leaves the headers out: they may carry the token or basic credentials
  if (onInvalid === undefined) log.warn({ status: info.status, reasons: info.reasons, ip: info.ip, rawBody: info.rawBody }, 'piopiy-webhooks: request rejected')
  else callHook(log, 'onInvalid', () => onInvalid(info))
}
