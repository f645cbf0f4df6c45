import { classify } from './classify.js'
import { normalize } from './normalize.js'
import type { Notification } from './records.js'
import { harden, parseJson } from './safe-json.js'
import { describeValue, validate } from './validate.js'

/** The result of {@link parseNotification}: a notification, or the 400 answer and why. */
export type ParseResult =
  | { ok: true, notification: Notification }
  | { ok: false, status: 400, reasons: string[] }

const invalid = (...reasons: string[]): ParseResult => ({ ok: false, status: 400, reasons })

function decode (input: Uint8Array | string): string {
  const text = typeof input === 'string' ? input
    : Buffer.isBuffer(input) ? input.toString() // a Buffer (every adapter's case) decodes as UTF-8 without a view
      : Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('utf8')
  return text.charCodeAt(0) === 0xFEFF ? text.slice(1) : text
}

/**
 * Reads one webhook body into a JSON object: bytes or a string are parsed once, prototype-safe; an
 * object a framework parser already produced is hardened like our own. Never throws.
 */
export function parseBody (input: unknown): { ok: true, payload: Record<string, unknown> } | { ok: false, reasons: string[] } {
  let value: unknown = input
  if (typeof input === 'string' || input instanceof Uint8Array) {
    const text = decode(input)
    try {
      value = parseJson(text)
    } catch (err) {
      return { ok: false, reasons: [text.trim() === '' ? 'body: is empty' : `body: is not valid JSON (${(err as Error).message})`] }
    }
  }
  else if (!Object.isFrozen(value)) {
    value = harden(value) // a body a framework parser produced: hardened like our own
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, reasons: [`body: must be a JSON object (got ${value === undefined ? 'nothing' : describeValue(value)})`] }
  }
  return { ok: true, payload: value as Record<string, unknown> }
}

/**
 * Parses one webhook body: bytes, a string, or an object a framework parser already produced.
 * JSON is parsed once, prototype-safe; the payload is classified, validated against its kind's schema
 * and normalized. Never throws.
 */
export function parseNotification (input: Uint8Array | string | object | null | undefined): ParseResult {
  const body = parseBody(input)
  if (!body.ok) return invalid(...body.reasons)
  const payload = body.payload
  const kind = classify(payload)
  const reasons = validate(kind, payload)
  if (reasons.length > 0) return invalid(...reasons)
  return { ok: true, notification: normalize(kind, payload) }
}
