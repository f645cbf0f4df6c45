/**
 * enqueueTo over the real core receiver and a real BullMQ queue on a real redis-server: one job per
 * notification, 200 only once it is stored, 503 when Redis cannot store it.
 */
import t from 'tap'
import { PiopiyWebhookError } from '@piopiy-webhooks/core'
import { enqueueTo, jobIdOf, type QueueLike } from '../src/index.js'
import { cdr, clientOn, post, queueOn, receiverFor, redisFor, silent, until } from './helpers.js'

const key = (cmiuuid: string): string => `cdr:2222222:inbound:answered:a:${cmiuuid}`

t.test('a valid notification becomes one job, named after its kind, carrying the raw payload and its key; 200 once stored', async t => {
  const redis = await redisFor(t)
  const queue = queueOn(t, redis)
  const answer = await post(receiverFor(queue), cdr('u-1'))
  t.equal(answer.status, 200)
  t.same(JSON.parse(answer.body), { ok: true })
  const jobs = await queue.getJobs(['waiting'])
  t.equal(jobs.length, 1, 'stored before the answer')
  const job = jobs[0]!
  t.equal(job.id, jobIdOf(key('u-1')))
  t.equal(job.id, 'cdr%3A2222222%3Ainbound%3Aanswered%3Aa%3Au-1')
  t.equal(job.name, 'cdr')
  t.strictSame(job.data.raw, cdr('u-1'), 'the payload as received')
  t.equal(job.data.key, key('u-1'))
  t.equal(job.data.ip, '127.0.0.1')
  t.ok(Math.abs(Date.parse(job.data.receivedAt) - Date.now()) < 3_600_000, 'receivedAt is an ISO date of this run')
  t.match(job.opts, { attempts: 5, backoff: { type: 'exponential', delay: 2000 }, removeOnComplete: { count: 1000 }, removeOnFail: false })
  t.same(job.opts.deduplication, { id: job.id, ttl: 3_600_000 })
})

t.test('the options set attempts, backoff, retention and the dedupe TTL of every job', async t => {
  const redis = await redisFor(t)
  const queue = queueOn(t, redis)
  const receiver = receiverFor(queue, { attempts: 2, backoff: 10, dedupeTtlMs: 5000, removeOnComplete: true, removeOnFail: { count: 5 } })
  t.equal((await post(receiver, cdr('u-2'))).status, 200)
  const [job] = await queue.getJobs(['waiting'])
  t.match(job?.opts, { attempts: 2, backoff: { type: 'fixed', delay: 10 }, removeOnComplete: true, removeOnFail: { count: 5 } })
  t.same(job?.opts.deduplication, { id: job?.id, ttl: 5000 })
})

t.test('copies, concurrent and sequential, through two receivers on two connections (two app instances): one job', async t => {
  const redis = await redisFor(t)
  const one = queueOn(t, redis)
  const two = queueOn(t, redis, { name: one.name })
  const [a, b] = [receiverFor(one), receiverFor(two)]
  for (let n = 0; n < 20; n++) {
    const answers = await Promise.all([post(a, cdr(`c-${n}`)), post(b, cdr(`c-${n}`)), post(a, cdr(`c-${n}`)), post(b, cdr(`c-${n}`))])
    t.same(answers.map(r => r.status), [200, 200, 200, 200])
  }
  t.same([(await post(a, cdr('c-0'))).status, (await post(b, cdr('c-0'))).status], [200, 200])
  t.equal(await one.count(), 20, 'one job per CDR')
})

t.test('a copy after the job completed and was removed adds nothing while the dedupe TTL runs; after it, a new job', async t => {
  const redis = await redisFor(t)
  const queue = queueOn(t, redis)
  const receiver = receiverFor(queue, { removeOnComplete: true })
  t.equal((await post(receiver, cdr('r-1'))).status, 200)
  const [job] = await queue.getJobs(['waiting'])
  // complete it the way a worker does, and let removeOnComplete remove it
  const { Worker } = await import('bullmq')
  const worker = new Worker(queue.name, async () => {}, { connection: { host: '127.0.0.1', port: redis.port } })
  t.teardown(async () => { await worker.close() })
  t.ok(await until(async () => (await queue.getJob(job!.id!)) === undefined), 'the completed job was removed')
  await worker.close()
  t.equal((await post(receiver, cdr('r-1'))).status, 200)
  t.equal(await queue.getJobCountByTypes('waiting', 'active', 'completed'), 0, 'the copy made no second job')
  const client = clientOn(t, redis)
  const dedupeKey = `bull:${queue.name}:de:${job!.id!}`
  const ttl = await client.pttl(dedupeKey)
  t.ok(ttl > 3_500_000 && ttl <= 3_600_000, `BullMQ's deduplication key holds the id for dedupeTtlMs (${ttl} ms left)`)
  // an hour later (Redis's clock, not ours: the key is made to expire now)
  await client.pexpire(dedupeKey, 1)
  t.ok(await until(async () => await client.exists(dedupeKey) === 0), 'the dedupe key expired')
  t.equal((await post(receiver, cdr('r-1'))).status, 200)
  t.equal(await queue.count(), 1, 'past the TTL, a copy is a new job (keep dedupeTtlMs above the 30 min of retries)')
})

t.test('keys that differ only by ":" against "%3A" make two jobs: the id mapping is injective', async t => {
  const redis = await redisFor(t)
  const queue = queueOn(t, redis)
  const receiver = receiverFor(queue)
  for (const cmiuuid of ['x:y', 'x%3Ay', 'x%253Ay', 'x%y']) t.equal((await post(receiver, cdr(cmiuuid))).status, 200, cmiuuid)
  const jobs = await queue.getJobs(['waiting'])
  t.same(jobs.map(j => j.data.raw['cmiuuid']).sort(), ['x%253Ay', 'x%3Ay', 'x%y', 'x:y'])
  t.same(jobs.map(j => j.id).sort(), jobs.map(j => jobIdOf(j.data.key)).sort())
})

t.test('an invalid body answers 400 and makes no job; every valid kind makes one', async t => {
  const redis = await redisFor(t)
  const queue = queueOn(t, redis)
  const receiver = receiverFor(queue)
  t.equal((await post(receiver, '{"cmiuuid": ')).status, 400)
  t.equal((await post(receiver, { cmiuuid: 'u', duration: 'long', status: 'answered', direction: 'inbound' })).status, 400)
  t.equal(await queue.count(), 0)
  t.equal((await post(receiver, { cmiuuid: 'ev-1', appid: 2222222, status: 'hangup', direction: 'inbound', leg: 'a', from: 1, to: 2, time: 1632318511000 })).status, 200)
  t.equal((await post(receiver, { cmiuuid: 'unk-1', what: 'something new' })).status, 200)
  t.same((await queue.getJobs(['waiting'])).map(j => j.name).sort(), ['event', 'unknown'])
})

t.test('Redis down: 503 with Retry-After and onError STORE_FAILED, nothing answered 200; back up: 200 and the job', async t => {
  const redis = await redisFor(t)
  // fail fast while Redis is unreachable instead of queueing the command (recommended for producers)
  const queue = queueOn(t, redis, { connection: { enableOfflineQueue: false } })
  const errors: Error[] = []
  const receiver = receiverFor(queue, {}, { onError: err => { errors.push(err) } })
  t.equal((await post(receiver, cdr('d-0'))).status, 200, 'connected')
  await redis.kill()
  const answer = await post(receiver, cdr('d-1'))
  t.equal(answer.status, 503)
  t.equal(answer.headers['retry-after'], '300')
  t.equal(errors.length, 1)
  t.ok(errors[0] instanceof PiopiyWebhookError)
  t.match(errors[0], { code: 'STORE_FAILED', statusCode: 503, message: /enqueueTo: the queue did not store cdr:2222222:inbound:answered:a:d-1/ })
  t.ok((errors[0] as Error).cause instanceof Error, 'the queue\'s error is the cause')
  await redis.restart()
  t.ok(await until(async () => (await post(receiver, cdr('d-1'))).status === 200, { tries: 400, everyMs: 50 }), 'the platform\'s retry is stored')
  t.same((await queue.getJobs(['waiting'])).map(j => j.data.raw['cmiuuid']), ['d-1'], 'the only job after the restart (no persistence: d-0 went with the old server)')
})

t.test('bad options fail at start-up with INVALID_OPTIONS', async t => {
  const queue: QueueLike = { add: async () => {} }
  for (const [options, message] of [
    [{ attempts: 0 }, /attempts must be a positive integer/],
    [{ attempts: 1.5 }, /attempts must be a positive integer/],
    [{ dedupeTtlMs: -1 }, /dedupeTtlMs must be a positive integer/],
    [null, /options must be an object/]
  ] as const) {
    t.throws(() => enqueueTo(queue, options as never), { name: 'PiopiyWebhookError', code: 'INVALID_OPTIONS', message })
  }
  t.throws(() => enqueueTo({} as QueueLike), { code: 'INVALID_OPTIONS', message: /queue must be a BullMQ Queue/ })
  t.throws(() => enqueueTo(null as never), { code: 'INVALID_OPTIONS', message: /queue must be a BullMQ Queue/ })
  t.match(enqueueTo(queue), { idempotency: false }, 'the queue is the dedupe: the receiver keeps no store of its own')
  t.ok(silent)
})
