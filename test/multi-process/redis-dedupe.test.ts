/**
 * Several app processes behind a "load balancer" share one real redis-server. The platform delivers
 * every CDR several times, each copy to a random process, and retries any copy not answered 200;
 * some callbacks fail once. Every CDR must fire exactly once, none may be lost.
 *
 * Size (defaults fit CI on 2 cores): PIOPIY_MP_CDRS=5000 PIOPIY_MP_COPIES=4 PIOPIY_MP_CONCURRENCY=48
 * PIOPIY_MP_BURST=0.25 PIOPIY_MP_ADAPTERS=fastify,express,koa,node (one process each: node | fastify | express | koa)
 * PIOPIY_TEST_SEED.
 */
import t from 'tap'
import { fork, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { cdrBody, cdrKey } from '../../packages/redis/test/helpers/cdr.js'
import { keepAlivePoster, runPlatform } from '../../packages/redis/test/helpers/platform.js'
import { startRedis } from '../../packages/redis/test/helpers/redis-server.js'
import type { Adapter, ToApp, ToParent } from './protocol.js'

const env = process.env
const CDRS = Number(env['PIOPIY_MP_CDRS'] ?? 5000)
const COPIES = Number(env['PIOPIY_MP_COPIES'] ?? 4)
const CONCURRENCY = Number(env['PIOPIY_MP_CONCURRENCY'] ?? 48)
const ADAPTERS = (env['PIOPIY_MP_ADAPTERS'] ?? 'fastify,express,koa,node').split(',') as Adapter[]
const SEED = Number(env['PIOPIY_TEST_SEED'] ?? 0x5eed)
/** Share of CDRs whose copies are sent at the same moment, to different processes. */
const BURST = Number(env['PIOPIY_MP_BURST'] ?? 0.25)
/** Every 10th CDR's callback fails the first time it runs (anywhere). */
const failsOnce = (n: number): boolean => n % 10 === 3

const { post, destroy } = keepAlivePoster(CONCURRENCY)
t.teardown(destroy)

t.setTimeout(Math.max(120_000, CDRS * COPIES * 5))

t.test(`${ADAPTERS.length} app processes share one Redis: ${CDRS} CDRs × ${COPIES} copies, each CDR fired exactly once`, async t => {
  t.ok(ADAPTERS.length >= 3, 'at least 3 app processes')
  const redis = await startRedis()
  t.teardown(redis.stop)

  const runs = new Map<string, number>() // callback runs per key, failed ones included
  const fires = new Map<string, number>() // successful runs per key
  const firesByProcess = ADAPTERS.map(() => 0)
  const errors: Record<string, number> = {}
  const keyOf = new Map(Array.from({ length: CDRS }, (_, n) => [cdrKey(n), n]))

  const apps = await Promise.all(ADAPTERS.map(async (adapter, index) => {
    const child: ChildProcess = fork(fileURLToPath(new URL('./app.ts', import.meta.url)), [], {
      execArgv: process.execArgv,
      env: { ...env, REDIS_URL: redis.url, ADAPTER: adapter },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc']
    })
    t.teardown(() => { if (child.exitCode === null) child.kill('SIGKILL') })
    const tell = (message: ToApp): void => { child.send(message) }
    const port = await new Promise<number>((resolve, reject) => {
      child.once('exit', code => { reject(new Error(`app ${index} (${adapter}) exited with ${String(code)}`)) })
      child.on('message', (message: ToParent) => {
        if (message.type === 'ready') resolve(message.port)
        else if (message.type === 'error') errors[message.code] = (errors[message.code] ?? 0) + 1
        else {
          const run = (runs.get(message.key) ?? 0) + 1
          runs.set(message.key, run)
          const fail = run === 1 && failsOnce(keyOf.get(message.key) as number)
          if (!fail) {
            fires.set(message.key, (fires.get(message.key) ?? 0) + 1)
            firesByProcess[index] = (firesByProcess[index] as number) + 1
          }
          tell({ type: 'verdict', id: message.id, fail })
        }
      })
    })
    return { child, port, adapter, tell }
  }))

  const started = performance.now()
  const report = await runPlatform({
    cdrs: CDRS,
    copies: COPIES,
    concurrency: CONCURRENCY,
    seed: SEED,
    burst: BURST,
    send: async (d, pick) => await post((apps[Math.floor(pick * apps.length)] as (typeof apps)[number]).port, cdrBody(d.n))
  })
  const seconds = (performance.now() - started) / 1000

  await Promise.all(apps.map(async ({ child, tell }) => {
    const exited = new Promise(resolve => child.once('exit', resolve))
    tell({ type: 'shutdown' })
    await exited
  }))

  const planned = Array.from({ length: CDRS }, (_, n) => n).filter(failsOnce).length
  t.same(report.unacknowledged, [], 'every delivery was acknowledged with 200 in the end')
  t.equal(report.deliveries, CDRS * COPIES)
  t.equal(report.statuses[200], CDRS * COPIES, 'one 200 per delivery')
  t.same(Object.keys(report.statuses).filter(s => !['200', '500', '503'].includes(s)), [], 'no other status')
  t.equal(fires.size, CDRS, 'nothing lost: every CDR fired')
  t.same([...fires].filter(([, count]) => count !== 1), [], 'nothing fired twice')
  t.equal([...runs.values()].reduce((a, b) => a + b, 0), CDRS + planned, 'callback runs: one per CDR, plus one per planned failure')
  t.equal(errors['CALLBACK_FAILED'], planned, 'each planned failure went to onError')
  t.same(Object.keys(errors).filter(code => code !== 'CALLBACK_FAILED'), [], 'no store errors')
  t.ok(firesByProcess.every(count => count > 0), `every process fired some (${firesByProcess.join(' / ')})`)
  t.comment(`${ADAPTERS.join('+')}: ${CDRS} CDRs, ${report.deliveries} deliveries, ${report.posts} POSTs ` +
    `(${report.statuses[200] ?? 0} × 200, ${report.statuses[503] ?? 0} × 503 in flight elsewhere, ${report.statuses[500] ?? 0} × 500), ` +
    `${planned} planned failures, ${CDRS} fires (${firesByProcess.join(' / ')}), ${seconds.toFixed(1)} s, ` +
    `${Math.round(report.posts / seconds)} POSTs/s`)
})
