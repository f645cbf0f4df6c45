/**
 * Turns a validated wire payload into its record (design.md, "Records"): camelCase, phone numbers as
 * strings, `time` (ms) and `start_time`/`end_time`/`answer_time` (s) as Dates, money as exact decimal
 * strings, aliases resolved (appid/app_id, cmiuuid/cmuuid), extra_params and ws_status parsed, ``raw` kept (frozen by parseNotification).
 */
import { parseExtraParams } from './extra-params.js'
import type { CallEventRecord, CdrRecord, Notification, NotificationKind, StreamEventRecord, UnknownNotification } from './records.js'
import { parseJson } from './safe-json.js'
import type { CallEventPayload, CdrPayload, StreamEventPayload, UnknownPayload } from './schemas.js'

type Wire = Record<string, unknown>

/**
 * A phone number as a string. `String(n)` of a 12-digit number is slow in V8 (it is not a small integer);
 * two small halves are several times faster and give the same digits.
 */
const text = (value: string | number): string => {
  if (typeof value === 'string') return value
  if (value < 1e9 || !Number.isSafeInteger(value)) return String(value)
  const high = Math.floor(value / 1e9)
  const low = String(value - high * 1e9)
  return `${high}${'000000000'.slice(low.length)}${low}`
}
const seconds = (value: number): Date => new Date(value * 1000)
/** Money: a string keeps its exact digits; a number (e.g. unbilled `0`) becomes its shortest decimal string. */
const money = (value: string | number): string => typeof value === 'number' ? decimal(value) : value
/** The shortest digits of a number written without an exponent (String gives `1.5e-7` below 1e-6 and `1e+21` from 1e21). */
function decimal (value: number): string {
  const shortest = String(value === 0 ? 0 : value)
  const e = shortest.indexOf('e')
  if (e < 0) return shortest
  const sign = value < 0 ? '-' : ''
  const [int = '', fraction = ''] = shortest.slice(sign.length, e).split('.')
  const exponent = Number(shortest.slice(e + 1)) - fraction.length // value = sign digits × 10^exponent
  const digits = int + fraction
  return exponent >= 0 ? `${sign}${digits}${'0'.repeat(exponent)}` : `${sign}0.${'0'.repeat(-exponent - digits.length)}${digits}`
}

// Optional fields are set only when present (absent, not `undefined`), each by its own named assignment,
// so that the compiler checks every field's name and type against the record

/** Fields every kind shares. */
function base<T extends CdrRecord | CallEventRecord | StreamEventRecord> (record: T, p: Wire): T {
  if (p.conversation_uuid !== undefined) record.conversationUuid = p.conversation_uuid as string
  if (p.request_id !== undefined) record.requestId = p.request_id as string
  return record
}

/** What {@link parseExtraParams} makes of `extra_params` sent as a string. */
const parsedExtra = (value: unknown): Record<string, unknown> | undefined => typeof value === 'string' ? parseExtraParams(value) : undefined

/** `extra_params` (`parsed`: {@link parsedExtra} of it) and its string as sent. */
function setExtraParams (record: CdrRecord | CallEventRecord, value: unknown, parsed: Record<string, unknown> | undefined): void {
  if (typeof value === 'string') {
    if (parsed !== undefined) record.extraParams = parsed
    record.extraParamsRaw = value
  } else if (value !== null && value !== undefined) {
    record.extraParams = value as Record<string, unknown>
  }
}

function setPhones (record: CdrRecord | CallEventRecord, p: CdrPayload | CallEventPayload): void {
  if (p.callerid !== undefined) record.callerId = text(p.callerid)
  if (p.vn !== undefined) record.virtualNumber = text(p.vn)
}

/** `ws_status` as sent (an object), or a JSON string parsed, keeping the string in `wsStatusRaw`. */
function setWsStatus (record: StreamEventRecord, value: unknown): void {
  if (typeof value !== 'string') {
    if (value !== undefined) record.wsStatus = value as Record<string, unknown>
    return
  }
  let parsed: unknown
  try { parsed = parseJson(value) } catch {}
  if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) record.wsStatus = parsed as Record<string, unknown>
  record.wsStatusRaw = value
}

/** The fields besides the required ones that an inbound CDR carries (the documented inbound samples), none of the outbound ones. */
type InboundCdr = CdrPayload & Required<Pick<CdrPayload, 'conversation_uuid' | 'start_time' | 'end_time' | 'answer_time' | 'call_rate' | 'balance'>>
const isInbound = (p: CdrPayload): p is InboundCdr =>
  p.conversation_uuid !== undefined && p.start_time !== undefined && p.end_time !== undefined && p.answer_time !== undefined &&
  p.call_rate !== undefined && p.balance !== undefined && p.request_id === undefined && p.callerid === undefined && p.vn === undefined

/**
 * A CDR with the inbound fields and `extra_params` that parses is built in one literal, its 19 fields in the object
 * itself; adding 8 of them one by one grew its property store three times (bench/findings.md, fifth round). Any other
 * CDR gets the fields it has one by one, in the same order.
 */
function cdr (p: CdrPayload): CdrRecord {
  const status = p.status.toLowerCase() as CdrRecord['status']
  const cmiuuid = (p.cmiuuid ?? p.cmuuid) as string
  const appId = Number(p.appid ?? p.app_id)
  const extra = p.extra_params
  const extraParams = parsedExtra(extra)
  if (extraParams !== undefined && isInbound(p)) {
    return {
      kind: 'cdr', direction: p.direction, status, leg: p.leg, cmiuuid, appId, from: text(p.from), to: text(p.to), time: new Date(p.time), duration: p.duration, raw: p,
      conversationUuid: p.conversation_uuid, startTime: seconds(p.start_time), endTime: seconds(p.end_time), answerTime: seconds(p.answer_time),
      callRate: money(p.call_rate), balance: money(p.balance), extraParams, extraParamsRaw: extra as string
    }
  }
  const record = base({
    kind: 'cdr', direction: p.direction, status, leg: p.leg, cmiuuid, appId, from: text(p.from), to: text(p.to), time: new Date(p.time), duration: p.duration, raw: p
  } as CdrRecord, p)
  setPhones(record, p)
  if (p.start_time !== undefined) record.startTime = seconds(p.start_time)
  if (p.end_time !== undefined) record.endTime = seconds(p.end_time)
  if (p.answer_time !== undefined) record.answerTime = seconds(p.answer_time)
  if (p.call_rate !== undefined) record.callRate = money(p.call_rate)
  if (p.balance !== undefined) record.balance = money(p.balance)
  setExtraParams(record, extra, extraParams)
  return record
}

function callEvent (p: CallEventPayload): CallEventRecord {
  const status = p.status.toLowerCase()
  const record = base({
    kind: 'event',
    status,
    event: status.replace(/^(in|out)_/, ''),
    direction: p.direction,
    leg: p.leg,
    cmiuuid: (p.cmiuuid ?? p.cmuuid) as string,
    appId: Number(p.appid ?? p.app_id),
    from: text(p.from),
    time: new Date(p.time),
    raw: p
  } as CallEventRecord, p)
  if (p.to !== undefined) record.to = text(p.to)
  setPhones(record, p)
  setExtraParams(record, p.extra_params, parsedExtra(p.extra_params))
  return record
}

function streamEvent (p: StreamEventPayload): StreamEventRecord {
  const record = base({
    kind: 'stream',
    status: p.status.toLowerCase() as StreamEventRecord['status'],
    cmiuuid: (p.cmiuuid ?? p.cmuuid) as string,
    appId: Number(p.appid ?? p.app_id),
    time: new Date(p.time),
    raw: p
  } as StreamEventRecord, p)
  if (p.direction !== undefined) record.direction = p.direction
  if (p.leg !== undefined) record.leg = p.leg
  if (p.from !== undefined) record.from = text(p.from)
  if (p.to !== undefined) record.to = text(p.to)
  setWsStatus(record, p.ws_status)
  return record
}

function unknown (p: UnknownPayload): UnknownNotification {
  const appId = p.appid ?? p.app_id
  const record = { kind: 'unknown', cmiuuid: (p.cmiuuid ?? p.cmuuid) as string, raw: p } as UnknownNotification
  if (appId !== undefined) record.appId = Number(appId)
  if (p.status !== undefined) record.status = p.status
  if (p.direction !== undefined) record.direction = p.direction
  if (p.leg !== undefined) record.leg = p.leg
  return record
}

/** Normalizes a payload already validated against the schema of `kind`. */
export function normalize (kind: NotificationKind, payload: Wire): Notification {
  switch (kind) {
    case 'cdr': return cdr(payload as CdrPayload)
    case 'event': return callEvent(payload as CallEventPayload)
    case 'stream': return streamEvent(payload as StreamEventPayload)
    default: return unknown(payload as UnknownPayload)
  }
}
