/**
 * The core loads its schemas and validators from src/generated/ (written by `npm run build` from the
 * TypeBox definitions), not from TypeBox and Ajv. These tests check that the committed files are what the
 * generator writes, that the schemas are the definitions' objects exactly (symbols included), and that the
 * generated validators answer every probe exactly as Ajv compiling the definitions at run time does.
 */
import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import t from 'tap'
import { Ajv, type ValidateFunction } from 'ajv'
import { acceptsSource, literal, QUICK_PATTERN_FUNCTIONS, QUICK_PATTERNS, RECORD_SCHEMAS, schemasSource, validatorsSource, VALIDATORS, WIRE_SCHEMAS } from '../scripts/generated-source.js'
import * as generatedSchemas from '../src/generated/schemas.js'
import * as generatedValidators from '../src/generated/validators.js'
import * as records from '../src/records.js'
import * as wire from '../src/schemas.js'
import { classify } from '../src/classify.js'
import { payload as fixturePayload, SAMPLE_NAMES, VARIANT_NAMES } from './fixtures/index.js'
import { seedCdr } from './helpers.js'

const committed = (name: string): string => readFileSync(new URL(`../src/generated/${name}`, import.meta.url), 'utf8')

t.test('the committed files are what the generator writes (run npm run build after changing a schema)', async t => {
  t.equal(committed('schemas.ts'), schemasSource())
  t.equal(committed('validators.ts'), validatorsSource())
})

t.test('the generated schemas are the TypeBox definitions, symbols included', async t => {
  t.equal(generatedSchemas.NOT_BLANK, wire.NOT_BLANK)
  for (const name of WIRE_SCHEMAS) t.equal(literal(generatedSchemas[name]), literal(wire[name]), name)
  for (const name of RECORD_SCHEMAS) t.equal(literal(generatedSchemas[name]), literal(records[name]), name)
  t.equal(literal({ a: [1, 'x', null], [Symbol.for('k')]: true }), '{\n  "a": [1, "x", null],\n  [Symbol.for("k")]: true\n}')
})

/** Values of every JSON type, and strings and numbers at and past each limit the schemas set. */
const PROBES: unknown[] = [null, true, 0, -1, 1.5, 2 ** 53, 8.64e15 + 1, Infinity, -Infinity, NaN, '', ' ', 'x', '12', '-1.5', '1.123456789012345', 'answered', 'ANSWERED', 'inbound', 'a',
  'stream_connected', 'STREAM_DISCONNECTED', '{"s":1}', {}, [],
  // at and past the edges of the quick pattern checks (generated-source.ts, QUICK_PATTERNS), each way they can say no
  '-', '-12', '1.', '.5', '1x', '1.5x', '12a', '123456789012345', '1234567890123456', '1.123456789012', '-1.1234567890123', '\tx', '\u00a0x', '\u2003', 'é1',
  'x'.repeat(32), 'x'.repeat(33), ` ${'x'.repeat(31)}`]

/** Payloads for one kind: the seed's fields, then each field removed or set to each probe, alone and after a missing `time` (so that its error is not the first). */
function* payloads (schema: { properties: Record<string, unknown> }, base: Record<string, unknown>): Generator<unknown> {
  yield base
  yield* [null, [], 'text', 5]
  const { time, ...withoutTime } = base
  for (const start of [base, withoutTime]) {
    for (const field of Object.keys(schema.properties)) {
      const { [field]: _removed, ...without } = start
      yield without
      for (const probe of PROBES) yield { ...start, [field]: probe }
    }
  }
}

/** A base payload of each kind, whose fields the probes replace. */
function bases (): Record<string, Record<string, unknown>> {
  const seed = seedCdr()
  return {
    cdr: seed,
    event: { ...seed, status: 'in_answered', type: 'event' },
    stream: { ...seed, status: 'stream_connected', ws_status: '{"status":"connected"}' },
    unknown: { cmiuuid: 'c-1', appid: 1, status: 'x', direction: 'y', leg: 'z' }
  }
}

t.test('the generated validators answer every probe as Ajv compiling the definitions at run time', async t => {
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true })
  let probes = 0
  for (const [kind, id] of Object.entries(VALIDATORS)) {
    const schema = WIRE_SCHEMAS.map(name => wire[name]).find(s => s.$id === id)!
    const runtime = ajv.compile(schema)
    const generated = (generatedValidators as unknown as Record<string, ValidateFunction>)[kind]!
    for (const payload of payloads(schema as never, bases()[kind]!)) {
      probes++
      const label = `${kind}: ${JSON.stringify(payload)}`
      const valid = generated(payload)
      if (valid !== runtime(payload)) t.fail(`${label}: valid ${String(valid)}`)
      else if (JSON.stringify(generated.errors) !== JSON.stringify(runtime.errors)) t.same(generated.errors, runtime.errors, label)
    }
  }
  t.ok(probes > 2000, `${probes} payloads, the same answer and the same errors from both`)
})

/** Strings around what the four patterns accept: digits, signs, points, spaces of every kind, other characters, in lengths up to 40. */
function* patternProbes (): Generator<string> {
  const pieces = ['0', '1', '9', '-', '.', ' ', '\t', '\n', '\u00a0', '\u2028', '\ufeff', 'x', 'é', '+']
  let seed = 7
  const next = (): number => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed }
  for (let i = 0; i < 20_000; i++) {
    let s = ''
    for (let n = next() % 41; n > 0; n--) s += next() % 3 === 0 ? pieces[next() % pieces.length] : String(next() % 10)
    yield s
  }
  for (const piece of pieces) yield piece
  yield ''
}

t.test('each quick pattern check says yes only where its expression matches, and most matches are quick', async t => {
  const quick = new Function(`${QUICK_PATTERN_FUNCTIONS}\nreturn { ${Object.values(QUICK_PATTERNS).join(', ')} }`)() as Record<string, (s: string) => boolean>
  for (const [source, name] of Object.entries(QUICK_PATTERNS)) {
    const pattern = new RegExp(source, 'u')
    const check = quick[name]!
    let matches = 0
    let quickly = 0
    for (const s of patternProbes()) {
      const yes = check(s)
      if (yes && !pattern.test(s)) t.fail(`${name}(${JSON.stringify(s)}) says yes, /${source}/u does not match`)
      if (pattern.test(s)) matches++
      if (yes) quickly++
    }
    t.ok(quickly > 0 && quickly >= matches / 2, `${name}: ${quickly} of ${matches} matching strings accepted without the expression`)
  }
  t.match(validatorsSource(), /if\(!\(decimalText\(data\d+\) \|\| pattern\d+\.test\(data\d+\)\)\)/, 'a known pattern is checked quickly first')
})

t.test('each happy path (accepts) says yes only where Ajv compiling the definitions does, and yes to every documented payload', async t => {
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true })
  const accepts = generatedValidators.accepts as Record<string, (payload: unknown) => boolean>
  for (const [kind, id] of Object.entries(VALIDATORS)) {
    const schema = WIRE_SCHEMAS.map(name => wire[name]).find(s => s.$id === id)!
    const runtime = ajv.compile(schema)
    const accept = accepts[kind]!
    let yes = 0
    let valid = 0
    for (const payload of payloads(schema as never, bases()[kind]!)) {
      const accepted = accept(payload)
      if (accepted && !runtime(payload)) t.fail(`accepts.${kind}(${JSON.stringify(payload)}) says yes, the validator no`)
      if (accepted) yes++
      if (runtime(payload)) valid++
    }
    t.ok(accept(bases()[kind]) && yes >= valid * 0.9, `${kind}: ${yes} of the ${valid} valid probes accepted on the happy path`)
  }
  // random payloads mixing the probes in several fields at once
  const fields = [...new Set(WIRE_SCHEMAS.flatMap(name => Object.keys(wire[name].properties)))]
  const mixed = fc.record({ kind: fc.constantFrom(...Object.keys(VALIDATORS)), changes: fc.dictionary(fc.constantFrom(...fields), fc.constantFrom(...PROBES, undefined), { maxKeys: 6 }) })
  fc.assert(fc.property(mixed, ({ kind, changes }) => {
    const payload = { ...bases()[kind], ...changes }
    const runtime = ajv.getSchema(VALIDATORS[kind as keyof typeof VALIDATORS])!
    return !accepts[kind]!(payload) || runtime(payload) === true
  }), { numRuns: 20_000 })
  for (const name of [...SAMPLE_NAMES, ...VARIANT_NAMES].filter(name => !name.includes('_url'))) {
    const sample = fixturePayload(name)
    t.ok(accepts[classify(sample)]!(sample), `${name}: on the happy path`)
  }
})

t.test('a happy path is generated for the keywords the wire schemas use, and the build stops at any other', async t => {
  const patterns = new Map<string, string>()
  const schema = {
    type: 'object' as const,
    required: ['a', 'z'],
    properties: { a: { type: 'string', pattern: '^x+$' }, b: { type: ['string', 'null'], pattern: '^x+$' }, c: { type: 'boolean' }, d: { type: 'integer', minimum: 1 }, e: { type: 'number', maximum: 2 } }
  }
  const accept = new Function(`${QUICK_PATTERN_FUNCTIONS}\nconst accepted0 = new RegExp("^x+$", "u");\nreturn ${acceptsSource('accept', schema, patterns)}`)() as (payload: unknown) => boolean
  t.same([...patterns], [['^x+$', 'accepted0']], 'one expression for a pattern used twice')
  t.ok(accept({ a: 'xx', z: 0, b: null, c: false, d: 1, e: 2 }))
  const no = [{ z: 0 }, { a: 'x' }, { a: 'y', z: 0 }, { a: 'x', z: 0, b: 'y' }, { a: 'x', z: 0, c: 1 }, { a: 'x', z: 0, d: 0 }, { a: 'x', z: 0, d: 1.5 }, { a: 'x', z: 0, e: 3 }, { a: 'x', z: 0, e: NaN }, [], null, 'x']
  for (const payload of no) t.notOk(accept(payload), JSON.stringify(payload))
  t.ok(accept({ z: 0, a: 'x' }) && !accept({ a: 'x' }), 'a required property with no schema of its own is still required')
  const fails = (bad: object, message: RegExp): void => { t.throws(() => acceptsSource('f', { type: 'object', properties: {}, ...bad } as never, new Map()), { message }) }
  fails({ additionalProperties: false }, /only an object that allows other properties/)
  fails({ type: 'array' }, /only an object that allows other properties/)
  fails({ minProperties: 1 }, /keyword minProperties is not handled/)
  fails({ properties: { a: { type: 'string', format: 'uuid' } } }, /a: keyword format is not handled/)
  fails({ properties: { a: { type: 'array' } } }, /a: type array is not handled/)
})

t.test('the wire validators take the payload alone (no options object per call)', async t => {
  t.notMatch(validatorsSource(), /instancePath=""|rootData/)
  t.match(validatorsSource(), /function validate\d+\(data\)\{const instancePath = "";/)
})
