import type { Logger } from '../src/logger.js'
import { payload } from './fixtures/index.js'
import { parseNotification } from '../src/parse.js'
import type { Notification } from '../src/records.js'
import type { Receiver, WebhookRequest, WebhookResponse } from '../src/types.js'

/** The seed CDR: the documented inbound answered CDR (legacy global page), as a fresh object. */
export const seedCdr = (): Record<string, unknown> => payload('piopiy.cdr.inbound.answered.leg-a.legacy')

export interface LogLine { level: keyof Logger, obj: unknown, msg: string | undefined }

/** A logger that records what it is told, for assertions. */
export function recordingLogger (): Logger & { lines: LogLine[] } {
  const lines: LogLine[] = []
  const at = (level: keyof Logger) => (obj: unknown, msg?: string): void => { lines.push({ level, obj, msg }) }
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }
}

/** POSTs a body (object → JSON bytes) to a receiver the way an adapter would. */
export function post (receiver: Receiver, body: unknown, request: Partial<WebhookRequest> = {}): Promise<WebhookResponse> {
  const rawBody = typeof body === 'string' || body instanceof Uint8Array ? body : Buffer.from(JSON.stringify(body))
  return receiver.handle({ method: 'POST', path: '/webhook/cdr', headers: { 'content-type': 'application/json' }, rawBody, ip: '127.0.0.1', ...request })
}

export const json = (response: WebhookResponse): unknown => JSON.parse(response.body)

/** A promise with its resolve function, for callbacks that should wait. */
export function deferred<T = void> (): { promise: Promise<T>, resolve: (value: T) => void, reject: (err: unknown) => void } {
  let resolve!: (value: T) => void
  let reject!: (err: unknown) => void
  const promise = new Promise<T>((res, rej) => { resolve = res; reject = rej })
  return { promise, resolve, reject }
}

/** Parses and returns the notification; a rejection fails the test (with its reasons) and gives `undefined`. */
export function parsedOrFail (t: { fail (message: string): unknown }, input: Parameters<typeof parseNotification>[0], label?: string): Notification | undefined {
  const result = parseNotification(input)
  if (!result.ok) {
    t.fail(`${label === undefined ? '' : `${label}: `}rejected: ${result.reasons.join('; ')}`)
    return undefined
  }
  return result.notification
}
