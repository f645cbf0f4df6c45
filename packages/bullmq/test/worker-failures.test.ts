/**
 * A failing callback on a real worker: retried by BullMQ with the attempts and backoff given to
 * enqueueTo, then left in the failed set with its raw notification; onError told of every run.
 */
import t from 'tap'
import { PiopiyWebhookError } from '@piopiy-webhooks/core'
import { UnrecoverableError } from 'bullmq'
import { createPiopiyWorker } from '../src/index.js'
import { cdr, post, queueOn, receiverFor, recordingLogger, redisFor, until, workerOn } from './helpers.js'

t.test('a callback that keeps throwing: attempts runs with backoff, then the failed set, raw notification kept; onError each time', async t => {
  const redis = await redisFor(t)
  const queue = queueOn(t, redis)
  t.equal((await post(receiverFor(queue, { attempts: 3, backoff: { type: 'exponential', delay: 5 } }), cdr('f-1'))).status, 200)
  const errors: Array<[Error, string | undefined]> = []
  let runs = 0
  workerOn(t, redis, queue.name, {
    onInboundAnswered: async () => { runs++; throw new Error('CRM down') },
    onError: (err, job) => { errors.push([err, job.id]) }
  })
  t.ok(await until(async () => await queue.getFailedCount() === 1), 'in the failed set')
  t.equal(runs, 3)
  t.same(errors.map(([err]) => (err as PiopiyWebhookError).code), ['CALLBACK_FAILED', 'CALLBACK_FAILED', 'CALLBACK_FAILED'])
  t.same(errors.map(([err]) => /attempt (\d) of 3/.exec(err.message)?.[1]), ['1', '2', '3'], 'the attempt is in the message')
  t.match(errors[0]?.[0], { message: /onInboundAnswered threw on attempt 1 of 3 of job cdr%3A2222222/, cause: { message: 'CRM down' } })
  const [job] = await queue.getFailed()
  t.equal(job?.failedReason, 'CRM down', 'BullMQ keeps the callback\'s own error')
  t.equal(job?.attemptsMade, 3)
  t.strictSame(job?.data.raw, cdr('f-1'), 'the raw notification stays with the failed job')
  t.equal(errors[0]?.[1], job?.id)
  // retried by hand (after the CRM is back), it runs again
  runs = 0
  await job?.retry()
  t.ok(await until(() => runs === 1), 'a retried failed job runs again')
})

t.test('a callback that fails once is run again and completes; onNotification after it runs once', async t => {
  const redis = await redisFor(t)
  const queue = queueOn(t, redis)
  t.equal((await post(receiverFor(queue, { backoff: 1 }), cdr('f-2'))).status, 200)
  const runs: string[] = []
  const errors: Error[] = []
  workerOn(t, redis, queue.name, {
    onInboundAnswered: async (_cdr, job) => { runs.push(`specific ${job.attemptsMade}`); if (job.attemptsMade === 0) throw new Error('first attempt fails') },
    onNotification: (_n, job) => { runs.push(`all ${job.attemptsMade}`) },
    onError: err => { errors.push(err) }
  })
  t.ok(await until(async () => await queue.getCompletedCount() === 1), 'completed')
  t.same(runs, ['specific 0', 'specific 1', 'all 1'])
  t.equal(errors.length, 1)
})

t.test('a callback that throws UnrecoverableError fails the job at once, whatever attempts remain', async t => {
  const redis = await redisFor(t)
  const queue = queueOn(t, redis)
  t.equal((await post(receiverFor(queue, { attempts: 5, backoff: 1 }), cdr('f-3'))).status, 200)
  let runs = 0
  const errors: Error[] = []
  workerOn(t, redis, queue.name, {
    onInboundAnswered: () => { runs++; throw new UnrecoverableError('not retryable') },
    onError: err => { errors.push(err) }
  })
  t.ok(await until(async () => await queue.getFailedCount() === 1))
  t.equal(runs, 1)
  t.match(errors, [{ code: 'CALLBACK_FAILED', message: /attempt 1 of 5/ }])
  t.equal((await queue.getFailed())[0]?.failedReason, 'not retryable')
})

t.test('a job that holds no valid notification fails at once (UnrecoverableError) and onError is told', async t => {
  const redis = await redisFor(t)
  const queue = queueOn(t, redis)
  await queue.add('cdr', { raw: { cmiuuid: 'bad', duration: 'long', status: 'answered' }, key: 'k', receivedAt: new Date().toISOString() }, { attempts: 3 })
  const errors: Error[] = []
  let runs = 0
  workerOn(t, redis, queue.name, { onNotification: () => { runs++ }, onError: err => { errors.push(err) } })
  t.ok(await until(async () => await queue.getFailedCount() === 1))
  t.equal(runs, 0)
  t.equal(errors.length, 1)
  t.ok(errors[0] instanceof UnrecoverableError)
  t.match(errors[0]?.message, /holds no valid notification: .*duration/)
})

t.test('a job added by hand, without attempts (BullMQ runs it once): its failure says attempt 1 of 1', async t => {
  const redis = await redisFor(t)
  const queue = queueOn(t, redis)
  await queue.add('cdr', { raw: cdr('f-6'), key: 'cdr:2222222:inbound:answered:a:f-6', receivedAt: new Date().toISOString() })
  const errors: Error[] = []
  workerOn(t, redis, queue.name, { onInboundAnswered: () => { throw new Error('no') }, onError: err => { errors.push(err) } })
  t.ok(await until(async () => await queue.getFailedCount() === 1))
  t.match(errors, [{ message: /attempt 1 of 1 of job 1$/ }])
})

t.test('without onError, failures are logged at error; an onError that throws is logged too', async t => {
  const redis = await redisFor(t)
  const queue = queueOn(t, redis)
  const receiver = receiverFor(queue, { attempts: 1 })
  const logged = recordingLogger()
  workerOn(t, redis, queue.name, { logger: logged, onInboundAnswered: () => { throw new Error('boom') } })
  t.equal((await post(receiver, cdr('f-4'))).status, 200)
  t.ok(await until(async () => await queue.getFailedCount() === 1))
  t.match(logged.lines, [{ level: 'error', msg: 'piopiy-webhooks: job failed', obj: { err: { code: 'CALLBACK_FAILED' }, key: 'cdr:2222222:inbound:answered:a:f-4' } }])

  const other = queueOn(t, redis)
  const logged2 = recordingLogger()
  workerOn(t, redis, other.name, { logger: logged2, onInboundAnswered: () => { throw new Error('boom') }, onError: () => { throw new Error('onError broke') } })
  t.equal((await post(receiverFor(other, { attempts: 1 }), cdr('f-5'))).status, 200)
  t.ok(await until(async () => await other.getFailedCount() === 1))
  t.match(logged2.lines, [{ level: 'error', msg: 'piopiy-webhooks: onError threw', obj: { err: { message: 'onError broke' } } }])
})

t.test('connection errors of the worker go to the logger instead of crashing the process', async t => {
  const redis = await redisFor(t)
  const queue = queueOn(t, redis)
  const logged = recordingLogger()
  const worker = workerOn(t, redis, queue.name, { logger: logged, onNotification: () => {} })
  await worker.waitUntilReady()
  await redis.kill()
  t.ok(await until(() => logged.lines.some(line => line.msg === 'piopiy-webhooks: worker error')), 'logged')
  await redis.restart()
  let runs = 0
  worker.on('completed', () => { runs++ })
  await queue.add('unknown', { raw: { cmiuuid: 'after-restart' }, key: 'unknown:after-restart', receivedAt: new Date().toISOString() })
  t.ok(await until(() => runs === 1, { tries: 1000, everyMs: 50 }), 'the worker reconnected and runs jobs again')
})

t.test('bad options fail at once with INVALID_OPTIONS', async t => {
  const connection = { host: '127.0.0.1', port: 1 }
  const cases: Array<[string, unknown, RegExp]> = [
    ['', { connection, onNotification: () => {} }, /name must be the queue name/],
    ['q', null, /options must be an object/],
    ['q', { connection }, /give at least one callback/],
    ['q', { connection, onInboundAnswered: 'save' }, /onInboundAnswered must be a function/],
    ['q', { connection, onNotification: () => {}, onError: 1 }, /onError must be a function/]
  ]
  for (const [name, options, message] of cases) {
    t.throws(() => createPiopiyWorker(name, options as never), { name: 'PiopiyWebhookError', code: 'INVALID_OPTIONS', message })
  }
})
