/**
 * The BullMQ hand-off under faults, with real processes on a real redis-server: 2 app processes
 * (node:http + the core + enqueueTo) and 2 worker processes (createPiopiyWorker). Every CDR is
 * delivered 4 times, each copy to a random app (a quarter of the CDRs with all copies at once), and
 * retried until answered 200; 10 % of first attempts fail in the worker; app 0 is SIGKILLed right
 * after answering a share of its 200s, worker 0 is SIGKILLed while jobs run in it. Every CDR must
 * end as exactly one completed job: none lost (every 200 was a stored job), none twice (job ids
 * from the dedupe key), and the idempotent write (SADD job.id) finds no job done twice.
 *
 * Size: RELIABILITY_BULLMQ_CDRS (200 in `npm test`; 5 000 in `npm run test:reliability`), PIOPIY_TEST_SEED.
 */
import t from 'tap'
import { fork, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { Queue } from 'bullmq'
import { Redis } from 'ioredis'
import { cdrBody, cdrKey } from '../../packages/redis/test/helpers/cdr.js'
import { keepAlivePoster, runPlatform } from '../../packages/redis/test/helpers/platform.js'
import { startRedis } from '../../packages/redis/test/helpers/redis-server.js'
import { until } from '../../packages/redis/test/helpers/until.js'
import { jobIdOf } from '@piopiy-webhooks/bullmq'
import type { FromApp, FromWorker, ToChild } from './bullmq/protocol.js'

const CDRS = Number(process.env['RELIABILITY_BULLMQ_CDRS'] ?? 200)
const COPIES = 4
const CONCURRENCY = 32
const SEED = Number(process.env['PIOPIY_TEST_SEED'] ?? 0xb011)
const QUEUE = 'piopiy-reliability'
/** Every 10th CDR's first attempt fails in the worker. */
const failsFirst = (n: number): boolean => n % 10 === 3
/** App 0 is killed right after its 200 number KILL_APP_AFTER; worker 0 on its run number KILL_WORKER_AT (never answered). */
const KILL_APP_AFTER = Math.max(20, Math.floor(CDRS * COPIES / 8))
const KILL_WORKER_AT = Math.max(20, Math.floor(CDRS / 4))

const { post, destroy } = keepAlivePoster(CONCURRENCY)
t.teardown(destroy)

t.setTimeout(Math.max(240_000, CDRS * 200))

/** Forks one child with the parent's loader and waits for its 'ready'. */
async function start<M extends { type: string }> (t: { teardown: (fn: () => void) => void }, file: string, env: Record<string, string>, onMessage: (m: M, child: ChildProcess) => void): Promise<{ child: ChildProcess, ready: M }> {
  const child = fork(fileURLToPath(new URL(`./bullmq/${file}`, import.meta.url)), [], {
    execArgv: process.execArgv, env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc']
  })
  t.teardown(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL') })
  const ready = await new Promise<M>((resolve, reject) => {
    child.once('exit', code => { reject(new Error(`${file} exited with ${String(code)} before it was ready`)) })
    child.on('message', (m: M) => { if (m.type === 'ready') resolve(m); else onMessage(m, child) })
  })
  return { child, ready }
}

t.test(`2 apps + 2 workers on one Redis, ${CDRS} CDRs × ${COPIES} copies, an app and a worker killed: every CDR exactly one completed job`, async t => {
  const redis = await startRedis()
  t.teardown(redis.stop)
  const env = { REDIS_PORT: String(redis.port), QUEUE }
  const nOfJob = new Map(Array.from({ length: CDRS }, (_, n) => [jobIdOf(cdrKey(n)), n]))

  const runs = new Map<string, number>() // callback runs per job id, the killed ones included
  const workerErrors: string[] = []
  const twice: string[] = []
  const inFlight = new Set<string>() // runs of worker 0 not answered yet
  let killedMidJob: string[] = []
  const sendErrors: string[] = [] // verdicts that could not reach a worker that was not killed
  const workers = await Promise.all([0, 1].map(async w => await start<FromWorker>(t, 'worker.ts', env, (m, child) => {
    if (m.type === 'error') workerErrors.push(m.code)
    else if (m.type === 'twice') twice.push(m.jobId)
    else if (m.type === 'start') {
      runs.set(m.jobId, (runs.get(m.jobId) ?? 0) + 1)
      if (w === 0 && m.id === KILL_WORKER_AT) {
        // killed mid-job: this run (and any other in flight in worker 0) never finishes
        killedMidJob = [...inFlight, m.jobId]
        child.kill('SIGKILL')
        return
      }
      if (child.killed) return
      if (w === 0) inFlight.add(m.jobId)
      // answered on the next turn, so that several runs are in flight at once
      setImmediate(() => {
        inFlight.delete(m.jobId)
        // worker 0 may have been killed since this run started (its IPC channel is still open
        // until the process is gone, and a write to it fails with EPIPE): its verdict has no taker
        if (child.killed) return
        child.send({ type: 'verdict', id: m.id, fail: m.attempt === 1 && failsFirst(nOfJob.get(m.jobId) as number) } satisfies ToChild, error => {
          if (error !== null) sendErrors.push(`worker ${w}: ${error.message}`)
        })
      })
    }
  })))

  const appErrors: string[] = []
  let answeredByApp0 = 0
  const apps = await Promise.all([0, 1].map(async a => await start<FromApp>(t, 'app.ts', env, (m, child) => {
    if (m.type === 'error') appErrors.push(m.code)
    else if (a === 0 && ++answeredByApp0 === KILL_APP_AFTER) child.kill('SIGKILL') // right after a 200
  })))
  const ports = apps.map(({ ready }) => (ready as { port: number }).port)

  const started = performance.now()
  const report = await runPlatform({
    cdrs: CDRS, copies: COPIES, concurrency: CONCURRENCY, seed: SEED, burst: 0.25,
    // a load balancer: a random app among those alive (posts in flight to the killed one fail, status 0, and are retried)
    send: async (d, pick) => {
      const alive = ports.filter((_, a) => apps[a]?.child.signalCode === null)
      return await post(alive[Math.floor(pick * alive.length)] as number, cdrBody(d.n))
    }
  })
  const queue = new Queue(QUEUE, { connection: { host: '127.0.0.1', port: redis.port } })
  t.teardown(async () => { await queue.close() })
  const client = new Redis(redis.port, '127.0.0.1')
  t.teardown(() => { client.disconnect() })
  const settled = await until(async () => await queue.getCompletedCount() === CDRS, { tries: 6000, everyMs: 20 })
  const seconds = (performance.now() - started) / 1000

  t.same(report.unacknowledged, [], 'every delivery acknowledged with 200 in the end')
  t.equal(report.statuses[200], CDRS * COPIES, 'one 200 per delivery')
  t.same(Object.keys(report.statuses).filter(s => !['0', '200'].includes(s)), [], 'no answer but 200 (0: a post to the killed app, retried elsewhere)')
  t.ok(answeredByApp0 >= KILL_APP_AFTER && apps[0]?.child.signalCode === 'SIGKILL', `app 0 was killed right after its 200 number ${KILL_APP_AFTER}`)
  t.ok(workers[0]?.child.signalCode === 'SIGKILL', 'worker 0 was killed mid-job')
  t.ok(settled, 'every CDR has a completed job')
  const counts = await queue.getJobCounts('completed', 'failed', 'waiting', 'active', 'delayed', 'prioritized', 'waiting-children')
  t.same(counts, { completed: CDRS, failed: 0, waiting: 0, active: 0, delayed: 0, prioritized: 0, 'waiting-children': 0 }, 'exactly one job per CDR, all completed')
  const completedIds = (await queue.getCompleted(0, CDRS)).map(j => j.id as string)
  t.same(completedIds.map(id => nOfJob.get(id)).filter(n => n === undefined), [], 'every completed job is one of the CDRs')
  t.equal(new Set(completedIds).size, CDRS, 'no CDR completed twice')
  t.equal(await client.scard(`${QUEUE}:completed`), CDRS, 'the idempotent write: one member per CDR')
  // a run whose lock expired (a worker too busy to renew it) is run again elsewhere: at least once; the idempotent write absorbs it
  t.same(twice.filter(id => (runs.get(id) as number) < 2), [], `runs that found their job already written (${twice.length}) are all re-runs`)
  const planned = Array.from({ length: CDRS }, (_, n) => n).filter(failsFirst)
  t.ok(killedMidJob.length > 0, `${killedMidJob.length} runs were cut by the kill of worker 0`)
  t.same(killedMidJob.filter(id => !completedIds.includes(id) || (runs.get(id) as number) < 2), [], 'each job cut by the kill ran again (at least once) and completed')
  const rerun = [...runs].filter(([, count]) => count > 1).length
  t.ok(rerun >= planned.length, `${rerun} jobs ran more than once (planned failures, and the runs cut by the kill)`)
  t.ok(workerErrors.length >= planned.length - killedMidJob.length && workerErrors.length <= planned.length, `${workerErrors.length} failed runs told to onError (${planned.length} planned, less any cut by the kill)`)
  t.same(workerErrors.filter(code => code !== 'CALLBACK_FAILED'), [], 'all CALLBACK_FAILED')
  t.same(appErrors, [], 'no store failure in the apps')
  t.same(sendErrors, [], 'every verdict reached its worker')
  const stats = {
    cdrs: CDRS, deliveries: report.deliveries, posts: report.posts, statuses: report.statuses, plannedFailures: planned.length,
    runs: [...runs.values()].reduce((a, b) => a + b, 0), rerun, workerErrors: workerErrors.length, killedAppAfter200s: KILL_APP_AFTER,
    runsCutByWorkerKill: killedMidJob.length, rerunsAfterLockExpiry: twice.length, completedJobs: counts['completed'], seconds: Number(seconds.toFixed(1))
  }
  t.comment(JSON.stringify(stats))

  const stopping = performance.now()
  await Promise.all([...apps, ...workers].filter(({ child }) => child.exitCode === null && child.signalCode === null).map(async ({ child }) => {
    const exited = new Promise(resolve => child.once('exit', resolve))
    child.send({ type: 'shutdown' } satisfies ToChild)
    await exited
  }))
  t.comment(`shutdown ${((performance.now() - stopping) / 1000).toFixed(1)} s`)
})
