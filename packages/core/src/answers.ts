/** Every HTTP answer the receiver gives: small JSON bodies, never a stack or an internal message. */
import type { Outcome } from './delivery.js'
import type { Logger } from './logger.js'
import type { WebhookResponse } from './types.js'

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' }

const TEXT: Record<number, string> = {
  200: 'OK',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  500: 'Internal Server Error',
  503: 'Service Unavailable'
}

const frozen = (status: number, body: string, headers: Record<string, string> = JSON_HEADERS): WebhookResponse =>
  Object.freeze({ status, headers: Object.freeze({ ...headers }), body })

/** A 4xx with the reasons a person can act on. */
export const rejection = (status: number, reasons: string[], headers: Record<string, string> = {}): WebhookResponse =>
  ({ status, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify({ error: TEXT[status], reasons }) })

export const OK = frozen(200, '{"ok":true}')
export const DUPLICATE = frozen(200, '{"ok":true,"duplicate":true}')
export const NOT_FOUND = frozen(404, '{"error":"Not Found"}')
export const METHOD_NOT_ALLOWED = frozen(405, '{"error":"Method Not Allowed"}', { ...JSON_HEADERS, allow: 'POST' })
export const FAILED = frozen(500, '{"error":"Internal Server Error"}')
/** The platform resends CDRs at +5, +15 and +30 min: a 503 asks for exactly that. */
export const UNAVAILABLE = frozen(503, '{"error":"Service Unavailable"}', { ...JSON_HEADERS, 'retry-after': '300' })

const DELIVERED = { processed: OK, duplicate: DUPLICATE, busy: UNAVAILABLE } as const

/** The answer to a delivery's outcome; a failed one answers its error's `statusCode` (503: the platform retries later). */
export const answerOf = (outcome: Outcome): WebhookResponse =>
  typeof outcome === 'string' ? DELIVERED[outcome] : outcome.statusCode === 503 ? UNAVAILABLE : FAILED

/**
 * A request that failed where nothing should (the client aborted while sending, a bug, a logger that throws):
 * logged if the log can, and answered 500 without leaking anything.
 */
export function failedAnswer (log: Logger, err: unknown): WebhookResponse {
  try {
    log.error({ err }, 'piopiy-webhooks: request failed')
  } catch {}
  return FAILED
}
