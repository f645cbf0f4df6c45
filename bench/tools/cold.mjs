// The core with the CPU's caches cold, as after the rest of an HTTP request: `node bench/tools/cold.mjs [built checkout]`
// (after `npm run build`). Each call is timed alone, after 4 MiB (`COLD_MIB`) of other memory has been written, which
// evicts the core's code and data from the L1 and L2 caches, as a request's trip through the kernel and the framework
// does. Prints what `parseNotification` and `receiver.handle` (a fresh CDR, in memory) cost over `JSON.parse` of the
// same bytes timed the same way. Given the directory of another built checkout (`bench:compare` leaves one in the
// system's temp directory), times both builds in the same rounds and prints this tree's extra cost over the other's,
// per round (median and IQR). Not part of `npm run bench`: a way to see in seconds what the HTTP rounds see in
// minutes, where a tight loop (bench/core.mjs) sees the code hot and misses it (bench/findings.md, eleventh round).
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { envNumber, median, progress, quartiles, SEED_BYTES, silentLogger } from '../lib.mjs'

const ROUNDS = envNumber('COLD_ROUNDS', 4000)
/** Fresh CDRs each receiver handles before the rounds, so that its memory store is as full as a busy server's (COLD_FILL=110000: full at its 100,000 keys). */
const FILL = envNumber('COLD_FILL', 0)
const WARMUP = Math.floor(ROUNDS / 5)
const other = process.argv[2]

const builds = { this: await import('@piopiy-webhooks/core') }
if (other !== undefined) builds.other = await import(pathToFileURL(join(resolve(other), 'packages/core/dist/esm/index.js')).href)

/** Bodies with a fresh cmiuuid each (each is claimed and run once per receiver: there are more bodies than rounds). */
const seed = JSON.parse(SEED_BYTES.toString())
const bodies = Array.from({ length: ROUNDS + 1 }, (_, i) => Buffer.from(JSON.stringify({ ...seed, cmiuuid: `${i}-${seed.cmiuuid}` })))

/** `COLD_ONLY=parseNotification` (or `receiver.handle`) times that one: the other shares its code, and warms it. */
const measured = (process.env.COLD_ONLY ?? 'parseNotification,receiver.handle').split(',')
const cases = { 'JSON.parse': body => JSON.parse(body.toString()) }
for (const [name, core] of Object.entries(builds)) {
  const receiver = core.createReceiver({ logger: silentLogger, onInboundAnswered: async () => {} })
  const all = {
    parseNotification: body => core.parseNotification(body),
    'receiver.handle': body => receiver.handle({ method: 'POST', path: '/webhook/cdr', headers: { 'content-type': 'application/json' }, rawBody: body })
  }
  for (const what of measured) cases[`${what} (${name})`] = all[what]
}

if (FILL > 0 && measured.includes('receiver.handle')) {
  for (const name of Object.keys(builds)) {
    const handle = cases[`receiver.handle (${name})`]
    for (let i = 0; i < FILL; i++) await handle(Buffer.from(JSON.stringify({ ...seed, cmiuuid: `fill-${i}-${seed.cmiuuid}` })))
    progress(`cold: ${name}'s store filled with ${FILL} keys`)
  }
}

const junk = new Float64Array(envNumber('COLD_MIB', 4) * 131072)
/** Writes one word in every cache line of `junk`. */
const evict = () => { for (let i = 0; i < junk.length; i += 8) junk[i]++ }

const names = Object.keys(cases)
const times = Object.fromEntries(names.map(name => [name, []]))
for (let round = 0; round < ROUNDS; round++) {
  // each round in another order, so that no case always follows the same one
  const order = names.map(name => [Math.random(), name]).sort((a, b) => a[0] - b[0]).map(([, name]) => name)
  for (const name of order) {
    evict()
    const started = process.hrtime.bigint()
    const result = cases[name](bodies[round])
    const ns = Number(process.hrtime.bigint() - started)
    if (result instanceof Promise) await result // outside the timing: the callback's turn is the same for every case
    if (round >= WARMUP) times[name].push(ns)
  }
  if (round % 1000 === 999) progress(`cold: ${round + 1}/${ROUNDS} rounds`)
}

const json = times['JSON.parse']
const over = name => times[name].map((ns, i) => ns - json[i])
console.log(`with ${envNumber('COLD_MIB', 4)} MiB written before each call, ${ROUNDS - WARMUP} rounds: median ns per call, and over JSON.parse in the same round`)
for (const name of names) console.log(`  ${name.padEnd(32)} ${String(median(times[name])).padStart(7)} ns   +${median(over(name))} ns`)
if (other !== undefined) {
  for (const what of measured) {
    const ratios = over(`${what} (this)`).map((ns, i) => ns / over(`${what} (other)`)[i])
    const [q1, , q3] = quartiles(ratios)
    console.log(`  ${what}: this tree's cost over JSON.parse / the other's, per round: ${median(ratios).toFixed(2)} (IQR ${q1.toFixed(2)}–${q3.toFixed(2)})`)
  }
}
