// Core micro-benchmarks (mitata), in their own process: `node bench/core.mjs` prints JSON on stdout.
// Every figure is the median time of one call, in ns, on the seed CDR's bytes (median over
// BENCH_CORE_ROUNDS rounds of each benchmark's own median).
import { createReceiver, dedupeKey, parseNotification } from '@piopiy-webhooks/core'
import { classify, normalize, parseExtraParams, validate } from '@piopiy-webhooks/core/internal'
import { do_not_optimize, measure } from 'mitata'
import { CORE_TARGETS } from './frameworks.mjs'
import { envNumber, EXTRA_PARAMS_STYLES, median, pairedBatches, progress, SEED_BYTES, SEED_TEXT, silentLogger } from './lib.mjs'

const minCpuTime = envNumber('BENCH_CORE_MS', 300) * 1e6 // ns of samples per benchmark
const parsed = parseNotification(SEED_BYTES)
if (!parsed.ok) throw new Error(`the seed CDR does not parse: ${parsed.reasons.join('; ')}`)
const payload = parsed.notification.raw
const record = parsed.notification

const HEADERS = { 'content-type': 'application/json' }
/**
 * The request an adapter hands over, as an object literal (as the adapters build it): a spread of a template
 * (`{ ...request, rawBody }`) costs 0.35–0.6× `JSON.parse` of the body by itself on Node 20, which is the
 * benchmark's cost, not the receiver's (bench/findings.md, third round).
 */
const requestOf = rawBody => ({ method: 'POST', path: '/webhook/cdr', headers: HEADERS, ip: '127.0.0.1', rawBody })

/** Fresh bodies for the receiver benchmark (a new cmiuuid each, so every call is claimed and dispatched). */
const FRESH = 1 << 14
const freshBodies = Array.from({ length: FRESH }, (_, i) => Buffer.from(SEED_TEXT.replace('f0c6ecd8d780', String(i).padStart(12, '0'))))

const cases = [
  ['JSON.parse (bytes → string → JSON.parse)', () => JSON.parse(SEED_BYTES.toString('utf8'))],
  ['parseNotification (bytes)', () => parseNotification(SEED_BYTES)],
  ['JSON.parse (string)', () => JSON.parse(SEED_TEXT)],
  ['parseNotification (string)', () => parseNotification(SEED_TEXT)],
  ['classify', () => classify(payload)],
  ['validate (cdr schema: its happy path, Ajv when that says no)', () => validate('cdr', payload)],
  ['normalize (cdr, with extra_params)', () => normalize('cdr', payload)],
  ['dedupeKey', () => dedupeKey(record)],
  ...Object.entries(EXTRA_PARAMS_STYLES).map(([style, text]) => [`parseExtraParams: ${style}`, () => parseExtraParams(text)])
]

const rounds = envNumber('BENCH_CORE_ROUNDS', 3)
const samples = cases.map(() => [])
for (let round = 1; round <= rounds; round++) { // rounds, so that a busy moment of the machine hits one sample of each, not all
  for (const [index, [name, fn]] of cases.entries()) {
    const stats = await measure(() => do_not_optimize(fn()), { min_cpu_time: minCpuTime })
    samples[index].push(stats.p50)
    progress(`core ${round}/${rounds} ${name}: ${stats.p50.toFixed(0)} ns`)
  }
}
const results = cases.map(([name], index) => ({ name, ns: median(samples[index]), rounds: samples[index] }))

/**
 * The whole receiver, no HTTP: receiver.handle() on bytes, dedupe on, an async callback. For fresh
 * cmiuuids the FRESH prepared bodies are used once each per receiver, then a new receiver takes over;
 * the duplicate case sends the seed to one receiver throughout (only the first call runs the callback).
 */
async function receiverCase (name, bodies, renew) {
  const make = () => createReceiver({ logger: silentLogger, onInboundAnswered: async () => { calls++ } })
  let receiver = make()
  let calls = 0
  let i = 0
  const stats = await measure(async () => {
    if (i === bodies.length) {
      i = 0
      if (renew) receiver = make()
    }
    const answer = await receiver.handle(requestOf(bodies[i++]))
    if (answer.status !== 200) throw new Error(`receiver answered ${answer.status}`)
  }, { min_cpu_time: minCpuTime })
  results.push({ name, ns: stats.p50, avg: stats.avg, calls })
  progress(`core ${name}: ${stats.p50.toFixed(0)} ns (${calls} callbacks)`)
}
await receiverCase('receiver.handle, fresh cmiuuid', freshBodies, true)
await receiverCase('receiver.handle, duplicate', [SEED_BYTES], false)

/** The targets as paired ratios: a batch of JSON.parse, then a batch of the other, many times; CPU time of each. */
const jsonParse = () => JSON.parse(SEED_BYTES.toString('utf8'))
let parsedFresh = 0
/** JSON.parse of the same bodies, in the same order, that `handleFresh` hands to the receiver (same bytes on both sides). */
function jsonParseFresh () {
  if (parsedFresh === FRESH) parsedFresh = 0
  return JSON.parse(freshBodies[parsedFresh++].toString('utf8'))
}
const newReceiver = () => createReceiver({ logger: silentLogger, onInboundAnswered: async () => {} })
let handleReceiver = newReceiver()
let fresh = 0
/** Every body once per receiver, so that each call is claimed and dispatched (a new receiver takes over after the last). */
function handleFresh () {
  if (fresh === FRESH) { fresh = 0; handleReceiver = newReceiver() }
  return handleReceiver.handle(requestOf(freshBodies[fresh++]))
}
const ratios = [
  { name: '`parseNotification` / `JSON.parse`', atMost: CORE_TARGETS.parseVsJsonParse, ...await pairedBatches(jsonParse, () => parseNotification(SEED_BYTES)) },
  { name: '`receiver.handle` (fresh cmiuuid) / `JSON.parse`', atMost: CORE_TARGETS.handleVsJsonParse, ...await pairedBatches(jsonParseFresh, handleFresh, { async: true }) }
]
for (const r of ratios) progress(`core ${r.name}: ${r.median.toFixed(2)}× (IQR ${r.q1.toFixed(2)}–${r.q3.toFixed(2)}; ratio of totals ${r.ofTotals.toFixed(2)}×)`)

process.stdout.write(JSON.stringify({ cases: results, ratios }))
