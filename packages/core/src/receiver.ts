/**
 * createReceiver: every HTTP decision of piopiy-webhooks, made once for all adapters.
 * route → method → auth → content-type → size → parse (classify, validate, normalize) → app-id allowlist →
 * delivery (dedupe claim → callbacks within the timeout → complete or release the claim) → answer. The
 * call-control routes (answerPath, actionPath) share the checks up to the body, then go to call-control.ts.
 */
import { Aborts } from './abort.js'
import { answerOf, FAILED, METHOD_NOT_ALLOWED, NOT_FOUND, rejection } from './answers.js'
import { type Authenticator, createAuthenticator } from './auth.js'
import { requestBody } from './body.js'
import { callbackTable } from './callbacks.js'
import { type CallControl, createCallControl } from './call-control.js'
import { Deadlines } from './deadlines.js'
import { Delivery } from './delivery.js'
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
    async handle (req) {
      try {
        return await handle(setup, req)
      } catch (err) {
        // reading the body failed (client aborted) or a bug: answer without leaking anything
        ;(req.log ?? opts.logger).error({ err }, 'piopiy-webhooks: request failed')
        return FAILED
      }
    }
  }
}

/** The route of `candidate` (with or without a query string or a trailing slash): `path`, a mounted call-control path, or undefined. */
function routeOf ({ opts: { path }, callControl }: Setup, candidate: string): string | undefined {
  const q = candidate.indexOf('?')
  const pathname = q < 0 ? candidate : candidate.slice(0, q)
  return pathname === path || pathname === `${path}/` ? path : callControl.routeOf(pathname)
}

/** One request, in the order of the contract (design.md, "HTTP contract"). */
async function handle (setup: Setup, req: WebhookRequest): Promise<WebhookResponse> {
  const { opts, auth, delivery } = setup
  const receivedAt = new Date()
  const route = routeOf(setup, req.path)
  if (route === undefined) return NOT_FOUND
  if (req.method !== 'POST' && req.method.toUpperCase() !== 'POST') return METHOD_NOT_ALLOWED
  const { headers } = req
  const log = req.log ?? opts.logger
  const ip = auth.clientIp(req.ip, headers)
  const body = await requestBody(req, opts.bodyLimit, setup.bodyTimeouts)
  // a body left (partly) unread: the connection is closed after the answer, so a keep-alive client never hangs
  const close = body.tooLarge || body.timedOut ? CLOSE : undefined
  const reject = async (status: number, reasons: string[], extraHeaders?: Record<string, string>): Promise<WebhookResponse> => {
    tellInvalid(opts, log, { rawBody: body.text, reasons, status, headers, ip })
    return rejection(status, reasons, { ...extraHeaders, ...close })
  }

  const q = req.path.indexOf('?')
  const denied = auth.check(headers, q < 0 ? '' : req.path.slice(q + 1), ip)
  if (denied !== undefined) return await reject(denied.status, [denied.reason], denied.headers)
  const contentType = joinedHeader(headers, 'content-type')
  if (!acceptsContentType(contentType)) return await reject(415, [`content-type: '${String(contentType)}' is not accepted (send application/json)`])
  if (body.timedOut) return await reject(408, [`body: not received within bodyTimeoutMs (${opts.bodyTimeoutMs} ms)`])
  if (body.tooLarge) {
    return await reject(413, [req.tooLarge === true ? 'body: larger than the body parser\'s limit' : `body: larger than bodyLimit (${opts.bodyLimit} bytes)`])
  }
  if (body.refused !== undefined) return await reject(body.refused.status, [body.refused.reason])
  if (route !== opts.path) {
    return await setup.callControl.handle(route, { input: body.input, reject, allowsApp: auth.allowsApp, onError: opts.onError, headers, ip, log, receivedAt, controller: setup.aborts.open() })
  }
  const result = parseNotification(body.input as object | string | undefined)
  if (!result.ok) return await reject(400, result.reasons)
  const n = result.notification
  if (!auth.allowsApp(n.appId)) return await reject(403, [`appid: ${String(n.appId)} is not in auth.appIds`])
  const controller = setup.aborts.open()
  const outcome = delivery.deliver(n, { key: dedupeKey(n), kind: n.kind, receivedAt, headers, ip, log, signal: controller.signal }, controller)
  return answerOf(outcome instanceof Promise ? await outcome : outcome)
}

/** `onInvalid` (called, not waited for: see hooks.ts), or by default a warning. */
function tellInvalid ({ onInvalid }: ResolvedOptions, log: Logger, info: InvalidInfo): void {
  // the default log leaves the headers out: they may carry the token or basic credentials
  if (onInvalid === undefined) log.warn({ status: info.status, reasons: info.reasons, ip: info.ip, rawBody: info.rawBody }, 'piopiy-webhooks: request rejected')
  else callHook(log, 'onInvalid', () => onInvalid(info))
}
