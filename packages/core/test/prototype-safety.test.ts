/**
 * Prototype safety: `__proto__`, `constructor` and `prototype` keys, at any depth, in the body and in
 * extra_params / ws_status, never reach a prototype; nothing in a payload is evaluated.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { parseExtraParams } from '../src/extra-params.js'
import { parseNotification } from '../src/parse.js'
import type { CdrRecord, StreamEventRecord } from '../src/records.js'
import { harden, parseJson } from '../src/safe-json.js'
import { payload, SAMPLE_NAMES, VARIANT_NAMES } from './fixtures/index.js'
import { parsedOrFail } from './helpers.js'

const FORBIDDEN = ['__proto__', 'constructor', 'prototype']

/** Every own property (names, symbols and descriptors) of the built-in prototypes a pollution would reach. */
const snapshot = (): unknown => [Object.prototype, Array.prototype, Function.prototype, String.prototype, Number.prototype].map(proto =>
  Reflect.ownKeys(proto).map(key => [String(key), Object.getOwnPropertyDescriptor(proto, key)]))
const before = snapshot()

/** Every object inside a value, with its path. */
function * objects (value: unknown, path = '$'): Generator<[string, object]> {
  if (typeof value !== 'object' || value === null) return
  yield [path, value]
  for (const key of Reflect.ownKeys(value)) yield * objects((value as Record<PropertyKey, unknown>)[key as string], `${path}.${String(key)}`)
}

/** Asserts no object inside `value` has a forbidden own key or a prototype other than Object/Array's. */
function clean (t: Tap, value: unknown, label: string): void {
  for (const [path, object] of objects(value)) {
    const proto = Object.getPrototypeOf(object)
    if (proto !== Object.prototype && proto !== Array.prototype && proto !== Date.prototype) t.fail(`${label}: ${path} has another prototype`)
    for (const key of FORBIDDEN) if (Object.hasOwn(object, key)) t.fail(`${label}: ${path} has an own ${key}`)
  }
  t.pass(`${label}: clean`)
}
type Tap = Parameters<Parameters<typeof t.test>[0]>[0]

const cdrText = (): string => JSON.stringify(payload('piopiy.cdr.inbound.answered.leg-a.legacy'))
/** `"__proto__"` written with JSON \\u escapes only (no plain `__proto__` in the text). */
const ESCAPED_PROTO = '"\\u005f\\u005fproto\\u005f\\u005f"'
/** Inserts `"<key>": <json>` as the first member of a JSON object text. */
const withMember = (text: string, key: string, json: string): string => `{${JSON.stringify(key)}:${json},${text.slice(1)}`


t.test('forbidden keys at the top of the body are dropped and change nothing', async t => {
  const attacks: Array<[string, string]> = [
    ['__proto__', withMember(cdrText(), '__proto__', '{"polluted":"yes","type":"event","isAdmin":true}')],
    ['constructor.prototype', withMember(cdrText(), 'constructor', '{"prototype":{"polluted":"yes"}}')],
    ['prototype', withMember(cdrText(), 'prototype', '{"polluted":"yes"}')],
    ['\\u-escaped __proto__', `{${ESCAPED_PROTO}:{"polluted":"yes"},${cdrText().slice(1)}`],
    ['\\u-escaped constructor', `{"\\u0063onstructor":{"polluted":"yes"},${cdrText().slice(1)}`]
  ]
  for (const [label, text] of attacks) {
    for (const input of [text, Buffer.from(text)]) {
      const record = parsedOrFail(t, input, label)
      t.equal(record?.kind, 'cdr', `${label}: still the CDR it was (a __proto__.type does not reclassify it)`)
      clean(t, record, label)
      t.equal((record?.raw as Record<string, unknown> | undefined)?.polluted, undefined, `${label}: nothing inherited`)
      t.equal(({} as Record<string, unknown>).polluted, undefined, `${label}: Object.prototype untouched`)
    }
  }
})

t.test('the \\u-escaped attack really is a __proto__ key once parsed', async t => {
  // guards the test above: the escaped text must decode to the forbidden key, or it proves nothing
  t.ok(Object.hasOwn(JSON.parse(`{${ESCAPED_PROTO}:{}}`) as object, '__proto__'))
  t.ok(Object.hasOwn(JSON.parse('{"\\u0063onstructor":{}}') as object, 'constructor'))
})

t.test('a prototype key cannot supply a required field', async t => {
  const body = JSON.parse(cdrText()) as Record<string, unknown>
  delete body.cmiuuid
  const text = withMember(JSON.stringify(body), '__proto__', '{"cmiuuid":"from-the-prototype"}')
  t.strictSame(parseNotification(text), { ok: false, status: 400, reasons: ['cmiuuid: is required'] })
})

t.test('forbidden keys deep inside the body, in objects and arrays', async t => {
  const nested = '{"meta":{"a":[{"__proto__":{"polluted":1},"keep":1}],"constructor":{"prototype":{"polluted":1}},"b":{"prototype":2,"c":3}}}'
  const record = parsedOrFail(t, withMember(cdrText(), 'meta', nested.slice('{"meta":'.length, -1)), 'nested')
  clean(t, record, 'nested')
  t.strictSame((record?.raw as unknown as { meta: unknown }).meta, { a: [{ keep: 1 }], b: { c: 3 } })
})

t.test('at 100 levels deep (past the hardening walk) a __proto__ key still reaches no prototype', async t => {
  const deep = '{"x":'.repeat(100) + '{"__proto__":{"polluted":1}}' + '}'.repeat(100)
  const record = parsedOrFail(t, withMember(cdrText(), 'deep', deep), 'deep')
  let node: unknown = (record?.raw as unknown as { deep: unknown }).deep
  for (let i = 0; i < 100; i++) node = (node as { x: unknown }).x
  t.equal(Object.getPrototypeOf(node), Object.prototype, 'the innermost object has the ordinary prototype')
  t.equal((node as Record<string, unknown>).polluted, undefined, 'nothing was inherited')
  t.equal(({} as Record<string, unknown>).polluted, undefined)
})

t.test('within 60 levels, forbidden keys are removed at every level', async t => {
  const deep = '{"x":'.repeat(60) + '{"__proto__":{"p":1},"constructor":1,"prototype":2,"k":1}' + '}'.repeat(60)
  const record = parsedOrFail(t, withMember(cdrText(), 'deep', deep), 'deep')
  clean(t, record, '60 levels')
})

t.test('extra_params in each style, as a string or an object: forbidden keys dropped', async t => {
  const styles = [
    '{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}},"Name":"Akil"}',
    "{ '__proto__': {'polluted': 1}, 'constructor': {'prototype': {'polluted': 1}}, 'Name': 'Akil' }",
    '{__proto__: {polluted: 1}, constructor: {prototype: {polluted: 1}}, Name: Akil}',
    '{ __proto__=polluted, constructor=1, prototype=2, Name=Akil }'
  ]
  for (const style of styles) {
    const record = parsedOrFail(t, JSON.stringify({ ...payload('piopiy.cdr.inbound.answered.leg-a.legacy'), extra_params: style }), style) as CdrRecord | undefined
    t.strictSame(record?.extraParams, { Name: 'Akil' }, style)
    clean(t, record?.extraParams, style)
  }
  const { extra_params: _sent, ...rest } = payload('piopiy.cdr.inbound.answered.leg-a.legacy')
  const asObject = withMember(JSON.stringify(rest), 'extra_params', '{"__proto__":{"polluted":1},"inner":{"constructor":{"prototype":{"polluted":1}}},"Name":"Akil"}')
  const record = parsedOrFail(t, asObject, 'object') as CdrRecord | undefined
  t.strictSame(record?.extraParams, { inner: {}, Name: 'Akil' }, 'extra_params as a JSON object')
  clean(t, record, 'object')
})

t.test('ws_status: forbidden keys in its JSON string are dropped', async t => {
  const ws = '{"__proto__":{"polluted":1},"status":"connected","message":{"constructor":{"prototype":{"polluted":1}}}}'
  const record = parsedOrFail(t, { ...payload('piopiy.event.stream.connected'), ws_status: ws }, 'ws_status') as StreamEventRecord | undefined
  t.strictSame(record?.wsStatus, { status: 'connected', message: {} })
  t.equal(record?.wsStatusRaw, ws, 'the raw string is kept as sent')
  clean(t, record?.wsStatus, 'ws_status')
})

t.test('an object a framework parsed (JSON.parse keeps __proto__ as an own key) is cleaned the same way', async t => {
  const body = JSON.parse(withMember(cdrText(), '__proto__', '{"polluted":1}')) as object
  t.ok(Object.hasOwn(body, '__proto__'), 'JSON.parse made it an own key')
  const record = parsedOrFail(t, body, 'parsed body')
  clean(t, record, 'parsed body')
  t.equal(record?.raw, body, 'the same object, cleaned and frozen in place')
})

t.test('harden and parseJson directly', async t => {
  t.equal(harden(5), 5, 'primitives pass through')
  t.equal(harden(null), null)
  const kept = harden(JSON.parse('{"__proto__":{"a":1},"b":{"c":1}}') as object, false)
  t.ok(Object.hasOwn(kept, '__proto__') && Object.isFrozen(kept) && Object.isFrozen((kept as { b: object }).b), 'strip=false: frozen, keys kept')
  const shallow = harden({ a: { b: { c: {} } } }, true, 2) as { a: { b: { c: object } } }
  t.strictSame([Object.isFrozen(shallow), Object.isFrozen(shallow.a), Object.isFrozen(shallow.a.b)], [true, true, false], 'depth bounds the walk')
  t.strictSame(parseJson('{"constructor":{"prototype":1},"prototype":1,"x":[{"__proto__":1}]}'), { x: [{}] })
  t.strictSame(parseJson('{"constructorX":1,"my_prototype":2}'), { constructorX: 1, my_prototype: 2 }, 'look-alike keys are kept')
})

t.test('raw is frozen all the way down; writes throw in strict mode', async t => {
  const record = parsedOrFail(t, Buffer.from(withMember(cdrText(), 'meta', '{"list":[{"a":1}]}')), 'frozen') as CdrRecord | undefined
  const raw = record?.raw as unknown as Record<string, unknown> & { meta: { list: Array<{ a: number }> } }
  t.throws(() => { raw.duration = 99 }, TypeError)
  t.throws(() => { raw.meta.list.push({ a: 2 }) }, TypeError)
  t.throws(() => { (raw.meta.list[0] as { a: number }).a = 2 }, TypeError)
  t.throws(() => { delete raw.cmiuuid }, TypeError)
  t.equal(record?.duration, 13)
})

t.test('no eval and no new Function: parsing every fixture and extra_params style with both disabled', async t => {
  const realEval = globalThis.eval
  const RealFunction = globalThis.Function
  let calls = 0
  const trap = (): never => { calls++; throw new Error('eval or Function called') }
  const results: boolean[] = []
  globalThis.eval = trap as typeof eval
  globalThis.Function = new Proxy(RealFunction, { apply: trap, construct: trap })
  try {
    for (const name of [...SAMPLE_NAMES, ...VARIANT_NAMES]) results.push(parseNotification(Buffer.from(JSON.stringify(payload(name)))).ok)
    for (const style of ['{"a":1}', "{'a': 1}", '{a: 1}', '{ a=1 }']) results.push(parseExtraParams(style) !== undefined)
    results.push(parseNotification('{"cmiuuid":"x","extra_params":"{a: (function(){ return 1 })()}"}').ok)
  } finally {
    globalThis.eval = realEval
    globalThis.Function = RealFunction
  }
  t.equal(calls, 0, 'neither was called')
  t.ok(results.every(Boolean), 'and everything parsed')
})

t.test('no eval, new Function or Function() anywhere in the core source', async t => {
  const dir = fileURLToPath(new URL('../src/', import.meta.url))
  const files = readdirSync(dir).filter(file => file.endsWith('.ts'))
  t.ok(files.length >= 10, 'the sources were found')
  for (const file of files) {
    const source = readFileSync(`${dir}${file}`, 'utf8')
    t.notMatch(source, /\beval\s*\(|\bnew\s+Function\b|\bFunction\s*\(/, file)
  }
})

t.test('the built-in prototypes are exactly as they were before this file ran', async t => {
  t.strictSame(snapshot(), before)
})
