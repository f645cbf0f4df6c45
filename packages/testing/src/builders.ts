/**
 * Builders of wire-format payloads (snake_case, as PIOPIY POSTs them), shaped like the documented
 * samples, with fresh ids and the current time, so that each built notification is a new one for a
 * deduplicating receiver. Send the same object twice to simulate the platform's retries.
 */
import type { CallEventPayload, CdrPayload, StreamEventPayload } from '@piopiy-webhooks/core'
import { newCmiuuid, newRequestId } from './ids.js'

/**
 * Which documented format to build:
 * - `'current'`: the current global docs (no `type` field);
 * - `'legacy'`: the legacy global docs (`type: 'cdr' | 'event'`; outbound CDRs add `out` and `api_init`);
 * - `'india'`: the India docs (`type` set, national 10-digit numbers, no `start_time`, `end_time`,
 *   `answer_time`, `call_rate` or `balance`; outbound calls carry `callerid: '04471000000'`).
 */
export type Variant = 'current' | 'legacy' | 'india'

export interface BuildOptions {
  /**
   * The documented format to build.
   * @default 'current' ('legacy' for a `hangup` event; 'india' for `started`, `ringing` and `answered` events)
   */
  variant?: Variant
}

/** Wire fields to set on a built payload; a field set to `undefined` is removed. */
export type Overrides<T> = { [K in keyof T]?: T[K] | undefined }

/** The live-event statuses of the docs: `in_`/`out_` ones (current global) and bare ones (legacy global, India). */
export type CallEventStatus = 'in_answered' | 'out_started' | 'out_answered' | 'out_bridged' | 'hangup' | 'started' | 'ringing' | 'answered'

type Wire = Record<string, unknown>

/** Sets each override as an own property (so even a `__proto__` key can be sent), or removes it. */
function apply<T> (payload: Wire, overrides: object): T {
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) delete payload[key]
    else Object.defineProperty(payload, key, { value, enumerable: true, writable: true, configurable: true })
  }
  return payload as T
}

function cdr (direction: 'inbound' | 'outbound', status: 'answered' | 'missed', overrides: Overrides<CdrPayload>, { variant = 'current' }: BuildOptions): CdrPayload {
  const cmiuuid = newCmiuuid()
  const time = Date.now()
  const answered = status === 'answered'
  const inbound = direction === 'inbound'
  const duration = overrides.duration ?? (answered ? (inbound ? 13 : 8) : 0)
  const common = { appid: 2222222, time, direction, duration, cmiuuid }
  let payload: Wire
  if (variant === 'india') {
    payload = inbound
      ? { to: 4471000000, from: 9100000000, ...common }
      : { to: 9100000000, from: 4471000000, ...common, request_id: newRequestId(), callerid: '04471000000', vn: 4471000000, out: true }
    if (answered) payload.extra_params = '{"key":"value"}'
    Object.assign(payload, { conversation_uuid: cmiuuid, status, leg: 'a', type: 'cdr' })
  } else {
    // the call ends now; it rang 5 s, then lasted `duration` seconds when answered
    const end = Math.floor(time / 1000)
    const answer = end - duration
    const conversation = inbound ? cmiuuid : newRequestId()
    payload = {
      to: 440000000000,
      from: inbound ? 440000000001 : 19170000000,
      ...common,
      start_time: (answered ? answer : end) - 5,
      end_time: end,
      ...(answered ? { answer_time: answer } : {}),
      extra_params: '{"key":"value"}',
      call_rate: answered ? '0.450000' : 0,
      balance: '878.900000',
      conversation_uuid: conversation,
      ...(inbound ? {} : { request_id: conversation, callerid: 19170000000 }),
      ...(variant === 'legacy' && !inbound ? { out: true, api_init: true } : {}),
      status,
      leg: 'a',
      ...(variant === 'legacy' ? { type: 'cdr' } : {})
    }
  }
  return apply(payload, overrides)
}

/** An inbound answered CDR (the main event: `onInboundAnswered`). */
export const inboundAnsweredCdr = (overrides: Overrides<CdrPayload> = {}, options: BuildOptions = {}): CdrPayload =>
  cdr('inbound', 'answered', overrides, options)

/** An inbound missed CDR (`onInboundMissed`). */
export const inboundMissedCdr = (overrides: Overrides<CdrPayload> = {}, options: BuildOptions = {}): CdrPayload =>
  cdr('inbound', 'missed', overrides, options)

/** An outbound answered CDR (`onOutboundAnswered`); `request_id` is the id the make-call API returned. */
export const outboundAnsweredCdr = (overrides: Overrides<CdrPayload> = {}, options: BuildOptions = {}): CdrPayload =>
  cdr('outbound', 'answered', overrides, options)

/** An outbound missed CDR (`onOutboundMissed`). */
export const outboundMissedCdr = (overrides: Overrides<CdrPayload> = {}, options: BuildOptions = {}): CdrPayload =>
  cdr('outbound', 'missed', overrides, options)

const INBOUND_EVENTS: ReadonlySet<string> = new Set(['in_answered', 'answered', 'hangup'])

/**
 * A live call event (`onCallEvent`). `in_`/`out_` statuses are built in the current global format;
 * bare statuses (`hangup`, `started`, `ringing`, `answered`) exist only in the formats that carry
 * `type`, so they always carry `type: 'event'` (without it, `'answered'` would not be an event).
 * `out_bridged` is leg b of an answered outbound call; every other status is leg a.
 */
export function callEvent (status: CallEventStatus, overrides: Overrides<CallEventPayload> = {}, options: BuildOptions = {}): CallEventPayload {
  const bare = !status.includes('_')
  const { variant = bare ? (status === 'hangup' ? 'legacy' : 'india') : 'current' } = options
  const direction = INBOUND_EVENTS.has(status) ? 'inbound' : 'outbound'
  const inbound = direction === 'inbound'
  const leg = status === 'out_bridged' ? 'b' : 'a'
  const cmiuuid = newCmiuuid()
  const time = Date.now()
  let payload: Wire
  if (variant === 'india') {
    payload = { type: 'event', leg, conversation_uuid: cmiuuid, time }
    Object.assign(payload, inbound
      ? { to: 4461000000, from: 9100000000, cmiuuid, direction, appid: 2222226 }
      : { to: leg === 'b' ? 9200000001 : 9200000000, from: 4471000000, cmiuuid, direction, appid: 2222226, callerid: '04471000000', vn: 4471000000 })
    payload.status = status
  } else if (inbound) {
    payload = { appid: 2222224, conversation_uuid: cmiuuid, direction, from: 440000000000, leg, status, time, to: 19170000000, cmiuuid, extra_params: '{key: value}' }
  } else {
    const requestId = newRequestId()
    payload = {
      appid: 2222224,
      callerid: 440000000000,
      conversation_uuid: requestId,
      direction,
      extra_params: '{"key":"value"}',
      from: 440000000000,
      leg,
      request_id: requestId,
      status,
      time,
      to: leg === 'b' ? 19170000001 : 19170000000,
      cmiuuid,
      vn: 440000000000
    }
  }
  if (variant === 'legacy' || bare) payload.type = 'event'
  return apply(payload, overrides)
}

/**
 * An AI stream event (`onStreamEvent`): `'connected'` sends `status: 'stream_connected'`,
 * `'disconnected'` sends `status: 'STREAM_DISCONNECTED'` (upper case, as documented), each with its
 * `ws_status` JSON string.
 */
export function streamEvent (state: 'connected' | 'disconnected', overrides: Overrides<StreamEventPayload> = {}): StreamEventPayload {
  const connected = state === 'connected'
  return apply({
    appid: 2222224,
    direction: 'inbound',
    from: 440000000000,
    leg: 'b',
    status: connected ? 'stream_connected' : 'STREAM_DISCONNECTED',
    time: Date.now(),
    cmiuuid: newCmiuuid(),
    ws_status: connected ? '{"status":"connected"}' : '{"status":"disconnected","message":{"code":1006,"reason":"Abnormal closure"}}'
  }, overrides)
}
