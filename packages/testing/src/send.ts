/** send(): POST a payload to a receiver the way PIOPIY does, including the retry copies. */

/** A body to send: an object (sent as JSON), or a string or bytes sent exactly as given (e.g. invalid JSON). */
export type Body = object | string | Uint8Array

export interface SendOptions {
  /**
   * How many identical copies to POST, one after another (PIOPIY resends a CDR up to 4 times).
   * @default 1
   */
  times?: number
  /** Extra request headers, e.g. `{ 'x-webhook-token': 'secret' }`. */
  headers?: Record<string, string>
  /**
   * The content-type header; `false` sends none (the platform's content-type is not documented).
   * @default 'application/json'
   */
  contentType?: string | false
  /**
   * Pause between copies, in ms (the platform waits 5, 10 and 15 minutes).
   * @default 0
   */
  intervalMs?: number
  /**
   * The fetch implementation to use.
   * @default globalThis.fetch
   */
  fetch?: typeof globalThis.fetch
}

/** What the receiver answered to one copy. */
export interface Delivery {
  status: number
  /** The response body, as text. */
  body: string
}

/** The exact bytes `send` posts for a body: objects as JSON, strings as UTF-8, bytes as they are. */
export function encodeBody (payload: Body): Uint8Array {
  if (typeof payload === 'string') return Buffer.from(payload, 'utf8')
  if (payload instanceof Uint8Array) return payload
  return Buffer.from(JSON.stringify(payload), 'utf8')
}

const sleep = async (ms: number): Promise<void> => { await new Promise(resolve => setTimeout(resolve, ms)) }

/**
 * POSTs `payload` to `url` `times` times (identical copies, sequentially, like the platform's
 * retries) and resolves with each answer. Rejects when the receiver cannot be reached.
 */
export async function send (url: string | URL, payload: Body, options: SendOptions = {}): Promise<Delivery[]> {
  const { times = 1, headers = {}, contentType = 'application/json', intervalMs = 0, fetch = globalThis.fetch } = options
  if (!Number.isInteger(times) || times < 1) throw new TypeError(`send: times must be a positive integer (got ${String(times)})`)
  if (!Number.isFinite(intervalMs) || intervalMs < 0) throw new TypeError(`send: intervalMs must be a number >= 0 (got ${String(intervalMs)})`)
  const body = encodeBody(payload)
  const typed = contentType === false || Object.keys(headers).some(name => name.toLowerCase() === 'content-type')
  const requestHeaders: Record<string, string> = typed ? { ...headers } : { 'content-type': contentType, ...headers }
  const deliveries: Delivery[] = []
  for (let copy = 0; copy < times; copy++) {
    if (copy > 0 && intervalMs > 0) await sleep(intervalMs)
    const response = await fetch(url, { method: 'POST', headers: requestHeaders, body })
    deliveries.push({ status: response.status, body: await response.text() })
  }
  return deliveries
}
