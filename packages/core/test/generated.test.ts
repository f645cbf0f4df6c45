/**
 * The core loads its schemas and validators from src/generated/ (written by `npm run build` from the
 * TypeBox definitions), not from TypeBox and Ajv. These tests check that the committed files are what the
 * generator writes, that the schemas are the definitions' objects exactly (symbols included), and that the
 * generated validators answer every probe exactly as Ajv compiling the definitions at run time does.
 */
import { readFileSync } from 'node:fs'
import t from 'tap'
import { Ajv, type ValidateFunction } from 'ajv'
import { literal, QUICK_PATTERN_FUNCTIONS, QUICK_PATTERNS, RECORD_SCHEMAS, schemasSource, validatorsSource, VALIDATORS, WIRE_SCHEMAS } from '../scripts/generated-source.js'
import * as generatedSchemas from '../src/generated/schemas.js'
import * as generatedValidators from '../src/generated/validators.js'
import * as records from '../src/records.js'
import * as wire from '../src/schemas.js'
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

t.test('the generated validators answer every probe as Ajv compiling the definitions at run time', async t => {
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true })
  const seed = seedCdr()
  const bases: Record<string, Record<string, unknown>> = {
    cdr: seed,
    event: { ...seed, status: 'in_answered', type: 'event' },
    stream: { ...seed, status: 'stream_connected', ws_status: '{"status":"connected"}' },
    unknown: { cmiuuid: 'c-1', appid: 1, status: 'x', direction: 'y', leg: 'z' }
  }
  let probes = 0
  for (const [kind, id] of Object.entries(VALIDATORS)) {
    const schema = WIRE_SCHEMAS.map(name => wire[name]).find(s => s.$id === id)!
    const runtime = ajv.compile(schema)
    const generated = (generatedValidators as unknown as Record<string, ValidateFunction>)[kind]!
    for (const payload of payloads(schema as never, bases[kind]!)) {
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

t.test('the wire validators take the payload alone (no options object per call)', async t => {
  t.notMatch(validatorsSource(), /instancePath=""|rootData/)
  t.match(validatorsSource(), /function validate\d+\(data\)\{const instancePath = "";/)
})
