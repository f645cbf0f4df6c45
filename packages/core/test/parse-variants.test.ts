/**
 * Field-level variants of the documented payloads (fields.md): aliases, numbers vs strings, leading
 * zeros, money, missing optional fields, the four extra_params styles, ws_status, and input forms.
 */
import t, { type Test } from 'tap'
import type { CallEventRecord, CdrRecord, StreamEventRecord, UnknownNotification } from '../src/records.js'
import { payload } from './fixtures/index.js'
import { parsedOrFail } from './helpers.js'

const cdr = (t: Test, input: Record<string, unknown>): CdrRecord | undefined => {
  const n = parsedOrFail(t, input)
  if (n !== undefined && n.kind !== 'cdr') t.fail(`kind ${n.kind}, not cdr`)
  return n as CdrRecord | undefined
}
const event = (t: Test, input: Record<string, unknown>): CallEventRecord | undefined => {
  const n = parsedOrFail(t, input)
  if (n !== undefined && n.kind !== 'event') t.fail(`kind ${n.kind}, not event`)
  return n as CallEventRecord | undefined
}
const stream = (t: Test, input: Record<string, unknown>): StreamEventRecord | undefined => {
  const n = parsedOrFail(t, input)
  if (n !== undefined && n.kind !== 'stream') t.fail(`kind ${n.kind}, not stream`)
  return n as StreamEventRecord | undefined
}

/** The India inbound missed CDR: only the required fields, plus type and conversation_uuid. */
const minimalCdr = (): Record<string, unknown> => payload('piopiy-india.cdr.inbound.missed.leg-a')
/** The legacy inbound answered CDR: every optional CDR field but callerid/vn/request_id. */
const fullCdr = (): Record<string, unknown> => payload('piopiy.cdr.inbound.answered.leg-a.legacy')

t.test('app id: appid or app_id (the legacy and India tables), number or numeric string', async t => {
  const { appid, ...rest } = fullCdr()
  t.equal(appid, 2222222)
  t.equal(cdr(t, { ...rest, app_id: 2222222 })?.appId, 2222222, 'app_id')
  t.equal(cdr(t, { ...rest, appid: '2222222' })?.appId, 2222222, 'appid as a string')
  t.equal(cdr(t, { ...rest, app_id: '0002222222' })?.appId, 2222222, 'app_id as a string with leading zeros')
  t.equal(cdr(t, { ...rest, appid: 1, app_id: 2 })?.appId, 1, 'both: appid wins')
  t.equal(event(t, { ...payload('piopiy.event.outbound.started.leg-a'), appid: undefined, app_id: 2222224 })?.appId, 2222224, 'event with app_id')
  t.equal(stream(t, { ...payload('piopiy.event.stream.connected'), appid: undefined, app_id: '2222224' })?.appId, 2222224, 'stream with app_id')
})

t.test('call id: cmiuuid or cmuuid (the DTMF spelling), any non-empty string', async t => {
  const { cmiuuid, ...rest } = fullCdr()
  t.equal(cdr(t, { ...rest, cmuuid: cmiuuid })?.cmiuuid, cmiuuid, 'cmuuid on a CDR')
  t.equal(cdr(t, { ...rest, cmiuuid: 'a', cmuuid: 'b' })?.cmiuuid, 'a', 'both: cmiuuid wins')
  t.equal(cdr(t, { ...rest, cmiuuid: 'not-a-uuid 42' })?.cmiuuid, 'not-a-uuid 42', 'not a UUID: accepted as is')
  t.equal(event(t, { ...payload('piopiy.event.inbound.answered.leg-a'), cmiuuid: undefined, cmuuid: 'ev' })?.cmiuuid, 'ev')
  t.equal(stream(t, { ...payload('piopiy.event.stream.connected'), cmiuuid: undefined, cmuuid: 'st' })?.cmiuuid, 'st')
})

t.test('phone numbers: numbers or strings in, strings out, digits and leading zeros kept', async t => {
  const base = payload('piopiy.cdr.outbound.missed.leg-a')
  const asNumbers = cdr(t, { ...base, vn: 440000000000 })
  t.strictSame([asNumbers?.from, asNumbers?.to, asNumbers?.callerId, asNumbers?.virtualNumber], ['19170000000', '440000000000', '19170000000', '440000000000'])
  const asStrings = cdr(t, { ...base, from: '19170000000', to: '440000000000', callerid: '19170000000', vn: '440000000000' })
  t.strictSame([asStrings?.from, asStrings?.to, asStrings?.callerId, asStrings?.virtualNumber], ['19170000000', '440000000000', '19170000000', '440000000000'])
  const zeros = cdr(t, { ...base, from: '04471000000', to: '0091 44 7100', callerid: '+914471000000', vn: '00' })
  t.strictSame([zeros?.from, zeros?.to, zeros?.callerId, zeros?.virtualNumber], ['04471000000', '0091 44 7100', '+914471000000', '00'])
  // numbers around the 1e9 boundary and at the 15-digit limit (E.164's longest) keep every digit
  for (const n of [0, 7, 999999999, 1000000000, 1000000001, 4000000007, 440000000000, 999999999999999]) {
    t.equal(cdr(t, { ...base, from: n })?.from, String(n), `from: ${n}`)
  }
  const hangup = event(t, payload('piopiy.event.inbound.hangup.leg-a.legacy'))
  t.strictSame([hangup?.from, hangup?.to], ['440000000000', '19170000000'], 'legacy hangup event sends strings')
  const started = event(t, { ...payload('piopiy-india.event.outbound.started.leg-a'), to: undefined })
  t.equal(started && 'to' in started, false, 'an event without to has no to')
  const streamed = stream(t, { ...payload('piopiy.event.stream.connected'), to: '0123' })
  t.equal(streamed?.to, '0123', 'a stream event may carry to')
})

t.test("money: decimal strings kept exactly; number 0 becomes '0'", async t => {
  const base = fullCdr()
  const kept = cdr(t, { ...base, call_rate: '0.450000', balance: '-12.000001' })
  t.strictSame([kept?.callRate, kept?.balance], ['0.450000', '-12.000001'])
  const zero = cdr(t, { ...base, call_rate: 0, balance: 0 })
  t.strictSame([zero?.callRate, zero?.balance], ['0', '0'])
  t.equal(cdr(t, { ...base, call_rate: -0 })?.callRate, '0', '-0 from a parsed object')
  t.equal(cdr(t, JSON.parse(JSON.stringify(base).replace('"call_rate":"0.450000"', '"call_rate":-0.0')))?.callRate, '0', '-0.0 in JSON text')
  t.equal(cdr(t, { ...base, call_rate: 0.45, balance: 878.9 })?.callRate, '0.45', 'a billed number keeps its shortest digits')
  t.equal(cdr(t, { ...base, balance: '123456789012345.123456789012' })?.balance, '123456789012345.123456789012', 'long decimals, no float rounding')
  // String() writes numbers below 1e-6 and from 1e21 with an exponent; money is always a plain decimal string
  const tiny = cdr(t, { ...base, call_rate: 1e-7, balance: -1.5e-10 })
  t.strictSame([tiny?.callRate, tiny?.balance], ['0.0000001', '-0.00000000015'])
  const huge = cdr(t, { ...base, call_rate: 1e21, balance: -2.5e22 })
  t.strictSame([huge?.callRate, huge?.balance], ['1000000000000000000000', '-25000000000000000000000'])
  t.equal(cdr(t, { ...base, call_rate: 1.2345e-7 })?.callRate, '0.00000012345')
  t.equal(cdr(t, { ...base, call_rate: 5e-324 })?.callRate, `0.${'0'.repeat(323)}5`, 'the smallest double')
  t.equal(cdr(t, { ...base, call_rate: 0.000001 })?.callRate, '0.000001', '1e-6 needs no help')
})

t.test('CDR status in upper case (the schema allows it) is lower-cased', async t => {
  const record = cdr(t, { ...fullCdr(), status: 'ANSWERED' })
  t.equal(record?.status, 'answered')
  t.equal(record?.raw.status, 'ANSWERED', 'raw keeps what was sent')
  t.equal(cdr(t, { ...minimalCdr(), status: 'MISSED' })?.status, 'missed')
})

t.test('missing optional fields are absent, not undefined', async t => {
  const { conversation_uuid: _c, type: _t, ...required } = minimalCdr()
  const record = cdr(t, { ...required, duration: 5, status: 'answered' })
  t.strictSame(Object.keys(record ?? {}).sort(), ['appId', 'cmiuuid', 'direction', 'duration', 'from', 'kind', 'leg', 'raw', 'status', 'time', 'to'])
  const ev = event(t, { cmiuuid: 'e', appid: 1, time: 0, direction: 'inbound', leg: 'a', status: 'in_answered', from: 1 })
  t.strictSame(ev, { kind: 'event', status: 'in_answered', event: 'answered', direction: 'inbound', leg: 'a', cmiuuid: 'e', appId: 1, from: '1', time: new Date(0), raw: { cmiuuid: 'e', appid: 1, time: 0, direction: 'inbound', leg: 'a', status: 'in_answered', from: 1 } })
  const st = stream(t, { cmiuuid: 's', appid: 1, time: 0, status: 'stream_connected' })
  t.strictSame(st, { kind: 'stream', status: 'stream_connected', cmiuuid: 's', appId: 1, time: new Date(0), raw: { cmiuuid: 's', appid: 1, time: 0, status: 'stream_connected' } })
})

t.test('an inbound CDR built in one literal has the fields, values and key order of one built field by field', async t => {
  // the full inbound CDR takes the one-literal path; with extra_params that parses in no style it takes the general one
  const whole = cdr(t, fullCdr())
  const general = cdr(t, { ...fullCdr(), extra_params: '{{' })
  t.ok(whole?.extraParams !== undefined && general?.extraParams === undefined, 'one record of each path')
  const { extraParams: _e, extraParamsRaw: _w, raw: _r, ...fields } = whole ?? {} as CdrRecord
  const { extraParamsRaw: _g, raw: _q, ...generalFields } = general ?? {} as CdrRecord
  t.strictSame(fields, generalFields)
  t.strictSame(Object.keys(whole ?? {}).filter(key => key !== 'extraParams'), Object.keys(general ?? {}), 'the same order')
})

t.test('times: time in ms, start/end/answer time in seconds, fractions kept', async t => {
  const record = cdr(t, { ...fullCdr(), time: 1632318511123, start_time: 1632318510.5, end_time: 0, answer_time: 1 })
  t.strictSame(record?.time, new Date(1632318511123))
  t.strictSame(record?.startTime, new Date(1632318510500))
  t.strictSame(record?.endTime, new Date(0))
  t.strictSame(record?.answerTime, new Date(1000))
  const latest = cdr(t, { ...fullCdr(), time: 8.64e15, start_time: 8.64e12 })
  t.strictSame([latest?.time, latest?.startTime], [new Date(8.64e15), new Date(8.64e15)], 'the latest instant a Date holds is accepted')
})

t.test('extra_params: the four documented styles', async t => {
  const styles: Array<[string, string, Record<string, unknown>]> = [
    ['(a) JSON', '{"key":"value"}', { key: 'value' }],
    ['(b) single-quoted', "{ 'Name': 'Akil', 'ID':8915726 }", { Name: 'Akil', ID: 8915726 }],
    ['(c) unquoted keys', '{key: value}', { key: 'value' }],
    ['(d) Key=Value', '{ Name=Akil, ID=8915726 }', { Name: 'Akil', ID: 8915726 }]
  ]
  for (const [style, raw, want] of styles) {
    for (const [name, p] of [['cdr', fullCdr()], ['event', payload('piopiy.event.inbound.answered.leg-a')]] as const) {
      const record = parsedOrFail(t, { ...p, extra_params: raw }) as CdrRecord | CallEventRecord | undefined
      t.strictSame(record?.extraParams, want, `${style} on a ${name}`)
      t.equal(record?.extraParamsRaw, raw, `${style} on a ${name}: raw kept`)
    }
  }
})

t.test('extra_params that fits no style: extraParams undefined, raw kept, never a rejection', async t => {
  for (const raw of ['', 'hello', '{', '{key value}', '{"a":1} trailing', '[1,2]', '{ Name=Akil, ID=[1] }', '{a:1,,}']) {
    const record = cdr(t, { ...fullCdr(), extra_params: raw })
    t.equal(record !== undefined && 'extraParams' in record, false, `${JSON.stringify(raw)}: no extraParams`)
    t.equal(record?.extraParamsRaw, raw, `${JSON.stringify(raw)}: raw kept`)
  }
})

t.test('extra_params as an object (a framework or proxy decoded it) or null', async t => {
  const asObject = cdr(t, { ...fullCdr(), extra_params: { Name: 'Akil', nested: { ID: 8915726 } } })
  t.strictSame(asObject?.extraParams, { Name: 'Akil', nested: { ID: 8915726 } })
  t.equal(asObject !== undefined && 'extraParamsRaw' in asObject, false, 'no raw string when none was sent')
  const asNull = cdr(t, { ...fullCdr(), extra_params: null })
  t.equal(asNull !== undefined && ('extraParams' in asNull || 'extraParamsRaw' in asNull), false, 'null: neither field')
  const absent = cdr(t, minimalCdr())
  t.equal(absent !== undefined && ('extraParams' in absent || 'extraParamsRaw' in absent), false, 'absent: neither field')
})

t.test('ws_status: a JSON string is parsed; anything else is kept raw only', async t => {
  const base = payload('piopiy.event.stream.disconnected')
  const nested = stream(t, base)
  t.strictSame(nested?.wsStatus, { status: 'disconnected', message: { code: 1006, reason: 'Abnormal closure' } })
  for (const raw of ['not json', '[1,2]', '"connected"', 'null', '']) {
    const record = stream(t, { ...base, ws_status: raw })
    t.equal(record !== undefined && 'wsStatus' in record, false, `${JSON.stringify(raw)}: no wsStatus`)
    t.equal(record?.wsStatusRaw, raw, `${JSON.stringify(raw)}: raw kept`)
  }
  const decoded = stream(t, { ...base, ws_status: { status: 'connected' } })
  t.strictSame(decoded?.wsStatus, { status: 'connected' }, 'an object is used as is')
  t.equal(decoded !== undefined && 'wsStatusRaw' in decoded, false)
  const { ws_status: _w, ...without } = base
  const none = stream(t, without)
  t.equal(none !== undefined && ('wsStatus' in none || 'wsStatusRaw' in none), false, 'absent: neither field')
})

t.test('stream status in any case becomes lower case', async t => {
  for (const status of ['stream_connected', 'STREAM_CONNECTED', 'stream_disconnected', 'STREAM_DISCONNECTED']) {
    t.equal(stream(t, { ...payload('piopiy.event.stream.connected'), status })?.status, status.toLowerCase(), status)
  }
})

t.test('call event status: lower-cased, event is the status without its in_/out_ prefix', async t => {
  const cases: Array<[string, string, string]> = [
    ['in_answered', 'in_answered', 'answered'],
    ['OUT_STARTED', 'out_started', 'started'],
    ['out_bridged', 'out_bridged', 'bridged'],
    ['Hangup', 'hangup', 'hangup'],
    ['in_out_x', 'in_out_x', 'out_x']
  ]
  for (const [sent, status, name] of cases) {
    const record = event(t, { ...payload('piopiy.event.inbound.answered.leg-a'), status: sent })
    t.strictSame([record?.status, record?.event], [status, name], sent)
  }
})

t.test('unknown notifications keep appid (as a number), status, direction and leg when sent', async t => {
  const raw = { cmiuuid: 'u-1', app_id: '2222222', status: 'transferred', direction: 'inbound', leg: 'a', dtmf: '1' }
  const n = parsedOrFail(t, raw) as UnknownNotification | undefined
  t.strictSame(n, { kind: 'unknown', cmiuuid: 'u-1', appId: 2222222, status: 'transferred', direction: 'inbound', leg: 'a', raw })
  const bare = parsedOrFail(t, { cmuuid: 'u-2' })
  t.strictSame(bare, { kind: 'unknown', cmiuuid: 'u-2', raw: { cmuuid: 'u-2' } })
})

t.test('input forms: Buffer, Uint8Array view, string, UTF-8 BOM, parsed object', async t => {
  const json = JSON.stringify(fullCdr())
  const want = cdr(t, fullCdr())
  t.strictSame(parsedOrFail(t, Buffer.from(json)), want, 'Buffer')
  const padded = new TextEncoder().encode(`xxxx${json}yyyy`)
  t.strictSame(parsedOrFail(t, padded.subarray(4, padded.length - 4)), want, 'a Uint8Array view into a larger buffer')
  t.strictSame(parsedOrFail(t, `\uFEFF${json}`), want, 'string with a BOM')
  t.strictSame(parsedOrFail(t, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(json)])), want, 'bytes with a BOM')
  t.strictSame(parsedOrFail(t, `\n  ${json}\r\n`), want, 'surrounding whitespace')
  const withUnicode = cdr(t, { ...fullCdr(), extra_params: '{"name":"Ákil 🙂"}' })
  t.strictSame(withUnicode?.extraParams, { name: 'Ákil 🙂' })
  t.strictSame(parsedOrFail(t, Buffer.from(JSON.stringify({ ...fullCdr(), extra_params: '{"name":"Ákil 🙂"}' }))), withUnicode, 'multi-byte UTF-8 in bytes')
  const frozen = Object.freeze(fullCdr())
  t.strictSame(parsedOrFail(t, frozen), want, 'an already-frozen object')
})

t.test('a parsed object is hardened in place: raw is that object, frozen', async t => {
  const body = fullCdr()
  const record = cdr(t, body)
  t.equal(record?.raw, body, 'raw is the object passed in')
  t.ok(Object.isFrozen(body))
})

t.test('raw is deep-frozen; extraParams parsed from JSON are frozen too', async t => {
  const record = stream(t, { ...payload('piopiy.event.stream.connected'), nested: { a: { b: [1, { c: 2 }] } } })
  const raw = record?.raw as unknown as { nested: { a: { b: [number, { c: number }] } } }
  t.ok(Object.isFrozen(raw.nested) && Object.isFrozen(raw.nested.a) && Object.isFrozen(raw.nested.a.b) && Object.isFrozen(raw.nested.a.b[1]))
  t.throws(() => { 'use strict'; (raw.nested.a.b[1]).c = 3 }, TypeError)
  t.ok(Object.isFrozen(record?.wsStatus), 'wsStatus parsed from JSON is frozen')
})
