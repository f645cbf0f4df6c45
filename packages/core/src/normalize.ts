/**
 * Turns a validated wire payload into its record (design.md, "Records"): camelCase, phone numbers as
 * strings, `time` (ms) and `start_time`/`end_time`/`answer_time` (s) as Dates, money as exact decimal
 * strings, aliases resolved (appid/app_id, cmiuuid/cmuuid), extra_params and ws_status parsed, `raw` frozen.
 */
import { parseExtraParams } from './extra-params.js'
import type { CallEventRecord, CdrRecord, Notification, NotificationKind, StreamEventRecord, UnknownNotification } from './records.js'
import { parseJson } from './safe-json.js'
import type { CallEventPayload, CdrPayload, StreamEventPayload, UnknownPayload } from './schemas.js'

type Wire = Record<string, unknown>

const text = (value: string | number): string => typeof value === 'number' ? String(value) : value
const optionalText = (value: string | number | undefined): string | undefined => value === undefined ? undefined : text(value)
const seconds = (value: number | undefined): Date | undefined => value === undefined ? undefined : new Date(value * 1000)
/** Money: a string keeps its exact digits; a number (e.g. unbilled `0`) becomes its shortest decimal string. */
const money = (value: string | number | undefined): string | undefined => value === undefined ? undefined : typeof value === 'number' ? String(value === 0 ? 0 : value) : value

/** Copies only defined values, so optional fields are absent rather than `undefined`. */
function assignDefined<T extends object> (target: T, fields: Record<string, unknown>): T {
  for (const key in fields) {
    if (fields[key] !== undefined) (target as Record<string, unknown>)[key] = fields[key]
  }
  return target
}

function freeze<T> (value: T): Readonly<T> {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const key in value) freeze(value[key])
  }
  return value
}

function ids (p: Wire): { cmiuuid: string, appId: number, conversationUuid: string | undefined, requestId: string | undefined } {
  return {
    cmiuuid: (p.cmiuuid ?? p.cmuuid) as string,
    appId: Number(p.appid ?? p.app_id),
    conversationUuid: p.conversation_uuid as string | undefined,
    requestId: p.request_id as string | undefined
  }
}

function extraParams (value: unknown): { extraParams: Record<string, unknown> | undefined, extraParamsRaw: string | undefined } {
  if (typeof value === 'string') return { extraParams: parseExtraParams(value), extraParamsRaw: value }
  return { extraParams: value === null ? undefined : value as Record<string, unknown> | undefined, extraParamsRaw: undefined }
}

function wsStatus (value: unknown): { wsStatus: Record<string, unknown> | undefined, wsStatusRaw: string | undefined } {
  if (typeof value !== 'string') return { wsStatus: value as Record<string, unknown> | undefined, wsStatusRaw: undefined }
  let parsed: unknown
  try { parsed = parseJson(value) } catch {}
  const isObject = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
  return { wsStatus: isObject ? parsed as Record<string, unknown> : undefined, wsStatusRaw: value }
}

function cdr (p: CdrPayload): CdrRecord {
  const record = {
    kind: 'cdr',
    direction: p.direction,
    status: p.status.toLowerCase() as CdrRecord['status'],
    leg: p.leg
  } as CdrRecord
  return assignDefined(record, {
    ...ids(p),
    from: text(p.from),
    to: text(p.to),
    callerId: optionalText(p.callerid),
    virtualNumber: optionalText(p.vn),
    time: new Date(p.time),
    startTime: seconds(p.start_time),
    endTime: seconds(p.end_time),
    answerTime: seconds(p.answer_time),
    duration: p.duration,
    callRate: money(p.call_rate),
    balance: money(p.balance),
    ...extraParams(p.extra_params),
    raw: freeze(p)
  })
}

function callEvent (p: CallEventPayload): CallEventRecord {
  const status = p.status.toLowerCase()
  const record = { kind: 'event', status, event: status.replace(/^(in|out)_/, ''), direction: p.direction, leg: p.leg } as CallEventRecord
  return assignDefined(record, {
    ...ids(p),
    from: text(p.from),
    to: optionalText(p.to),
    callerId: optionalText(p.callerid),
    virtualNumber: optionalText(p.vn),
    time: new Date(p.time),
    ...extraParams(p.extra_params),
    raw: freeze(p)
  })
}

function streamEvent (p: StreamEventPayload): StreamEventRecord {
  const record = { kind: 'stream', status: p.status.toLowerCase() } as StreamEventRecord
  return assignDefined(record, {
    direction: p.direction,
    leg: p.leg,
    ...ids(p),
    from: optionalText(p.from),
    to: optionalText(p.to),
    time: new Date(p.time),
    ...wsStatus(p.ws_status),
    raw: freeze(p)
  })
}

function unknown (p: UnknownPayload): UnknownNotification {
  const appId = p.appid ?? p.app_id
  return assignDefined({ kind: 'unknown', cmiuuid: (p.cmiuuid ?? p.cmuuid) as string } as UnknownNotification, {
    appId: appId === undefined ? undefined : Number(appId),
    status: p.status,
    direction: p.direction,
    leg: p.leg,
    raw: freeze(p)
  })
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

/** The dedupe key: `${kind}:${appId}:${direction}:${status}:${leg}:${cmiuuid}` (legs and kinds differ). */
export function dedupeKey (n: Notification): string {
  return `${n.kind}:${n.appId ?? '-'}:${n.direction ?? '-'}:${n.status ?? '-'}:${n.leg ?? '-'}:${n.cmiuuid}`
}
