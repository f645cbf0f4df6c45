/**
 * The normalized records the callbacks receive: camelCase, phone numbers as strings, times as
 * `Date`, money as exact decimal strings. Declared once as TypeBox schemas (used by the docs'
 * field map) and typed from them with `Static`.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox'
import type { CallEventPayload, CdrPayload, StreamEventPayload, UnknownPayload } from './schemas.js'

const opt = <T extends TSchema>(schema: T) => Type.Optional(schema)
const phone = (description: string) => Type.String({ description: `${description} (always a string; digits kept exactly)` })
const extraParams = {
  extraParams: opt(Type.Record(Type.String(), Type.Unknown(), { description: 'extra_params parsed from any of its four styles; undefined when it fits none' })),
  extraParamsRaw: opt(Type.String({ description: 'extra_params exactly as sent' }))
}
const ids = {
  cmiuuid: Type.String({ description: 'Id of this call leg (cmiuuid, or cmuuid)' }),
  conversationUuid: opt(Type.String({ description: 'Id shared by both legs (conversation_uuid)' })),
  requestId: opt(Type.String({ description: 'Make-call API request id (request_id)' })),
  appId: Type.Number({ description: 'Your app id (appid or app_id)' })
}
const Direction = Type.Union([Type.Literal('inbound'), Type.Literal('outbound')])
const Leg = Type.Union([Type.Literal('a'), Type.Literal('b')])

export const CdrRecordSchema = Type.Object({
  kind: Type.Literal('cdr'),
  direction: Direction,
  status: Type.Union([Type.Literal('answered'), Type.Literal('missed')]),
  leg: Leg,
  ...ids,
  from: phone('from'),
  to: phone('to'),
  callerId: opt(phone('callerid')),
  virtualNumber: opt(phone('vn')),
  time: Type.Date({ description: 'time (epoch ms)' }),
  startTime: opt(Type.Date({ description: 'start_time (epoch s)' })),
  endTime: opt(Type.Date({ description: 'end_time (epoch s)' })),
  answerTime: opt(Type.Date({ description: 'answer_time (epoch s); may be present on missed calls' })),
  duration: Type.Number({ description: 'duration: talk time in seconds' }),
  callRate: opt(Type.String({ description: "call_rate as an exact decimal string; number 0 becomes '0'" })),
  balance: opt(Type.String({ description: 'balance as an exact decimal string' })),
  ...extraParams
})

export const CallEventRecordSchema = Type.Object({
  kind: Type.Literal('event'),
  status: Type.String({ description: "status as sent, lower-cased: 'in_answered', 'out_started', 'hangup', …" }),
  event: Type.String({ description: "status without its in_/out_ prefix: 'answered', 'started', 'bridged', 'hangup', 'ringing', …" }),
  direction: Direction,
  leg: Leg,
  ...ids,
  from: phone('from'),
  to: opt(phone('to')),
  callerId: opt(phone('callerid')),
  virtualNumber: opt(phone('vn')),
  time: Type.Date({ description: 'time (epoch ms)' }),
  ...extraParams
})

export const StreamEventRecordSchema = Type.Object({
  kind: Type.Literal('stream'),
  status: Type.Union([Type.Literal('stream_connected'), Type.Literal('stream_disconnected')], { description: 'status, lower-cased' }),
  direction: opt(Direction),
  leg: opt(Leg),
  ...ids,
  from: opt(phone('from')),
  to: opt(phone('to')),
  time: Type.Date({ description: 'time (epoch ms)' }),
  wsStatus: opt(Type.Record(Type.String(), Type.Unknown(), { description: 'ws_status parsed from its JSON string' })),
  wsStatusRaw: opt(Type.String({ description: 'ws_status exactly as sent' }))
})

export const UnknownNotificationSchema = Type.Object({
  kind: Type.Literal('unknown'),
  cmiuuid: Type.String(),
  appId: opt(Type.Number()),
  status: opt(Type.String()),
  direction: opt(Type.String()),
  leg: opt(Type.String())
})

type Frozen<T> = Readonly<T>

/** A call detail record. */
export type CdrRecord = Static<typeof CdrRecordSchema> & { readonly raw: Frozen<CdrPayload> }
/** A live call event. */
export type CallEventRecord = Static<typeof CallEventRecordSchema> & { readonly raw: Frozen<CallEventPayload> }
/** An AI stream event. */
export type StreamEventRecord = Static<typeof StreamEventRecordSchema> & { readonly raw: Frozen<StreamEventPayload> }
/** A well-formed notification of no known kind. */
export type UnknownNotification = Static<typeof UnknownNotificationSchema> & { readonly raw: Frozen<UnknownPayload> }
/** Every notification the receiver accepts, discriminated by `kind`. */
export type Notification = CdrRecord | CallEventRecord | StreamEventRecord | UnknownNotification
export type NotificationKind = Notification['kind']

export type InboundAnsweredCdr = CdrRecord & { direction: 'inbound', status: 'answered' }
export type InboundMissedCdr = CdrRecord & { direction: 'inbound', status: 'missed' }
export type OutboundAnsweredCdr = CdrRecord & { direction: 'outbound', status: 'answered' }
export type OutboundMissedCdr = CdrRecord & { direction: 'outbound', status: 'missed' }
