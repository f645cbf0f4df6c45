/**
 * createReceiver: every HTTP decision of piopiy-webhooks, made once for all adapters.
 * route/method → auth → content-type → size → parse/classify/validate/normalize → app-id allowlist →
 * dedupe claim → callbacks (with timeout) → complete or release the claim → answer.
 */
import { DUPLICATE, FAILED, METHOD_NOT_ALLOWED, NOT_FOUND, OK, rejection, UNAVAILABLE } from './answers.js'
import { createAuthenticator } from './auth.js'
import { readBody } from './body.js'
import { type Callback, failure, invoke, type Named, TIMED_OUT, within } from './callbacks.js'
import { PiopiyWebhookError } from './errors.js'
import type { Logger } from './logger.js'
import { dedupeKey } from './normalize.js'
import { resolveOptions } from './options.js'
import { parseNotification } from './parse.js'
import type { Notification } from './records.js'
import type { CallbackContext, Headers, Receiver, ReceiverOptions, WebhookRequest, WebhookResponse } from './types.js'

const header = (headers: Headers, name: string): string | undefined => {
  const value = headers[name]
  return Array.isArray(value) ? value.join(', ') : value
}

/** application/json, application/*+json and text/plain, any charset; a missing content-type is accepted. */
export function acceptsContentType (value: string | undefined): boolean {
  if (value === undefined || value.trim() === '') return true
  const type = (value.split(';')[0] as string).trim().toLowerCase()
  return type === 'application/json' || type === 'text/plain' || (type.startsWith('application/') && type.endsWith('+json'))
}

/** Creates the receiver that adapters call; options are checked here, at start-up. */
export function createReceiver (options: ReceiverOptions = {}): Receiver {
  const opts = resolveOptions(options)
  const { path, bodyLimit, handlerTimeoutMs, logger } = opts
  const store = opts.idempotency
  const auth = createAuthenticator(opts.auth)
  /** An in-flight claim is a lease: if this process dies, another copy may run after it. */
  const leaseMs = Math.max(handlerTimeoutMs * 6, 60_000)
  /** Answers of copies being processed here, so that a concurrent duplicate waits and answers the same. */
  const inFlight = new Map<string, Promise<WebhookResponse>>()

  if (!auth.configured) {
    logger.warn('[@piopiy-webhooks/core] no auth configured: anyone who learns the webhook URL can post fake CDRs. ' +
      "Put a secret token in the URL you set in the PIOPIY dashboard and pass auth: { token } (see docs/security.md).")
  }

  const named = (...names: Array<keyof ReceiverOptions>): readonly Named[] =>
    names.flatMap(name => typeof opts[name] === 'function' ? [[name, opts[name] as Callback] as const] : [])
  // looked up by property, never by a string built per request (a fresh string key costs a hash and a dictionary probe)
  const cdrCallbacks = {
    inbound: { answered: named('onInboundAnswered', 'onNotification'), missed: named('onInboundMissed', 'onNotification') },
    outbound: { answered: named('onOutboundAnswered', 'onNotification'), missed: named('onOutboundMissed', 'onNotification') }
  }
  const otherCallbacks = { event: named('onCallEvent', 'onNotification'), stream: named('onStreamEvent', 'onNotification'), unknown: named('onNotification') }
  const callbacksFor = (n: Notification): readonly Named[] =>
    n.kind === 'cdr' ? cdrCallbacks[n.direction][n.status] : otherCallbacks[n.kind]

  const reportError = async (err: PiopiyWebhookError, ctx: CallbackContext | undefined, log: Logger): Promise<void> => {
    try {
      if (opts.onError === undefined) log.error({ err, key: ctx?.key }, 'piopiy-webhooks: notification not processed')
      else await opts.onError(err, ctx)
    } catch (hookError) {
      log.error({ err: hookError }, 'piopiy-webhooks: onError threw')
    }
  }

  const matches = (candidate: string): boolean => {
    const q = candidate.indexOf('?')
    const pathname = q < 0 ? candidate : candidate.slice(0, q)
    return pathname === path || pathname === `${path}/`
  }

  /** Runs the callbacks of a claimed notification and settles its claim. */
  async function process (n: Notification, ctx: CallbackContext, claimed: boolean): Promise<WebhookResponse> {
    const settle = async (ok: boolean): Promise<void> => {
      if (!claimed || store === undefined) return
      try {
        await (ok ? store.complete(ctx.key) : store.release(ctx.key))
      } catch (err) {
        await reportError(failure('STORE_FAILED', `idempotency store failed to ${ok ? 'complete' : 'release'} ${ctx.key}`, err, 503), ctx, ctx.log)
      }
    }
    const failed = async (err: unknown): Promise<WebhookResponse> => {
      await settle(false)
      await reportError(err as PiopiyWebhookError, ctx, ctx.log)
      return FAILED
    }
    let running: Promise<void> | undefined
    try {
      running = invoke(callbacksFor(n), n, ctx)
    } catch (err) {
      return await failed(err)
    }
    if (running !== undefined) {
      const outcome = await within(running, handlerTimeoutMs)
      if (outcome === TIMED_OUT) {
        // keep the claim until the callback settles, then complete it or give it back for the next retry
        running.then(async () => { await settle(true) }, async (err: unknown) => { await settle(false); await reportError(err as PiopiyWebhookError, ctx, ctx.log) })
        await reportError(new PiopiyWebhookError('CALLBACK_TIMEOUT', `callbacks still running after handlerTimeoutMs (${handlerTimeoutMs} ms) for ${ctx.key}`, { statusCode: 503 }), ctx, ctx.log)
        return UNAVAILABLE
      }
      if (outcome !== undefined) return await failed(outcome.err)
    }
    await settle(true)
    return OK
  }

  async function deliver (n: Notification, ctx: CallbackContext): Promise<WebhookResponse> {
    if (n.kind === 'unknown') ctx.log.info({ cmiuuid: n.cmiuuid, status: n.status }, 'piopiy-webhooks: notification of unknown kind, acknowledged')
    if (store === undefined) return await process(n, ctx, false)
    const waiting = inFlight.get(ctx.key)
    if (waiting !== undefined) return await waiting
    let claim
    try {
      claim = await store.claim(ctx.key, leaseMs)
    } catch (err) {
      await reportError(failure('STORE_FAILED', `idempotency store failed to claim ${ctx.key}`, err, 503), ctx, ctx.log)
      return UNAVAILABLE
    }
    if (claim === 'done') return DUPLICATE
    // in flight here: wait for it and answer the same; in flight in another process: ask for a retry later
    if (claim === 'in-flight') return await (inFlight.get(ctx.key) ?? UNAVAILABLE)
    const answer = process(n, ctx, true)
    inFlight.set(ctx.key, answer)
    try {
      return await answer
    } finally {
      inFlight.delete(ctx.key)
    }
  }

  async function handle (req: WebhookRequest): Promise<WebhookResponse> {
    const receivedAt = new Date()
    if (!matches(req.path)) return NOT_FOUND
    if (req.method.toUpperCase() !== 'POST') return METHOD_NOT_ALLOWED
    const log = req.log ?? logger
    const headers = req.headers
    const ip = auth.clientIp(req.ip, headers)
    let rawText: string | undefined
    const raw = async (): Promise<string> => {
      if (rawText !== undefined) return rawText
      const parsed = req.parsedBody
      if (typeof parsed === 'string') return parsed // express.text() and the like
      if (parsed instanceof Uint8Array) return Buffer.from(parsed).toString('utf8') // express.raw()
      if (parsed !== undefined) return JSON.stringify(parsed) ?? ''
      return (await readBody(req.rawBody, bodyLimit)).bytes.toString('utf8')
    }
    /** A body a framework parser read: its content-length, or (chunked) the size of its text. */
    const parsedTooLarge = async (contentLength: string | undefined): Promise<boolean> =>
      contentLength === undefined ? Buffer.byteLength(await raw()) > bodyLimit : Number(contentLength) > bodyLimit
    const reject = async (status: number, reasons: string[], extraHeaders?: Record<string, string>): Promise<WebhookResponse> => {
      const info = { rawBody: await raw(), reasons, status, headers, ip }
      try {
        // the default log leaves the headers out: they may carry the token or basic credentials
        if (opts.onInvalid === undefined) log.warn({ status, reasons, ip, rawBody: info.rawBody }, 'piopiy-webhooks: request rejected')
        else await opts.onInvalid(info)
      } catch (err) {
        log.error({ err }, 'piopiy-webhooks: onInvalid threw')
      }
      return rejection(status, reasons, extraHeaders)
    }

    const q = req.path.indexOf('?')
    const denied = auth.check(headers, q < 0 ? '' : req.path.slice(q + 1), ip)
    if (denied !== undefined) return await reject(denied.status, [denied.reason], denied.headers)
    const contentType = header(headers, 'content-type')
    if (!acceptsContentType(contentType)) {
      return await reject(415, [`content-type: '${String(contentType)}' is not accepted (send application/json)`])
    }
    if (req.tooLarge === true) {
      rawText = ''
      return await reject(413, ['body: larger than the body parser\'s limit'])
    }
    let input: object | string | undefined = req.parsedBody as object | undefined
    const tooLarge = `body: larger than bodyLimit (${bodyLimit} bytes)`
    if (input === undefined) {
      const body = await readBody(req.rawBody, bodyLimit)
      rawText = body.bytes.toString('utf8')
      if (body.tooLarge) return await reject(413, [tooLarge])
      input = rawText // decoded once: for onInvalid and for the parser
    } else if (await parsedTooLarge(header(headers, 'content-length'))) {
      rawText = (await raw()).slice(0, bodyLimit)
      return await reject(413, [tooLarge])
    }
    const result = parseNotification(input)
    if (!result.ok) return await reject(400, result.reasons)
    const n = result.notification
    if (!auth.allowsApp(n.appId)) return await reject(403, [`appid: ${String(n.appId)} is not in auth.appIds`])
    return await deliver(n, { key: dedupeKey(n), kind: n.kind, receivedAt, headers, ip, log })
  }

  return {
    path,
    matches,
    async handle (req) {
      try {
        return await handle(req)
      } catch (err) {
        // reading the body failed (client aborted) or a bug: answer without leaking anything
        ;(req.log ?? logger).error({ err }, 'piopiy-webhooks: request failed')
        return FAILED
      }
    }
  }
}
