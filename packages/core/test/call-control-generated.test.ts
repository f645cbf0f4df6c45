/**
 * The PCMO and call-control schemas and validators come from src/generated/ (written by `npm run build`
 * from src/pcmo-schemas.ts and src/call-control-schemas.ts), not from TypeBox and Ajv at run time. As
 * generated.test.ts does for the notification schemas, these tests check that the committed files are
 * what the generator writes, that the generated schemas are the TypeBox definitions exactly, and that
 * every generated validator answers thousands of probes exactly as Ajv compiling the definition does.
 */
import { readFileSync } from 'node:fs'
import t from 'tap'
import { Ajv, type ValidateFunction } from 'ajv'
import {
  CALL_CONTROL_SCHEMAS, callControlSchemasSource, callControlValidatorsSource, literal, PCMO_ACTIONS, PCMO_SCHEMAS, REQUEST_VALIDATORS
} from '../scripts/generated-source.js'
import * as callControl from '../src/call-control-schemas.js'
import * as generatedSchemas from '../src/generated/call-control-schemas.js'
import * as generatedValidators from '../src/generated/call-control-validators.js'
import * as pcmoSchemas from '../src/pcmo-schemas.js'
import * as core from '../src/index.js'

const committed = (name: string): string => readFileSync(new URL(`../src/generated/${name}`, import.meta.url), 'utf8')

t.test('the committed files are what the generator writes (run npm run build after changing a schema)', async t => {
  t.equal(committed('call-control-schemas.ts'), callControlSchemasSource())
  t.equal(committed('call-control-validators.ts'), callControlValidatorsSource())
})

t.test('the generated schemas are the TypeBox definitions, symbols included; the core exports them', async t => {
  for (const name of PCMO_SCHEMAS) {
    t.equal(literal(generatedSchemas[name]), literal(pcmoSchemas[name]), name)
    t.equal(core[name], generatedSchemas[name], `${name} is exported`)
  }
  for (const name of CALL_CONTROL_SCHEMAS) {
    t.equal(literal(generatedSchemas[name]), literal(callControl[name]), name)
    t.equal(core[name], generatedSchemas[name], `${name} is exported`)
  }
  t.same(Object.keys(core.PCMO_ACTION_SCHEMAS), Object.keys(pcmoSchemas.PCMO_ACTION_SCHEMAS))
  for (const [action, name] of Object.entries(PCMO_ACTIONS)) t.equal(core.PCMO_ACTION_SCHEMAS[action as keyof typeof PCMO_ACTIONS], generatedSchemas[name], action)
  t.equal(literal({ a: { b: 1 } }, '', new Map([[1, 'x']])), '{\n  "a": {\n    "b": x\n  }\n}', 'a value found in names is written as its name')
})

/** Values of every JSON type, and strings and numbers at and past each limit the schemas set. */
const PROBES: unknown[] = [null, true, false, 0, -1, 1, 1.5, 2 ** 53, 8.64e15 + 1, '', ' ', 'x', '0', '12', '007', '+4471', '440000000000', '1234', '1*#',
  'https://x.example/a', 'http://x', 'ftp://x', 'wss://x.example/s', 'ws://x', 'single', 'group', 'pstn', 'internet', 'sip', 'caller', 'both',
  '8000', '16000', 8000, 'inbound', {}, [], [{}], [{ type: 'pstn', number: 1 }], [{ type: 'sip', user: 'u' }]]

/** Every path to a value in `value` (array items and object members, nested). */
function paths (value: unknown, at: Array<string | number> = []): Array<Array<string | number>> {
  if (typeof value !== 'object' || value === null) return []
  return Object.entries(value).flatMap(([key, member]) => {
    const path = [...at, Array.isArray(value) ? Number(key) : key]
    return [path, ...paths(member, path)]
  })
}

/** A copy of `base` with the value at `path` set (or removed, for `undefined`). */
function withValue (base: unknown, path: Array<string | number>, value: unknown): unknown {
  const copy = structuredClone(base) as Record<string | number, unknown>
  const parent = path.slice(0, -1).reduce<Record<string | number, unknown>>((node, key) => node[key] as Record<string | number, unknown>, copy)
  const last = path.at(-1) as string | number
  if (value === undefined && Array.isArray(parent)) parent.splice(last as number, 1)
  else if (value === undefined) delete parent[last]
  else parent[last] = value
  return copy
}

/** Payloads from valid bases: each nested field removed or set to each probe, and each schema property probed where absent. */
function * payloads (bases: unknown[], schema: { properties?: Record<string, unknown> }): Generator<unknown> {
  yield * [null, [], 'text', 5, {}]
  for (const base of bases) {
    yield base
    for (const path of paths(base)) {
      yield withValue(base, path, undefined)
      for (const probe of PROBES) yield withValue(base, path, probe)
    }
    for (const field of Object.keys(schema.properties ?? {})) {
      for (const probe of PROBES) yield { ...(base as object), [field]: probe }
    }
  }
}

const URL_ = 'https://example.com/webhook/action'
/** Valid instances of each schema (several where the schema has branches), from the documented examples. */
const BASES: Record<string, unknown[]> = {
  play: [{ action: 'play', file_name: 'welcome.mp3' }, { action: 'play', file_url: 'https://cdn.example/a.mp3' }],
  speak: [{ action: 'speak', text: 'Hello' }],
  bridge: [{ action: 'bridge', duration: 300, timeout: 20, from: 19170000000, loop: 2, ring_type: 'group', connect: [{ type: 'pstn', number: 440000000000 }, { type: 'pstn', number: '0440000000001' }] }],
  connect: [{ action: 'connect', duration: 300, timeout: 20, from: 19170000000, loop: 2, ring_type: 'single', call_type: 'audio', connect: [{ type: 'sip', user: 'alice' }] },
    { action: 'connect', call: [{ type: 'sip', user: 'alice' }, { type: 'sip', user: 'bob' }] }],
  input: [{ action: 'input', max_digit: 4, timeout: 5, action_url: URL_ }],
  play_get_input: [{ action: 'play_get_input', file_name: 'menu.wav', max_digit: 4, max_retry: 2, timeout: 1, action_url: URL_ },
    { action: 'play_get_input', file_url: 'https://cdn.example/menu.wav', action_url: URL_ }],
  param: [{ action: 'param', text: '{ Name=Akil }' }, { action: 'param' }],
  record: [{ action: 'record' }],
  hangup: [{ action: 'hangup' }],
  stream: [{ action: 'stream', ws_url: 'wss://ai.example/s', listen_mode: 'both', voice_quality: '16000', stream_on_answer: true }],
  answer: [{ action: 'inbound', from: '19170000001', to: '19170000000', time: 1670568234000, cmiuuid: 'c-1', extra_params: '{ a=1 }' },
    { from: 919100000000, to: 4471000000, time: '1571800398000', cmuuid: 'c-2', extra_params: { a: 1 } }],
  dtmf: [{ from: 919100000000, to: 4471000000, dtmf: '1234', cmuuid: 'c-3', cmiuuid: 'c-3', extra_params: '{ Name=Akil }' },
    { from: '919100000000', to: '4471000000', dtmf: 12, cmiuuid: 'c-4', extra_params: { a: 1 } }]
}

t.test('the generated validators answer every probe as Ajv compiling the definitions at run time', async t => {
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true })
  const schemas: Record<string, { properties?: Record<string, unknown> }> = {
    ...Object.fromEntries(Object.entries(PCMO_ACTIONS).map(([action, name]) => [action, pcmoSchemas[name]])),
    answer: callControl.AnswerRequestSchema,
    dtmf: callControl.DtmfRequestSchema
  }
  t.same(Object.keys(generatedValidators).sort(), Object.keys(schemas).sort(), 'one validator per action and per request')
  t.same(Object.keys(REQUEST_VALIDATORS), ['answer', 'dtmf'])
  let probes = 0
  for (const [name, schema] of Object.entries(schemas)) {
    const runtime = ajv.compile(schema)
    const generated = (generatedValidators as unknown as Record<string, ValidateFunction>)[name]!
    for (const payload of payloads(BASES[name]!, schema)) {
      probes++
      const label = `${name}: ${JSON.stringify(payload)}`
      const valid = generated(payload)
      if (valid !== runtime(payload)) t.fail(`${label}: valid ${String(valid)}`)
      else if (JSON.stringify(generated.errors) !== JSON.stringify(runtime.errors)) t.same(generated.errors, runtime.errors, label)
    }
    for (const base of BASES[name]!) t.ok(generated(base), `${name}: the base ${JSON.stringify(base)} is valid`)
  }
  t.ok(probes > 5000, `${probes} payloads, the same answer and the same errors from both`)
})
