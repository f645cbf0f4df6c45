// examples/bullmq, as users run it, on a real redis-server the test starts: its app and worker
// in-process, and its server.ts started the way `npm run example:bullmq` does.
import { inboundAnsweredCdr, inboundMissedCdr, send } from '@piopiy-webhooks/testing'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { createApp, createQueue, createWorker, redisUrlFrom } from '../examples/bullmq/app.js'
import { startRedis } from '../packages/redis/test/helpers/redis-server.js'
import { until } from '../packages/redis/test/helpers/until.js'
import { runNode } from '../packages/testing/test/helpers.js'

t.test('examples/bullmq: an answered CDR sent 4 times is saved once by the worker, a missed one once, a broken body is rejected', async t => {
  const redis = await startRedis()
  t.teardown(redis.stop)
  const lines: string[] = []
  const log = (line: string): void => { lines.push(line) }
  const queue = createQueue({ url: redis.url })
  t.teardown(async () => { await queue.close() })
  const app = await createApp(queue, log)
  t.teardown(async () => { await app.close() })
  const hook = `${await app.listen({ port: 0, host: '127.0.0.1' })}/webhook/cdr`
  const answered = inboundAnsweredCdr({ from: 919900000001, to: 914400000001, duration: 42, time: 1700000000000 })
  t.same((await send(hook, answered, { times: 4 })).map(d => d.status), [200, 200, 200, 200])
  t.same((await send(hook, inboundMissedCdr({ from: '09900000002', to: 914400000009, time: 1700000000000 }))).map(d => d.status), [200])
  t.same((await send(hook, '{"cmiuuid": ')).map(d => d.status), [400])
  t.equal(await queue.count(), 2, 'two jobs waiting: the answered CDR once, the missed one')
  const worker = createWorker({ url: redis.url }, log)
  t.teardown(async () => { await worker.close() })
  t.ok(await until(async () => await queue.getCompletedCount() === 2), 'the worker ran both')
  const jobId = `cdr%3A${answered.appid}%3Ainbound%3Aanswered%3Aa%3A${answered.cmiuuid}`
  t.same(lines.sort(), [
    'missed: 09900000002 called 914400000009 at 2023-11-14T22:13:20.000Z',
    'rejected with 400: body: is not valid JSON (Unexpected end of JSON input)',
    `saved answered: 919900000001 → 914400000001, 42 s, at 2023-11-14T22:13:20.000Z (job ${jobId})`
  ])
})

t.test('examples/bullmq: a job that holds no valid notification fails at once and the worker logs it', async t => {
  const redis = await startRedis()
  t.teardown(redis.stop)
  const lines: string[] = []
  const queue = createQueue({ url: redis.url })
  t.teardown(async () => { await queue.close() })
  await queue.add('broken', { raw: { nope: 1 }, key: 'broken', receivedAt: new Date(0).toISOString() }, { jobId: 'broken' })
  const worker = createWorker({ url: redis.url }, line => { lines.push(line) })
  t.teardown(async () => { await worker.close() })
  t.ok(await until(async () => await queue.getFailedCount() === 1), 'the job failed')
  t.match(lines, [/^job broken failed \(attempt 1\): job broken holds no valid notification/])
  // a job run again (here: removed, then added under the same id) is written once: the write is keyed by job.id
  const data = { raw: inboundAnsweredCdr(), key: 'again', receivedAt: new Date(0).toISOString() }
  await queue.add('again', data, { jobId: 'again' })
  t.ok(await until(async () => await queue.getCompletedCount() === 1), 'the first run completed')
  await (await queue.getJob('again'))?.remove()
  await queue.add('again', data, { jobId: 'again' })
  t.ok(await until(async () => await queue.getCompletedCount() === 1 && (await queue.getJob('again'))?.finishedOn !== undefined), 'the second run completed')
  t.equal(lines.filter(line => line.startsWith('saved answered')).length, 1, 'saved once')
})

t.test('examples/bullmq: REDIS_URL names the Redis, else a local one', async t => {
  t.equal(redisUrlFrom({ REDIS_URL: 'redis://cache:6380' }), 'redis://cache:6380')
  t.equal(redisUrlFrom({}), 'redis://127.0.0.1:6379')
})

t.test('examples/bullmq/server.ts: listens, requires PIOPIY_TOKEN when set, the worker saves, and it stops on SIGTERM', async t => {
  const redis = await startRedis()
  t.teardown(redis.stop)
  const server = runNode(fileURLToPath(new URL('../examples/bullmq/server.ts', import.meta.url)), [], { PORT: '0', PIOPIY_TOKEN: 'example-secret', REDIS_URL: redis.url })
  const [, url] = await server.waitFor(/PIOPIY webhooks on (\S+)\n/) as [string, string]
  t.same((await send(url, inboundAnsweredCdr())).map(d => d.status), [401], 'no token: 401')
  t.same((await send(`${url}?token=example-secret`, inboundAnsweredCdr())).map(d => d.status), [200], 'with the token: 200')
  await server.waitFor(/saved answered: /)
  server.process.kill('SIGTERM')
  t.equal(await server.exit, 0, 'exits cleanly')
})
