import t from 'tap'
import { createReceiver, PiopiyWebhookError, type ReceiverOptions, type Receiver } from '@piopiy-webhooks/core'
import { createClient } from 'redis'
import { RedisIdempotencyStore } from '../src/index.js'
import { cdrBody, cdrKey, deliver, gate } from './helpers/cdr.js'
import { startRedis } from './helpers/redis-server.js'
import { until } from './helpers/until.js'
import { silentLogger } from '@piopiy-webhooks/core'

const redis = await startRedis({ persistent: true })
t.teardown(redis.stop)
const inspect = createClient({ url: redis.url })
inspect.on('error', () => {}) // one test restarts the server
await inspect.connect()
t.teardown(async () => { inspect.destroy() })

let next = 0
/** A CDR no other test uses. */
const fresh = (): number => ++next

interface Instance { receiver: Receiver, store: RedisIdempotencyStore, fired: string[], errors: Error[] }

/** One "app instance": its own store (and connection) on the shared Redis, its own receiver. */
function instance (t: { teardown: (fn: () => unknown) => void }, options: ReceiverOptions = {}, url = redis.url): Instance {
  const store = new RedisIdempotencyStore({ url })
  t.teardown(async () => { await store.close() })
  const fired: string[] = []
  const errors: Error[] = []
  const receiver = createReceiver({
    idempotency: store,
    logger: silentLogger,
    onInboundAnswered: (cdr, ctx) => { fired.push(ctx.key) },
    onError: err => { errors.push(err) },
    ...options
  })
  return { receiver, store, fired, errors }
}

t.test('a copy that reaches another instance after processing answers 200 and fires nothing', async t => {
  const a = instance(t)
  const b = instance(t)
  const n = fresh()
  const first = await deliver(a.receiver, cdrBody(n))
  t.equal(first.status, 200)
  const copy = await deliver(b.receiver, cdrBody(n))
  t.equal(copy.status, 200)
  t.match(JSON.parse(copy.body), { duplicate: true })
  t.same(a.fired, [cdrKey(n)])
  t.same(b.fired, [])
})

t.test('a copy that finds the claim in flight on another instance answers 503; the retry after it answers 200, fired once', async t => {
  const slow = gate()
  const started = gate()
  const a = instance(t, { onInboundAnswered: async (cdr, ctx) => { a.fired.push(ctx.key); started.open(); await slow.promise } })
  const b = instance(t)
  const n = fresh()
  const first = deliver(a.receiver, cdrBody(n))
  await started.promise
  const copy = await deliver(b.receiver, cdrBody(n))
  t.equal(copy.status, 503, 'in flight elsewhere: the platform retries later')
  t.equal(copy.headers['retry-after'], '300')
  t.same(b.fired, [])
  t.same(b.errors, [], 'not an error: just not yet')
  slow.open()
  t.equal((await first).status, 200)
  const retry = await deliver(b.receiver, cdrBody(n))
  t.equal(retry.status, 200)
  t.match(JSON.parse(retry.body), { duplicate: true })
  t.same(a.fired, [cdrKey(n)])
  t.same(b.fired, [])
})

t.test('copies at the same instance while the first is in flight wait for it and answer the same', async t => {
  const slow = gate()
  const a = instance(t, { onInboundAnswered: async (cdr, ctx) => { a.fired.push(ctx.key); await slow.promise } })
  const n = fresh()
  const copies = [deliver(a.receiver, cdrBody(n)), deliver(a.receiver, cdrBody(n)), deliver(a.receiver, cdrBody(n))]
  t.ok(await until(() => a.fired.length > 0), 'the first copy is running')
  slow.open()
  t.same((await Promise.all(copies)).map(r => r.status), [200, 200, 200])
  t.same(a.fired, [cdrKey(n)])
})

t.test('a callback that throws answers 500 and releases the claim: the retry on another instance fires, then it is done', async t => {
  const a = instance(t, { onInboundAnswered: (cdr, ctx) => { a.fired.push(ctx.key); throw new Error('database down') } })
  const b = instance(t)
  const n = fresh()
  t.equal((await deliver(a.receiver, cdrBody(n))).status, 500)
  t.match(a.errors, [{ code: 'CALLBACK_FAILED' }])
  t.equal(await inspect.exists(`piopiy:${cdrKey(n)}`), 0, 'the claim was given back')
  t.equal((await deliver(b.receiver, cdrBody(n))).status, 200)
  t.equal((await deliver(a.receiver, cdrBody(n))).status, 200)
  t.same(a.fired, [cdrKey(n)], 'fired once, and failed')
  t.same(b.fired, [cdrKey(n)], 'fired once, and succeeded')
  t.equal(await inspect.get(`piopiy:${cdrKey(n)}`), 'done')
})

t.test('a callback over handlerTimeoutMs keeps its claim: other instances answer 503 until it settles, then 200', async t => {
  const slow = gate()
  const a = instance(t, { handlerTimeoutMs: 20, onInboundAnswered: async (cdr, ctx) => { a.fired.push(ctx.key); await slow.promise } })
  const b = instance(t)
  const n = fresh()
  t.equal((await deliver(a.receiver, cdrBody(n))).status, 503, 'the slow callback times out')
  t.match(a.errors, [{ code: 'CALLBACK_TIMEOUT' }])
  t.equal((await deliver(b.receiver, cdrBody(n))).status, 503, 'still running on a: not run again on b')
  slow.open()
  t.ok(await until(async () => await inspect.get(`piopiy:${cdrKey(n)}`) === 'done'), 'completed once the callback settled')
  t.equal((await deliver(b.receiver, cdrBody(n))).status, 200)
  t.same(a.fired, [cdrKey(n)])
  t.same(b.fired, [])
})

t.test('Redis unreachable: 503 and onError(STORE_FAILED), the callback does not run, the process keeps serving', async t => {
  const down = instance(t, {}, 'redis://127.0.0.1:1')
  const n = fresh()
  for (let i = 0; i < 3; i++) {
    const answer = await deliver(down.receiver, cdrBody(n))
    t.equal(answer.status, 503)
    t.notMatch(answer.body, /ECONNREFUSED|offline|redis/i, 'no internal detail leaks')
  }
  t.same(down.fired, [], 'never 200 without processing, never processing without a claim')
  t.equal(down.errors.length, 3)
  t.ok(down.errors.every(err => err instanceof PiopiyWebhookError && err.code === 'STORE_FAILED' && err.cause instanceof Error))
})

t.test('Redis dies while a callback runs: 200 (it ran), onError for the complete, which is replayed when Redis is back', async t => {
  const a = instance(t, { onInboundAnswered: async (cdr, ctx) => { a.fired.push(ctx.key); await redis.kill() } })
  const b = instance(t)
  const n = fresh()
  const answer = await deliver(a.receiver, cdrBody(n))
  t.equal(answer.status, 200, 'the callback succeeded: the notification is processed')
  t.match(a.errors, [{ code: 'STORE_FAILED', message: /complete/ }])
  t.equal((await deliver(b.receiver, cdrBody(n))).status, 503, 'Redis down: a copy elsewhere cannot tell, so it asks for a retry')
  await redis.restart()
  t.ok(await until(() => a.store.unsettled === 0), 'a reconnected and replayed')
  t.equal(await inspect.get(`piopiy:${cdrKey(n)}`), 'done', 'the complete was replayed by a on reconnect')
  // b reconnects on its own schedule; until then it answers 503 and the platform retries later
  let retry = await deliver(b.receiver, cdrBody(n))
  t.ok(await until(async () => (retry = await deliver(b.receiver, cdrBody(n))).status !== 503, { everyMs: 20 }))
  t.equal(retry.status, 200)
  t.match(JSON.parse(retry.body), { duplicate: true })
  t.same(a.fired, [cdrKey(n)])
  t.same(b.fired, [], 'the copy did not run the callback a second time')
})
