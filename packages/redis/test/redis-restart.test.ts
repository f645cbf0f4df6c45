import t from 'tap'
import { createReceiver, type Receiver } from '@piopiy-webhooks/core'
import { RedisIdempotencyStore } from '../src/index.js'
import { cdrBody, cdrKey, deliver } from './helpers/cdr.js'
import { runPlatform } from './helpers/platform.js'
import { startRedis } from './helpers/redis-server.js'
import { silentLogger } from '@piopiy-webhooks/core'

t.test('redis-server killed mid-run and restarted: 503s during the outage, then every CDR fired exactly once', async t => {
  const CDRS = 400
  const COPIES = 4
  const INSTANCES = 3
  const KILL_AT_FIRE = 150 // the callback of the 150th fire kills Redis (so its complete fails too)
  const RESTART_AFTER_503 = 60 // restart once the outage has answered this many 503s
  const seed = Number(process.env['PIOPIY_TEST_SEED'] ?? 0x5eed)
  t.comment(`seed ${seed}`)

  // persistence on, as a production dedupe Redis should have it: the claims and done keys survive the crash
  const redis = await startRedis({ persistent: true })
  t.teardown(redis.stop)

  const fired = new Map<string, number>()
  const storeErrors: string[] = []
  const otherErrors: Error[] = []
  let fires = 0
  let killed: Promise<void> | undefined
  const instances: Receiver[] = []
  for (let i = 0; i < INSTANCES; i++) {
    const store = new RedisIdempotencyStore({ url: redis.url })
    t.teardown(async () => { await store.close() })
    instances.push(createReceiver({
      idempotency: store,
      logger: silentLogger,
      onInboundAnswered: async (cdr, ctx) => {
        fired.set(ctx.key, (fired.get(ctx.key) ?? 0) + 1)
        if (++fires === KILL_AT_FIRE) await (killed = redis.kill())
      },
      onError: err => {
        if ('code' in err && err.code === 'STORE_FAILED') storeErrors.push(err.message)
        else otherErrors.push(err)
      }
    }))
  }

  let outage503 = 0
  let restarted: Promise<void> | undefined
  const report = await runPlatform({
    cdrs: CDRS,
    copies: COPIES,
    concurrency: 24,
    seed,
    burst: 0.25,
    retryDelayMs: 10,
    send: async (d, pick) => (await deliver(instances[Math.floor(pick * INSTANCES)] as Receiver, cdrBody(d.n))).status,
    onAnswer: status => {
      if (killed !== undefined && restarted === undefined && status === 503 && ++outage503 === RESTART_AFTER_503) {
        restarted = killed.then(async () => { await redis.restart() })
        restarted.catch(() => {}) // awaited (and reported) after the run
      }
    }
  })
  await restarted

  t.equal(report.unacknowledged.length, 0, 'every delivery was eventually acknowledged with 200')
  t.equal(report.deliveries, CDRS * COPIES)
  t.ok(restarted !== undefined, 'Redis was killed and restarted mid-run')
  t.ok((report.statuses[503] ?? 0) >= RESTART_AFTER_503, `deliveries during the outage answered 503 (${report.statuses[503]})`)
  t.same(Object.keys(report.statuses).sort(), ['200', '503'], 'only 200 and 503: nothing failed otherwise')
  t.ok(storeErrors.length > 0, `each store failure went to onError (${storeErrors.length})`)
  t.ok(storeErrors.some(m => /failed to complete/.test(m)), 'including the complete of the callback that ran as Redis died')
  t.same(otherErrors, [])
  const missing = Array.from({ length: CDRS }, (_, n) => cdrKey(n)).filter(key => !fired.has(key))
  t.same(missing, [], 'nothing lost: every CDR fired')
  const twice = [...fired].filter(([, count]) => count !== 1)
  t.same(twice, [], 'nothing fired twice')
  t.equal(fires, CDRS)
  t.comment(`${CDRS} CDRs × ${COPIES} copies over ${INSTANCES} instances: ${report.posts} POSTs, ` +
    `${report.statuses[200]} × 200, ${report.statuses[503]} × 503, ${storeErrors.length} store errors, ${fires} fires`)
})
