/**
 * Property tests (fast-check): any payload the schemas accept normalizes to the record a simple model
 * says; parseNotification never throws, whatever it is given; extra_params round-trips in every style.
 */
import fc from 'fast-check'
import t from 'tap'
import { parseExtraParams } from '../src/extra-params.js'
import { dedupeKey, keyField } from '../src/dedupe-key.js'
import { parseNotification } from '../src/parse.js'
import type { CallEventRecord, CdrRecord, Notification } from '../src/records.js'

const assertProperty = <T>(t: Tap, arbitrary: fc.Arbitrary<T>, predicate: (value: T) => void, numRuns = 300): void => {
  t.doesNotThrow(() => { fc.assert(fc.property(arbitrary, predicate), { numRuns }) })
}
type Tap = Parameters<Parameters<typeof t.test>[0]>[0]

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype'])
/** The largest time a Date can hold, in ms (ECMA-262: ±8.64e15). */
const MAX_DATE_MS = 8.64e15

// ---- wire arbitraries: every shape the schemas accept ----
const nonBlank = fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme' }).filter(s => /\S/.test(s))
// phone numbers: integers of at most 15 digits (E.164), strings of at most 32 code points (issue 12)
const phone = fc.oneof(fc.integer({ min: 0, max: 999_999_999_999_999 }), fc.integer({ min: 0, max: 999999999999 }), nonBlank.filter(s => [...s].length <= 32), fc.stringMatching(/^0[0-9]{9,12}$/))
const appId = fc.oneof(fc.maxSafeNat(), fc.stringMatching(/^[0-9]{1,15}$/))
const money = fc.oneof(
  fc.stringMatching(/^-?[0-9]{1,15}(\.[0-9]{1,12})?$/),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -0, 0.45, 878.9, 1e-7, 1.5e-10, 1e21, -2.5e22)
)
/** Any time in ms a Date can hold (larger ones are rejected: see the next property). */
const anyTime = fc.double({ min: 0, max: MAX_DATE_MS, noNaN: true })
const seconds = fc.oneof(fc.double({ min: 0, max: 4e9, noNaN: true }), fc.double({ min: 0, max: MAX_DATE_MS / 1000, noNaN: true }))

const cdrPayload = fc.record({
  cmiuuid: nonBlank,
  appid: appId,
  direction: fc.constantFrom('inbound', 'outbound'),
  leg: fc.constantFrom('a', 'b'),
  status: fc.constantFrom('answered', 'missed', 'ANSWERED', 'MISSED'),
  from: phone,
  to: phone,
  time: fc.oneof(fc.integer({ min: 0, max: 4e12 }), anyTime),
  duration: fc.double({ min: 0, noNaN: true, noDefaultInfinity: true }),
  type: fc.constant('cdr'),
  callerid: phone,
  vn: phone,
  start_time: seconds,
  end_time: seconds,
  answer_time: seconds,
  call_rate: money,
  balance: money,
  conversation_uuid: fc.string(),
  request_id: fc.string(),
  out: fc.boolean(),
  api_init: fc.boolean()
}, { requiredKeys: ['cmiuuid', 'appid', 'direction', 'leg', 'status', 'from', 'to', 'time', 'duration'] })

const text = (value: string | number): string => typeof value === 'string' ? value : String(value)
/** A decimal string: optional sign, digits, optional fraction; no exponent. */
const DECIMAL = /^-?[0-9]+(\.[0-9]+)?$/

t.test('any CDR the schema accepts normalizes to the record the model says, and round-trips through its raw', async t => {
  assertProperty(t, cdrPayload, p => {
    const result = parseNotification(Buffer.from(JSON.stringify(p)))
    if (!result.ok) throw new Error(`rejected: ${result.reasons.join('; ')}`)
    const r = result.notification as CdrRecord
    const check = (ok: boolean, what: string): void => { if (!ok) throw new Error(`${what}: ${JSON.stringify(p)}`) }
    check(r.kind === 'cdr', 'kind')
    check(r.direction === p.direction && r.leg === p.leg && r.status === p.status.toLowerCase(), 'direction/leg/status')
    check(r.cmiuuid === p.cmiuuid && r.appId === Number(p.appid), 'ids')
    check(r.from === text(p.from) && r.to === text(p.to), 'from/to')
    check(r.callerId === (p.callerid === undefined ? undefined : text(p.callerid)), 'callerId')
    check(r.virtualNumber === (p.vn === undefined ? undefined : text(p.vn)), 'virtualNumber')
    check(r.time instanceof Date && r.time.getTime() === Math.trunc(p.time), 'time is a valid Date of the same ms (a Date holds whole ms)')
    for (const [field, wire] of [['startTime', p.start_time], ['endTime', p.end_time], ['answerTime', p.answer_time]] as const) {
      const value = r[field]
      check(wire === undefined ? !(field in r) : value instanceof Date && value.getTime() === Math.trunc(wire * 1000), field)
    }
    check(r.duration === p.duration, 'duration')
    for (const [field, wire] of [['callRate', p.call_rate], ['balance', p.balance]] as const) {
      const value = r[field]
      if (wire === undefined) check(!(field in r), `${field} absent`)
      else if (typeof wire === 'string') check(value === wire, `${field} kept exactly`)
      else check(value !== undefined && DECIMAL.test(value) && Number(value) === wire, `${field} ${String(value)} is a decimal string of ${wire}`)
    }
    check(r.conversationUuid === p.conversation_uuid && r.requestId === p.request_id, 'conversation/request ids')
    check(dedupeKey(r) === `cdr:${Number(p.appid)}:${p.direction}:${p.status.toLowerCase()}:${p.leg}:${keyField(p.cmiuuid)}`, 'dedupe key')
    const again = parseNotification(JSON.stringify(r.raw))
    check(again.ok && JSON.stringify(again.notification) === JSON.stringify(r), 'raw parses to the same record')
  })
})

t.test('any time a Date can hold is accepted; anything larger is rejected, never an Invalid Date', async t => {
  assertProperty(t, fc.double({ min: 0, noNaN: true, noDefaultInfinity: true }), time => {
    const result = parseNotification({ cmiuuid: 'x', appid: 1, direction: 'inbound', leg: 'a', status: 'in_answered', from: 1, time })
    if (time <= MAX_DATE_MS) {
      if (!result.ok || result.notification.kind !== 'event' || result.notification.time.getTime() !== Math.trunc(time)) throw new Error(`time ${time}`)
    } else if (result.ok || result.reasons.join() !== `time: must be <= ${MAX_DATE_MS} (got number ${time})`) {
      throw new Error(`time ${time}: ${result.ok ? `accepted as ${String((result.notification as CallEventRecord).time)}` : result.reasons.join('; ')}`)
    }
  })
})

t.test('phone numbers: a string is kept exactly, a number gives its decimal digits', async t => {
  assertProperty(t, fc.tuple(phone, phone, phone), ([from, to, vn]) => {
    const result = parseNotification({ cmiuuid: 'x', appid: 1, direction: 'outbound', leg: 'a', status: 'out_started', time: 0, from, to, vn })
    const r = result.ok ? result.notification as CallEventRecord : undefined
    if (r?.from !== text(from) || r.to !== text(to) || r.virtualNumber !== text(vn)) throw new Error(JSON.stringify({ from, to, vn }))
    if (typeof from === 'number' && !/^[0-9]+$/.test(r.from)) throw new Error(`not digits: ${r.from}`)
  }, 1000)
})

/** The answer parseNotification must give: `{ ok: true, notification }` or `{ ok: false, status: 400, reasons[≥1] }`. */
function wellFormed (result: ReturnType<typeof parseNotification>): boolean {
  if (result.ok) return typeof result.notification === 'object' && typeof (result.notification as Notification).kind === 'string'
  return result.status === 400 && result.reasons.length > 0 && result.reasons.every(r => typeof r === 'string' && r.length > 0)
}

t.test('parseNotification never throws, for any string, any bytes or any value', async t => {
  assertProperty(t, fc.string({ unit: 'binary', maxLength: 300 }), s => { if (!wellFormed(parseNotification(s))) throw new Error(s) }, 1000)
  assertProperty(t, fc.uint8Array({ maxLength: 300 }), bytes => { if (!wellFormed(parseNotification(bytes))) throw new Error(String(bytes)) }, 1000)
  assertProperty(t, fc.jsonValue({ maxDepth: 5 }), value => {
    if (!wellFormed(parseNotification(JSON.stringify(value) ?? ''))) throw new Error(JSON.stringify(value))
  }, 1000)
  assertProperty(t, fc.anything({ withNullPrototype: true, withBoxedValues: true, withSparseArray: true, withObjectString: true, maxDepth: 4 }), value => {
    if (!wellFormed(parseNotification(value as object))) throw new Error(fc.stringify(value))
  }, 1000)
})

t.test('parseNotification never throws for documented-looking objects with any field values', async t => {
  const keys = ['cmiuuid', 'cmuuid', 'appid', 'app_id', 'type', 'status', 'direction', 'leg', 'from', 'to', 'callerid', 'vn', 'time',
    'duration', 'start_time', 'end_time', 'answer_time', 'call_rate', 'balance', 'extra_params', 'ws_status', 'conversation_uuid', 'request_id']
  const values = fc.oneof(fc.anything({ maxDepth: 2 }), fc.constantFrom('cdr', 'event', 'answered', 'missed', 'hangup', 'in_answered', 'STREAM_DISCONNECTED', 'a', 'inbound', '{a: 1}', '{"status":"x"}'),
    fc.double(), fc.string())
  const body = fc.dictionary(fc.constantFrom(...keys), values)
  assertProperty(t, body, b => {
    if (!wellFormed(parseNotification(b))) throw new Error(fc.stringify(b))
    if (!wellFormed(parseNotification(JSON.stringify(b)))) throw new Error(fc.stringify(b))
  }, 2000)
})

// ---- extra_params: the four styles round-trip ----
const key = fc.stringMatching(/^[A-Za-z_$][A-Za-z0-9_$.-]{0,12}$/).filter(k => !FORBIDDEN.has(k))
const word = fc.stringMatching(/^[A-Za-z][A-Za-z ]{0,15}[A-Za-z]$/).filter(w => !['true', 'false', 'null'].includes(w))
const simple = fc.oneof(fc.maxSafeInteger(), fc.boolean(), word)
const params = fc.dictionary(key, simple, { maxKeys: 8 })

t.test('extra_params: any flat object survives each of the four styles', async t => {
  assertProperty(t, params, obj => {
    const entries = Object.entries(obj)
    const quoted = (v: unknown): string => typeof v === 'string' ? `'${v}'` : String(v)
    const styles: Record<string, string> = {
      json: JSON.stringify(obj),
      singleQuoted: `{ ${entries.map(([k, v]) => `'${k}': ${quoted(v)}`).join(', ')} }`,
      unquotedKeys: `{${entries.map(([k, v]) => `${k}: ${String(v)}`).join(', ')}}`,
      keyValue: `{ ${entries.map(([k, v]) => `${k}=${String(v)}`).join(', ')} }`
    }
    for (const [style, raw] of Object.entries(styles)) {
      const parsed = parseExtraParams(raw)
      if (JSON.stringify(parsed) !== JSON.stringify(obj)) throw new Error(`${style}: ${raw} gave ${JSON.stringify(parsed)}`)
    }
  }, 1000)
})

t.test('extra_params: any JSON object text gives that object (forbidden keys dropped); any string never throws', async t => {
  assertProperty(t, fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 })), obj => {
    const raw = JSON.stringify(obj)
    const expected = JSON.parse(raw, (k, v: unknown) => FORBIDDEN.has(k) ? undefined : v) as unknown
    if (JSON.stringify(parseExtraParams(raw)) !== JSON.stringify(expected)) throw new Error(raw)
  }, 1000)
  assertProperty(t, fc.string({ unit: 'binary', maxLength: 200 }), s => {
    const parsed = parseExtraParams(s)
    if (parsed !== undefined && (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))) throw new Error(s)
  }, 2000)
  assertProperty(t, fc.string({ maxLength: 60 }).map(s => `{${s}}`), s => {
    const parsed = parseExtraParams(s)
    if (parsed !== undefined && (typeof parsed !== 'object' || parsed === null)) throw new Error(s)
  }, 2000)
})

t.test('a record never has a forbidden own key, whatever the body', async t => {
  const hostile = fc.dictionary(fc.constantFrom('__proto__', 'constructor', 'prototype', 'x', 'extra'), fc.jsonValue({ maxDepth: 3 }))
  assertProperty(t, fc.tuple(hostile, fc.constantFrom('{"a":1}', "{'a': 1}", '{a: 1}', '{ a=1 }')), ([junk, style]) => {
    const body = `{"cmiuuid":"x","appid":1,"time":0,"direction":"inbound","leg":"a","status":"answered","from":1,"to":2,"duration":1,"extra_params":${JSON.stringify(style.replace('a', Object.keys(junk)[0] ?? 'a'))},"junk":${JSON.stringify(junk)}}`
    const result = parseNotification(body)
    if (!result.ok) throw new Error(result.reasons.join('; '))
    const walk = (v: unknown): void => {
      if (typeof v !== 'object' || v === null) return
      for (const k of FORBIDDEN) if (Object.hasOwn(v, k)) throw new Error(`${k} in ${body}`)
      for (const inner of Object.values(v)) walk(inner)
    }
    walk(result.notification)
    if (({} as Record<string, unknown>).a !== undefined) throw new Error('Object.prototype polluted')
  }, 500)
})
