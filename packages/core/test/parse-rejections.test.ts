/**
 * Every rejection parseNotification gives, with its exact reasons, for a body given as bytes, as a
 * string and as an already-parsed object. A rejection is always `{ ok: false, status: 400, reasons }`.
 */
import t, { type Test } from 'tap'
import { parseNotification } from '../src/parse.js'
import { describeValue, validate } from '../src/validate.js'
import { payload } from './fixtures/index.js'

/** Asserts the exact rejection for the body as an object, a JSON string and JSON bytes. */
function rejects (t: Test, body: Record<string, unknown>, reasons: string[], label = reasons.join('; ')): void {
  const want = { ok: false, status: 400, reasons }
  const text = JSON.stringify(body)
  t.strictSame(parseNotification(Buffer.from(text)), want, `${label} (Buffer)`)
  t.strictSame(parseNotification(text), want, `${label} (string)`)
  t.strictSame(parseNotification(JSON.parse(text) as object), want, `${label} (object)`)
}

const jsonError = (text: string): string => {
  try {
    JSON.parse(text)
  } catch (err) {
    return (err as Error).message
  }
  throw new Error(`${text} is valid JSON`)
}

const cdr = (): Record<string, unknown> => payload('piopiy.cdr.inbound.answered.leg-a.legacy')
const event = (): Record<string, unknown> => payload('piopiy.event.outbound.started.leg-a')
const stream = (): Record<string, unknown> => payload('piopiy.event.stream.connected')
const without = (body: Record<string, unknown>, ...keys: string[]): Record<string, unknown> => {
  const copy = { ...body }
  for (const key of keys) delete copy[key]
  return copy
}

t.test('malformed JSON: the parser says where', async t => {
  for (const text of ['{"cmiuuid": ', '{cmiuuid: "x"}', "{'cmiuuid': 'x'}", '{"a":1,}', '{"a":01}', 'undefined', '{"a":1}{"b":2}', '\u0000']) {
    const want = { ok: false, status: 400, reasons: [`body: is not valid JSON (${jsonError(text)})`] }
    t.strictSame(parseNotification(text), want, `${JSON.stringify(text)} (string)`)
    t.strictSame(parseNotification(Buffer.from(text)), want, `${JSON.stringify(text)} (Buffer)`)
  }
  const invalidUtf8 = Buffer.from([0x7b, 0xff, 0xfe, 0x7d]) // '{', two bytes that are not UTF-8, '}'
  t.strictSame(parseNotification(invalidUtf8), { ok: false, status: 400, reasons: [`body: is not valid JSON (${jsonError(invalidUtf8.toString('utf8'))})`] })
})

t.test('empty body: nothing, whitespace, a lone BOM', async t => {
  for (const input of ['', '   ', '\r\n\t', '\uFEFF', Buffer.alloc(0), Buffer.from('  \n'), new Uint8Array([0xef, 0xbb, 0xbf])]) {
    t.strictSame(parseNotification(input), { ok: false, status: 400, reasons: ['body: is empty'] }, JSON.stringify(String(input)))
  }
})

t.test('JSON that is not an object', async t => {
  const cases: Array<[string, string]> = [
    ['null', 'null'],
    ['[1,2]', 'an array'],
    ['[]', 'an array'],
    ['"text"', 'string "text"'],
    ['""', 'string ""'],
    ['5', 'number 5'],
    ['-0.5', 'number -0.5'],
    ['true', 'boolean true'],
    ['false', 'boolean false'],
    [JSON.stringify('x'.repeat(41)), `string "${'x'.repeat(40)}…"`],
    [JSON.stringify('y'.repeat(40)), `string "${'y'.repeat(40)}"`]
  ]
  for (const [text, got] of cases) {
    const want = { ok: false, status: 400, reasons: [`body: must be a JSON object (got ${got})`] }
    t.strictSame(parseNotification(text), want, `${text.slice(0, 20)} (string)`)
    t.strictSame(parseNotification(Buffer.from(text)), want, `${text.slice(0, 20)} (Buffer)`)
    const value: unknown = JSON.parse(text)
    // a string given to parseNotification is JSON text by contract, so only non-strings have a parsed form
    if (typeof value !== 'string') t.strictSame(parseNotification(value as object), want, `${text.slice(0, 20)} (parsed)`)
  }
  t.strictSame(parseNotification(undefined), { ok: false, status: 400, reasons: ['body: must be a JSON object (got nothing)'] })
  t.strictSame(parseNotification(() => 1), { ok: false, status: 400, reasons: ['body: must be a JSON object (got a function)'] })
  t.strictSame(parseNotification(7n as never), { ok: false, status: 400, reasons: ['body: must be a JSON object (got a bigint)'] })
})

t.test('cmiuuid: required on every kind, never blank', async t => {
  rejects(t, without(cdr(), 'cmiuuid'), ['cmiuuid: is required'], 'CDR')
  rejects(t, without(event(), 'cmiuuid'), ['cmiuuid: is required'], 'event')
  rejects(t, without(stream(), 'cmiuuid'), ['cmiuuid: is required'], 'stream')
  rejects(t, { status: 'transferred' }, ['cmiuuid: is required'], 'unknown')
  rejects(t, {}, ['cmiuuid: is required'], 'empty object')
  rejects(t, { ...cdr(), cmiuuid: '' }, ['cmiuuid: must not be empty'])
  rejects(t, { ...cdr(), cmiuuid: ' \t\n' }, ['cmiuuid: must not be empty'], 'blank')
  rejects(t, { ...without(cdr(), 'cmiuuid'), cmuuid: '' }, ['cmuuid: must not be empty'])
  rejects(t, { cmiuuid: '' }, ['cmiuuid: must not be empty'], 'unknown, blank')
  rejects(t, { ...cdr(), cmiuuid: 42 }, ['cmiuuid: must be a string (got number 42)'])
  rejects(t, { ...cdr(), cmiuuid: null }, ['cmiuuid: must be a string (got null)'])
  rejects(t, { cmuuid: ['x'] }, ['cmuuid: must be a string (got an array)'])
})

t.test('appid: required on CDRs and events (app_id accepted too), optional on unknown notifications', async t => {
  const reason = 'appid: is required (app_id is accepted too)'
  rejects(t, without(cdr(), 'appid'), [reason], 'CDR')
  rejects(t, without(event(), 'appid'), [reason], 'event')
  rejects(t, without(stream(), 'appid'), [reason], 'stream')
  t.equal(parseNotification({ cmiuuid: 'x', status: 'transferred' }).ok, true, 'unknown: not required')
  rejects(t, { ...cdr(), appid: 'abc' }, ['appid: has an unexpected format (got string "abc")'])
  rejects(t, { ...cdr(), appid: '' }, ['appid: has an unexpected format (got string "")'])
  rejects(t, { ...cdr(), appid: '1234567890123456' }, ['appid: has an unexpected format (got string "1234567890123456")'], '16 digits')
  rejects(t, { ...cdr(), appid: -1 }, ['appid: must be >= 0 (got number -1)'])
  rejects(t, { ...cdr(), appid: 1.5 }, ['appid: must be a string or an integer (got number 1.5)'])
  rejects(t, { ...without(cdr(), 'appid'), app_id: true }, ['app_id: must be a string or an integer (got boolean true)'])
  rejects(t, { cmiuuid: 'x', appid: {} }, ['appid: must be a string or an integer (got an object)'], 'unknown with a bad appid')
})

t.test('required fields of each kind', async t => {
  rejects(t, { type: 'cdr', cmiuuid: 'x', appid: 1 }, [
    'time: is required', 'direction: is required', 'leg: is required', 'status: is required',
    'from: is required', 'to: is required', 'duration: is required'
  ], 'a CDR with nothing else')
  rejects(t, without(cdr(), 'time'), ['time: is required'])
  rejects(t, without(cdr(), 'to'), ['to: is required'], 'a CDR needs to')
  rejects(t, { type: 'event', cmiuuid: 'x', appid: 1 }, [
    'time: is required', 'direction: is required', 'leg: is required', 'status: is required', 'from: is required'
  ], 'an event with nothing else')
  rejects(t, without(event(), 'from', 'direction'), ['direction: is required', 'from: is required'])
  rejects(t, without(stream(), 'time'), ['time: is required'], 'a stream event needs time')
  rejects(t, { status: 'answered', duration: 13, cmiuuid: 'x' }, [
    'appid: is required (app_id is accepted too)', 'time: is required', 'direction: is required', 'leg: is required',
    'from: is required', 'to: is required'
  ], 'a current-format CDR with little else')
  rejects(t, { type: 'cdr' }, [
    'cmiuuid: is required', 'appid: is required (app_id is accepted too)', 'time: is required', 'direction: is required',
    'leg: is required', 'status: is required', 'from: is required', 'to: is required', 'duration: is required'
  ], 'every reason at once, in order')
})

t.test('wrong types', async t => {
  rejects(t, { ...cdr(), duration: '13' }, ['duration: must be a number (got string "13")'])
  rejects(t, { ...cdr(), duration: null }, ['duration: must be a number (got null)'])
  rejects(t, { ...cdr(), time: '1632318511000' }, ['time: must be a number (got string "1632318511000")'])
  rejects(t, { ...cdr(), start_time: null }, ['start_time: must be a number (got null)'])
  rejects(t, { ...cdr(), answer_time: '1632318515' }, ['answer_time: must be a number (got string "1632318515")'])
  rejects(t, { ...cdr(), end_time: false }, ['end_time: must be a number (got boolean false)'])
  rejects(t, { ...cdr(), to: true }, ['to: must be a string or an integer (got boolean true)'])
  rejects(t, { ...cdr(), from: 4.4 }, ['from: must be a string or an integer (got number 4.4)'])
  rejects(t, { ...cdr(), from: [440000000001] }, ['from: must be a string or an integer (got an array)'])
  rejects(t, { ...event(), callerid: {} }, ['callerid: must be a string or an integer (got an object)'])
  rejects(t, { ...event(), vn: null }, ['vn: must be a string or an integer (got null)'])
  rejects(t, { ...cdr(), call_rate: [] }, ['call_rate: must be a string or a number (got an array)'])
  rejects(t, { ...cdr(), balance: true }, ['balance: must be a string or a number (got boolean true)'])
  rejects(t, { ...cdr(), out: 'true' }, ['out: must be a boolean (got string "true")'])
  rejects(t, { ...cdr(), api_init: 1 }, ['api_init: must be a boolean (got number 1)'])
  rejects(t, { ...cdr(), conversation_uuid: 5 }, ['conversation_uuid: must be a string (got number 5)'])
  rejects(t, { ...event(), request_id: null }, ['request_id: must be a string (got null)'])
  rejects(t, { ...cdr(), extra_params: 5 }, ['extra_params: must be a string or an object or null (got number 5)'])
  rejects(t, { ...cdr(), extra_params: ['a'] }, ['extra_params: must be a string or an object or null (got an array)'])
  rejects(t, { ...stream(), ws_status: 5 }, ['ws_status: must be a string or an object (got number 5)'])
  rejects(t, { ...stream(), from: false }, ['from: must be a string or an integer (got boolean false)'])
  rejects(t, { ...payload('piopiy-india.event.inbound.hangup.leg-a'), type: 'event', to: 1.25 }, ['to: must be a string or an integer (got number 1.25)'])
  rejects(t, { cmiuuid: 'x', status: 5 }, ['status: must be a string (got number 5)'], 'unknown: status')
  rejects(t, { cmiuuid: 'x', direction: 1, leg: true }, ['direction: must be a string (got number 1)', 'leg: must be a string (got boolean true)'], 'unknown: direction and leg')
})

t.test('type must be a string (when it is not, the status classifies and the schema says so)', async t => {
  rejects(t, { ...event(), type: 5 }, ['type: must be a string (got number 5)'])
})

t.test('leg not a/b, direction not inbound/outbound, CDR status not answered/missed', async t => {
  rejects(t, { ...cdr(), leg: 'c' }, ["leg: must be one of 'a', 'b' (got string \"c\")"])
  rejects(t, { ...cdr(), leg: 'A' }, ["leg: must be one of 'a', 'b' (got string \"A\")"], 'case matters for leg')
  rejects(t, { ...event(), leg: '' }, ["leg: must be one of 'a', 'b' (got string \"\")"])
  rejects(t, { ...cdr(), direction: 'sideways' }, ["direction: must be one of 'inbound', 'outbound' (got string \"sideways\")"])
  rejects(t, { ...stream(), direction: 'in' }, ["direction: must be one of 'inbound', 'outbound' (got string \"in\")"], 'optional on streams, checked when sent')
  rejects(t, { ...stream(), leg: 'z' }, ["leg: must be one of 'a', 'b' (got string \"z\")"])
  rejects(t, { ...cdr(), leg: 1 }, ['leg: must be a string (got number 1)', "leg: must be one of 'a', 'b' (got number 1)"])
  rejects(t, { ...cdr(), status: 'hangup' }, ["status: must be one of 'answered', 'missed', 'ANSWERED', 'MISSED' (got string \"hangup\")"], "type 'cdr' with an event status")
  rejects(t, { ...cdr(), status: 'Answered' }, ["status: must be one of 'answered', 'missed', 'ANSWERED', 'MISSED' (got string \"Answered\")"])
})

t.test('numbers out of range', async t => {
  rejects(t, { ...cdr(), duration: -1 }, ['duration: must be >= 0 (got number -1)'])
  rejects(t, { ...cdr(), time: -1 }, ['time: must be >= 0 (got number -1)'])
  rejects(t, { ...cdr(), start_time: -0.5 }, ['start_time: must be >= 0 (got number -0.5)'])
  rejects(t, { ...cdr(), from: -5 }, ['from: must be >= 0 (got number -5)'])
  rejects(t, { ...cdr(), to: 2 ** 53 }, ['to: must be <= 999999999999999 (got number 9007199254740992)'], 'a phone number past 15 digits (past 2^53 it would lose digits)')
  rejects(t, { ...cdr(), appid: 2 ** 53 }, ['appid: must be <= 9007199254740991 (got number 9007199254740992)'])
  rejects(t, { ...cdr(), time: 8.64e15 + 1 }, ['time: must be <= 8640000000000000 (got number 8640000000000001)'], 'past what a Date can hold')
  rejects(t, { ...cdr(), start_time: 8.64e12 + 1, answer_time: 1e300 }, [
    'start_time: must be <= 8640000000000 (got number 8640000000001)', 'answer_time: must be <= 8640000000000 (got number 1e+300)'
  ], 'seconds past what a Date can hold')
})

t.test('non-finite numbers from a parsed object are not numbers', async t => {
  t.strictSame(parseNotification({ ...cdr(), time: Number.NaN }), { ok: false, status: 400, reasons: ['time: must be a number (got number NaN)'] })
  t.strictSame(parseNotification({ ...cdr(), duration: Number.POSITIVE_INFINITY }), { ok: false, status: 400, reasons: ['duration: must be a number (got number Infinity)'] })
})

t.test('blank strings where a value is needed', async t => {
  rejects(t, { ...cdr(), from: '' }, ['from: must not be empty'])
  rejects(t, { ...cdr(), to: '   ' }, ['to: must not be empty'])
  rejects(t, { ...event(), callerid: '' }, ['callerid: must not be empty'])
  rejects(t, { ...event(), status: '' , type: 'event' }, ['status: must not be empty'], "an event's status")
})

t.test('money strings that are not decimals', async t => {
  for (const value of ['0,45', '1,000.00', '0.45.0', 'free', '', '.5', '1.', '1e3', ' 1.0', '1.0000000000001']) {
    rejects(t, { ...cdr(), call_rate: value }, [`call_rate: has an unexpected format (got string ${JSON.stringify(value)})`], JSON.stringify(value))
  }
  rejects(t, { ...cdr(), balance: 'x'.repeat(50) }, [`balance: has an unexpected format (got string "${'x'.repeat(40)}…")`], 'a long value is cut at 40 characters')
})

t.test('several problems: every reason, in schema order', async t => {
  rejects(t, { ...cdr(), leg: 'c', duration: '13', to: '' }, [
    "leg: must be one of 'a', 'b' (got string \"c\")", 'to: must not be empty', 'duration: must be a number (got string "13")'
  ])
})

t.test('validate() on its own: a stream status outside the stream vocabulary', async t => {
  // parseNotification only sends stream statuses to the stream schema; validate is exported too
  t.strictSame(validate('stream', { ...stream(), status: 'nope' }), ['status: has an unexpected format (got string "nope")'])
  t.strictSame(validate('stream', { ...stream(), status: 'stream_connected' }), [])
})

t.test('describeValue names every kind of value', async t => {
  t.equal(describeValue(null), 'null')
  t.equal(describeValue([]), 'an array')
  t.equal(describeValue({}), 'an object')
  t.equal(describeValue('ab'), 'string "ab"')
  t.equal(describeValue('"'), 'string "\\""', 'quotes are escaped')
  t.equal(describeValue(3), 'number 3')
  t.equal(describeValue(false), 'boolean false')
  t.equal(describeValue(undefined), 'a undefined')
  t.equal(describeValue(Symbol('s')), 'a symbol')
})
