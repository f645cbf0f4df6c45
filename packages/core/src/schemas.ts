/**
 * The wire schemas: what PIOPIY POSTs, one schema per notification kind. These objects are the single
 * source of truth: Ajv compiles them (once) to validate, and the wire TypeScript types are derived
 * from them with `Static`. Every field is documented in docs/fields.md.
 */
import { Type, type Static, type TNumber, type TUnsafe } from '@sinclair/typebox'
import { PHONE_MAX_NUMBER, PHONE_PATTERN } from './phone.js'

/**
 * "At least one visible character". Used instead of `minLength: 1`, and no `maxLength` anywhere: Ajv counts
 * string lengths in code points by walking every character, which cost more than the rest of validation;
 * the body limit bounds every string anyway.
 */
export const NOT_BLANK = '\\S'

/** A phone number as PIOPIY sends it: a JSON number of at most 15 digits, or a string of at most 32 characters (which keeps a leading zero); see phone.ts. */
export const phone = (description: string): TUnsafe<string | number> =>
  Type.Unsafe<string | number>({ type: ['string', 'integer'], pattern: PHONE_PATTERN, minimum: 0, maximum: PHONE_MAX_NUMBER, description })

/** An app id: a number in every sample; a numeric string is accepted too. */
const appId = (description: string): TUnsafe<string | number> =>
  Type.Unsafe<string | number>({ type: ['string', 'integer'], pattern: '^[0-9]{1,15}$', minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description })

/** A decimal amount: a string with the exact digits (`'0.450000'`), or a number (`0` when unbilled). */
const money = (description: string): TUnsafe<string | number> =>
  Type.Unsafe<string | number>({ type: ['string', 'number'], pattern: '^-?[0-9]{1,15}(\\.[0-9]{1,12})?$', description })

/** The latest instant a JavaScript Date can hold (8.64e15 ms): a larger time would normalize to an Invalid Date. */
const MAX_DATE_MS = 8.64e15
const epochSeconds = (description: string): TNumber => Type.Number({ minimum: 0, maximum: MAX_DATE_MS / 1000, description: `${description} (epoch seconds)` })

/** Fields every notification kind may carry, with their documented types. */
const common = {
  cmiuuid: Type.Optional(Type.String({ pattern: NOT_BLANK, description: 'Unique id of this call leg (a UUID in the docs; any non-empty string accepted)' })),
  cmuuid: Type.Optional(Type.String({ pattern: NOT_BLANK, description: 'Spelling of cmiuuid used by the DTMF samples' })),
  appid: Type.Optional(appId('Your app id (the key every sample uses)')),
  app_id: Type.Optional(appId('Your app id (the key the legacy and India tables document)')),
  type: Type.Optional(Type.String({ description: "Notification type: 'cdr' or 'event' (legacy global and India payloads only)" })),
  time: Type.Number({ minimum: 0, maximum: MAX_DATE_MS, description: 'Timestamp of this notification (epoch milliseconds)' }),
  conversation_uuid: Type.Optional(Type.String({ description: 'Id shared by both legs of one conversation (a UUID or a 43-character id)' })),
  request_id: Type.Optional(Type.String({ description: 'Id returned by the make-call API; outbound calls only' })),
  extra_params: Type.Optional(Type.Unsafe<string | Record<string, unknown> | null>({ type: ['string', 'object', 'null'], description: 'Your custom parameters, echoed back as a string in one of four styles' }))
}

/** A string enum as one JSON-schema `enum` (one clear error), typed as the union of its values. */
const oneOf = <const T extends string[]>(values: T, description: string): TUnsafe<T[number]> =>
  Type.Unsafe<T[number]>({ type: 'string', enum: values, description })

const direction = oneOf(['inbound', 'outbound'], 'Direction of this call')
const leg = oneOf(['a', 'b'], 'Leg of the call: a or b')

/** A call detail record (CDR): sent when a call leg ends, re-sent up to 4 times. */
export const CdrPayloadSchema = Type.Object({
  ...common,
  direction,
  leg,
  status: oneOf(['answered', 'missed', 'ANSWERED', 'MISSED'], 'Outcome of the call leg'),
  from: phone('The number who made the call (inbound) or your DID (outbound)'),
  to: phone('Your DID (inbound) or the number the call was made to (outbound)'),
  callerid: Type.Optional(phone('The caller id shown on the call')),
  vn: Type.Optional(phone('The virtual number shown to the customer')),
  duration: Type.Number({ minimum: 0, description: 'Talk time in seconds (0 when missed)' }),
  start_time: Type.Optional(epochSeconds('The start time of this call')),
  end_time: Type.Optional(epochSeconds('The end time of this call')),
  answer_time: Type.Optional(epochSeconds('The answer time of this call (may appear on missed calls)')),
  call_rate: Type.Optional(money('The billed call rate: a decimal string, or number 0 when unbilled')),
  balance: Type.Optional(money('The account balance after this call, as a decimal string')),
  out: Type.Optional(Type.Boolean({ description: 'Undocumented; true on legacy and India outbound CDRs' })),
  api_init: Type.Optional(Type.Boolean({ description: 'Undocumented; true on a legacy API-initiated outbound CDR' }))
}, { $id: 'piopiy-cdr', title: 'PIOPIY call detail record (CDR)', additionalProperties: true })

/** A live call event: in_answered, out_started, out_answered, out_bridged, hangup, started, ringing, answered… */
export const CallEventPayloadSchema = Type.Object({
  ...common,
  direction,
  leg,
  status: Type.String({ pattern: NOT_BLANK, description: "Event name, e.g. 'in_answered', 'out_started', 'hangup'" }),
  from: phone('The number who made the call (inbound) or your DID (outbound)'),
  to: Type.Optional(phone('Your DID (inbound) or the number called (outbound)')),
  callerid: Type.Optional(phone('The caller id shown on the call')),
  vn: Type.Optional(phone('The virtual number shown to the customer'))
}, { $id: 'piopiy-call-event', title: 'PIOPIY live call event', additionalProperties: true })

/** An AI stream event: stream_connected / STREAM_DISCONNECTED, with `ws_status` as a JSON string. */
export const StreamEventPayloadSchema = Type.Object({
  ...common,
  direction: Type.Optional(direction),
  leg: Type.Optional(leg),
  status: Type.String({ pattern: '^(stream_connected|stream_disconnected|STREAM_CONNECTED|STREAM_DISCONNECTED)$', description: 'Status of the stream' }),
  from: Type.Optional(phone('The number who made the call')),
  to: Type.Optional(phone('The number called')),
  ws_status: Type.Optional(Type.Unsafe<string | Record<string, unknown>>({ type: ['string', 'object'], description: 'WebSocket status: a JSON string such as \'{"status":"connected"}\'' }))
}, { $id: 'piopiy-stream-event', title: 'PIOPIY AI stream event', additionalProperties: true })

/** Any other JSON object that names a call: acknowledged and passed to `onNotification` as `kind: 'unknown'`. */
export const UnknownPayloadSchema = Type.Object({
  cmiuuid: common.cmiuuid,
  cmuuid: common.cmuuid,
  appid: common.appid,
  app_id: common.app_id,
  status: Type.Optional(Type.String()),
  direction: Type.Optional(Type.String()),
  leg: Type.Optional(Type.String())
}, { $id: 'piopiy-unknown', title: 'Other PIOPIY notification', additionalProperties: true })

export type CdrPayload = Static<typeof CdrPayloadSchema>
export type CallEventPayload = Static<typeof CallEventPayloadSchema>
export type StreamEventPayload = Static<typeof StreamEventPayloadSchema>
export type UnknownPayload = Static<typeof UnknownPayloadSchema>
/** Any payload the receiver accepts, as it arrived on the wire. */
export type WirePayload = CdrPayload | CallEventPayload | StreamEventPayload | UnknownPayload
