/** Machine-readable codes of {@link PiopiyWebhookError}. */
export type PiopiyWebhookErrorCode =
  | 'INVALID_OPTIONS'
  | 'CALLBACK_FAILED'
  | 'CALLBACK_TIMEOUT'
  | 'STORE_FAILED'
  | 'INVALID_PCMO'

/** The package a message is from, as its `[prefix]` shows it. */
const CORE = '@piopiy-webhooks/core'

/**
 * The one error class of piopiy-webhooks. Thrown for bad options at start-up, and passed to
 * `onError` when a callback throws, times out, or the idempotency store fails; `INVALID_PCMO` when a
 * call flow is invalid (thrown by `pcmo()` at build time; passed to `onError` when a callback returns one).
 */
export class PiopiyWebhookError extends Error {
  override readonly name = 'PiopiyWebhookError'
  readonly code: PiopiyWebhookErrorCode
  /** The HTTP status the receiver answered (or would answer) for this error. */
  readonly statusCode: number

  /** `from` names the package that throws, in the message's `[prefix]` (the core by default). */
  constructor (code: PiopiyWebhookErrorCode, message: string, options: { statusCode?: number, cause?: unknown, from?: string } = {}) {
    super(`[${options.from ?? CORE}] ${message}`, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.statusCode = options.statusCode ?? 500
  }
}

/** Bad options: throws INVALID_OPTIONS, at start-up or construction, named after the package that checked them. */
export function invalidOptions (message: string, options: { from?: string, cause?: unknown } = {}): never {
  throw new PiopiyWebhookError('INVALID_OPTIONS', message, options)
}

/** What failed while delivering (`code`: which step; `statusCode`: the answer), wrapping what was thrown (`cause`). */
export const failure = (code: Exclude<PiopiyWebhookErrorCode, 'INVALID_OPTIONS'>, statusCode: 500 | 503, message: string, cause?: unknown): PiopiyWebhookError =>
  new PiopiyWebhookError(code, message, { statusCode, cause })
