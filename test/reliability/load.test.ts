/**
 * Load with faults, over each adapter's real server: distinct CDR legs, 25 % of them duplicated (half
 * concurrently, half later), and callbacks that fail: 10 % of legs fail their first attempt, 3 % their
 * first two, and 2 % outlive handlerTimeoutMs on their first attempt (they wait for ctx.signal to abort,
 * then finish); the platform retries (up to 4 attempts). Every leg's callback must complete exactly once and
 * none may be lost. Seeded: the seed is printed, and RELIABILITY_SEED=<seed> replays the same fates.
 * Default: 2 000 legs per adapter. Full size, as reported in docs/reliability.md:
 * RELIABILITY_CDRS=75000 npm run test:reliability (over 100 000 deliveries per adapter).
 */
import { once } from 'node:events'
import t from 'tap'
import { harnesses } from './harnesses.js'
import { deliverLikeThePlatform } from './platform.js'

const cdrs = Number(process.env.RELIABILITY_CDRS ?? 2000)
const seed = Number(process.env.RELIABILITY_SEED ?? Math.floor(Math.random() * 2 ** 31))
t.comment(`seed ${seed} (replay with RELIABILITY_SEED=${seed})`)

/** mulberry32: a small seeded generator of numbers in [0, 1). */
function seeded (start: number): () => number {
  let a = start >>> 0
  return () => {
    a = (a + 0x6D2B79F5) >>> 0
    let x = Math.imul(a ^ (a >>> 15), 1 | a)
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x
    return ((x ^ (x >>> 14)) >>> 0) / 2 ** 32
  }
}

/** What happens to a leg's first attempts: fails once, fails twice, outlives handlerTimeoutMs once, or nothing. */
type Fate = 'fail-once' | 'fail-twice' | 'time-out' | 'ok'
const fateOf = (roll: number): Fate => roll < 0.10 ? 'fail-once' : roll < 0.13 ? 'fail-twice' : roll < 0.15 ? 'time-out' : 'ok'

for (const [name, makeHarness] of Object.entries(harnesses)) {
  t.test(`${name}: every CDR leg fires exactly once, none lost (seed ${seed})`, async t => {
    const random = seeded(seed)
    const ids = Array.from({ length: cdrs }, (_, i) => `load-${seed}-${i}`)
    const fates = new Map(ids.map(id => [id, fateOf(random())]))
    const fired = new Map<string, number>()
    const attempts = new Map<string, number>()
    const planned = { failures: 0, timeouts: 0 }
    let errors = 0
    const harness = await makeHarness({
      handlerTimeoutMs: 50,
      onInboundAnswered: async (cdr, ctx) => {
        const attempt = (attempts.get(cdr.cmiuuid) ?? 0) + 1
        attempts.set(cdr.cmiuuid, attempt)
        const fate = fates.get(cdr.cmiuuid)
        if ((fate === 'fail-once' && attempt === 1) || (fate === 'fail-twice' && attempt <= 2)) { planned.failures++; throw new Error('simulated database outage') }
        if (fate === 'time-out' && attempt === 1) { planned.timeouts++; await once(ctx.signal, 'abort') } // finishes once the receiver gave up waiting
        fired.set(cdr.cmiuuid, (fired.get(cdr.cmiuuid) ?? 0) + 1)
      },
      onError: () => { errors++ }
    }, 'root')
    let peakHeap = 0
    let peakRss = 0
    const sample = (): void => {
      const { heapUsed, rss } = process.memoryUsage()
      peakHeap = Math.max(peakHeap, heapUsed)
      peakRss = Math.max(peakRss, rss)
    }
    const sampler = setInterval(sample, 50)
    const started = Date.now()
    let lastReport = started
    try {
      const result = await deliverLikeThePlatform(`${harness.url}/webhook/cdr`, {
        ids,
        random,
        duplicateRate: 0.25,
        concurrency: 32,
        onProgress: (done, total) => {
          if (Date.now() - lastReport > 5000) { lastReport = Date.now(); t.comment(`${name}: ${done}/${total} legs`) }
        }
      })
      sample()
      const notOnce = result.ids.filter(id => fired.get(id) !== 1)
      t.same(result.lost, [], `no leg lost (seed ${seed})`)
      t.same(notOnce, [], `every leg fired exactly once (seed ${seed})`)
      t.equal(fired.size, cdrs)
      t.equal(errors, planned.failures + planned.timeouts, 'every failure and every timeout reached onError')
      t.ok(result.duplicates > 0 && planned.failures > 0 && planned.timeouts > 0 && result.retries >= planned.failures, 'the run had duplicates, failures, timeouts and retries')
      t.same(Object.keys(result.statuses).filter(s => !['200', '500', '503'].includes(s)), [], 'only 200, 500 (failed attempts) and 503 (timed out, or in flight) answered')
      t.comment(JSON.stringify({
        adapter: name, seed, cdrs, deliveries: result.deliveries, duplicates: result.duplicates, failures: planned.failures, timeouts: planned.timeouts,
        retries: result.retries, fires: [...fired.values()].reduce((a, b) => a + b, 0), statuses: result.statuses,
        peakHeapMiB: Math.round(peakHeap / 2 ** 20), peakRssMiB: Math.round(peakRss / 2 ** 20), seconds: (Date.now() - started) / 1000
      }))
    } finally {
      clearInterval(sampler)
      await harness.close()
    }
  })
}
