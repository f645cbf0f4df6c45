import t from 'tap'
import { createServer } from 'node:net'
import { ClientOfflineError, createClient, TimeoutError } from 'redis'
import { RedisIdempotencyStore } from '../src/index.js'
import { ping, startRedis } from './helpers/redis-server.js'
import { until } from './helpers/until.js'

/** The error a promise rejects with (undefined if it resolves). */
const failure = async (promise: Promise<unknown>): Promise<unknown> => await promise.then(() => undefined, (err: unknown) => err)

/** A port nothing listens on (taken from the OS, then freed). */
const deadPort = async (): Promise<number> => await new Promise(resolve => {
  const server = createServer().listen(0, '127.0.0.1', () => {
    const { port } = server.address() as { port: number }
    server.close(() => { resolve(port) })
  })
})

t.test('no Redis at the URL: every method rejects, the process keeps running', async t => {
  const store = new RedisIdempotencyStore({ url: `redis://127.0.0.1:${await deadPort()}` })
  await t.rejects(store.claim('cdr:1', 60_000, 'o:1'), { message: /ECONNREFUSED/ }, 'the first connection attempt fails')
  t.ok(await failure(store.claim('cdr:1', 60_000, 'o:1')) instanceof ClientOfflineError, 'then claims fail at once while node-redis retries')
  t.equal(store.unsettled, 0, 'a claim that was never sent leaves nothing to replay')
  t.ok(await failure(store.complete('cdr:1', 'o:1')) instanceof ClientOfflineError)
  t.equal(store.unsettled, 1, 'a complete that failed is replayed later')
  t.ok(await failure(store.release('cdr:1', 'o:1')) instanceof ClientOfflineError, 'a release fails the same way')
  t.equal(store.unsettled, 2, 'and is replayed later too')
  await store.close()
  t.pass('close() while reconnecting does not wait for Redis')
})

t.test('Redis killed while connected ({ url }): claims fail with an error; a failed complete is replayed after the restart', async t => {
  const redis = await startRedis({ persistent: true })
  t.teardown(redis.stop)
  const store = new RedisIdempotencyStore({ url: redis.url })
  t.teardown(async () => { await store.close() })
  t.equal(await store.claim('cdr:2', 60_000, 'o:1'), 'claimed')
  await redis.kill()
  await t.rejects(store.claim('cdr:3', 60_000, 'o:1'), 'a claim while Redis is down rejects')
  await t.rejects(store.complete('cdr:2', 'o:1'), 'the complete of a callback that ran rejects')
  const kept = store.unsettled
  t.ok(kept >= 1, 'the complete (and the claim, if it was sent before the client saw the socket close) is kept for later')
  await t.rejects(store.claim('cdr:3', 60_000, 'o:1'), 'still down: the replay waits, and the claim rejects')
  t.equal(store.unsettled, kept, 'nothing is replayed or added while the client knows it is offline')
  await redis.restart()
  const inspect = createClient({ url: redis.url })
  await inspect.connect()
  t.teardown(async () => { await inspect.close() })
  t.ok(await until(async () => store.unsettled === 0), 'replayed as soon as the store reconnected, with no new traffic')
  t.equal(await inspect.get('piopiy:cdr:2'), 'done')
  t.equal(await store.claim('cdr:2', 60_000, 'o:1'), 'done', 'a later copy does not run the callback again')
  t.equal(await store.claim('cdr:3', 60_000, 'o:1'), 'claimed', 'and new notifications are claimed again')
})

t.test('your client with its offline queue: commandTimeoutMs turns a wait into an error; unknown outcomes are replayed', async t => {
  const redis = await startRedis({ persistent: true })
  t.teardown(redis.stop)
  const client = createClient({ url: redis.url })
  const errors: Error[] = []
  client.on('error', (err: Error) => { errors.push(err) }) // yours to handle: node-redis needs a listener
  await client.connect()
  t.teardown(async () => { client.destroy() })
  const store = new RedisIdempotencyStore({ client, commandTimeoutMs: 100 })
  t.equal(await store.claim('cdr:a', 60_000, 'o:1'), 'claimed')
  t.equal(await store.claim('cdr:d', 60_000, 'o:1'), 'claimed')
  await redis.kill()
  t.ok(await failure(store.claim('cdr:b', 60_000, 'o:1')) instanceof TimeoutError, 'queued by node-redis, then timed out')
  t.ok(await failure(store.release('cdr:a', 'o:1')) instanceof TimeoutError)
  t.ok(await failure(store.release('cdr:d', 'o:1')) instanceof TimeoutError)
  t.equal(store.unsettled, 3, 'the claim (it may still reach Redis) and the releases are kept to replay')
  await redis.restart()
  t.ok(await until(async () => client.isReady && await ping(redis.port)), 'your client reconnected')
  await client.del('piopiy:cdr:d')
  await client.rPush('piopiy:cdr:d', 'changed type') // a key Redis will refuse to compare
  const [c1, c2] = await Promise.all([store.claim('cdr:c1', 60_000, 'o:1'), store.claim('cdr:c2', 60_000, 'o:1')])
  t.same([c1, c2], ['claimed', 'claimed'], 'the next claims replay first, then proceed')
  t.equal(store.unsettled, 0, 'replayed, or dropped when Redis refuses it for good (WRONGTYPE)')
  t.equal(await client.exists('piopiy:cdr:a'), 0, 'the claim of a is released')
  t.equal(await client.exists('piopiy:cdr:b'), 0, 'the orphan claim of b (if it ever landed) is released')
  t.equal(await store.claim('cdr:a', 60_000, 'o:1'), 'claimed')
  t.ok(errors.length > 0, 'your client saw the outage through its own error listener')
})

t.test('WRONGTYPE and other Redis error replies reject and leave nothing to replay', async t => {
  const redis = await startRedis()
  t.teardown(redis.stop)
  const client = createClient({ url: redis.url })
  await client.connect()
  t.teardown(async () => { await client.close() })
  const store = new RedisIdempotencyStore({ client })
  await client.rPush('piopiy:cdr:list', 'x')
  await t.rejects(store.claim('cdr:list', 60_000, 'o:1'), { message: /WRONGTYPE/ })
  t.equal(store.unsettled, 0)
})
