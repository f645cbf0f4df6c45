/** Machine-readable codes of {@link PiopiyWebhookError}. */
export type PiopiyWebhookErrorCode =
  | 'INVALID_OPTIONS'
  | 'CALLBACK_FAILED'
  | 'CALLBACK_TIMEOUT'
  | 'STORE_FAILED'

/**
 * The one error class of piopiy-webhooks. Thrown for bad options at start-up, and passed to
 * `onError` when a callback throws, times out, or the idempotency store fails.
 */
export class PiopiyWebhookError extends Error {
  override readonly name = 'PiopiyWebhookError'
  readonly code: PiopiyWebhookErrorCode
  /** The HTTP status the receiver answered (or would answer) for this error. */
  readonly statusCode: number

  constructor (code: PiopiyWebhookErrorCode, message: string, options: { statusCode?: number, cause?: unknown } = {}) {
    super(`[@piopiy-webhooks/core] ${message}`, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.statusCode = options.statusCode ?? 500
  }
}
