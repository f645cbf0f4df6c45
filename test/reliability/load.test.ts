/**
 * Load with faults, over each adapter's real server: distinct CDR legs, 25 % of them duplicated (half
 * concurrently, half later), 10 % of first attempts failing in the callback, and the platform's retries.
 * Every leg's callback must complete exactly once and none may be lost.
 * Default: 2 000 legs per adapter (about 2 700 deliveries). Full size, as reported in docs/reliability.md:
 * RELIABILITY_CDRS=75000 npm run test:reliability (over 100 000 deliveries per adapter).
 */
import t from 'tap'
import { harnesses } from './harnesses.js'
import { deliverLikeThePlatform } from './platform.js'

const cdrs = Number(process.env.RELIABILITY_CDRS ?? 2000)
const failRate = 0.1

for (const [name, makeHarness] of Object.entries(harnesses)) {
  t.test(`${name}: every CDR leg fires exactly once, none lost`, async t => {
    const fired = new Map<string, number>()
    const failedOnce = new Set<string>()
    let failures = 0
    let errors = 0
    const harness = await makeHarness({
      onInboundAnswered: async cdr => {
        if (!failedOnce.has(cdr.cmiuuid)) {
          failedOnce.add(cdr.cmiuuid) // the first attempt of each leg: fails 10 % of the time
          if (Math.random() < failRate) { failures++; throw new Error('simulated database outage') }
        }
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
        cdrs,
        duplicateRate: 0.25,
        concurrency: 32,
        onProgress: (done, total) => {
          if (Date.now() - lastReport > 5000) { lastReport = Date.now(); t.comment(`${name}: ${done}/${total} legs`) }
        }
      })
      sample()
      const notOnce = result.ids.filter(id => fired.get(id) !== 1)
      t.same(result.lost, [], 'no leg lost')
      t.same(notOnce, [], 'every leg fired exactly once')
      t.equal(fired.size, cdrs)
      t.equal(errors, failures, 'every failure reached onError')
      t.ok(result.duplicates > 0 && failures > 0 && result.retries >= failures, 'the run had duplicates, failures and retries')
      t.equal(Object.keys(result.statuses).filter(s => !['200', '500'].includes(s)).length, 0, 'only 200 and 500 (failed attempts) answered')
      t.comment(JSON.stringify({
        adapter: name, cdrs, deliveries: result.deliveries, duplicates: result.duplicates, failures, retries: result.retries,
        fires: [...fired.values()].reduce((a, b) => a + b, 0), statuses: result.statuses,
        peakHeapMiB: Math.round(peakHeap / 2 ** 20), peakRssMiB: Math.round(peakRss / 2 ** 20), seconds: (Date.now() - started) / 1000
      }))
    } finally {
      clearInterval(sampler)
      await harness.close()
    }
  })
}
