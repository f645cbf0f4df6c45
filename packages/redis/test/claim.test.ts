import t from 'tap'
import { createClient } from 'redis'
import { RedisIdempotencyStore } from '../src/index.js'
import { startRedis } from './helpers/redis-server.js'
import { until } from './helpers/until.js'

const redis = await startRedis()
t.teardown(redis.stop)
const client = createClient({ url: redis.url })
await client.connect()
t.teardown(async () => { await client.close() })

/** Waits until Redis has expired `key` (its lease): a poll on the real server, not a sleep of a guessed length. */
const expired = async (key: string): Promise<boolean> => await until(async () => await client.exists(key) === 0, { everyMs: 1 })

t.test('claim → complete: the first claim wins, later claims see done', async t => {
  const store = new RedisIdempotencyStore({ client })
  t.equal(await store.claim('cdr:1', 60_000), 'claimed')
  t.equal(await store.claim('cdr:1', 60_000), 'in-flight', 'held by the first claim')
  await store.complete('cdr:1')
  t.equal(await store.claim('cdr:1', 60_000), 'done')
  t.equal(await client.get('piopiy:cdr:1'), 'done')
  const pttl = await client.pTTL('piopiy:cdr:1')
  t.ok(pttl > 3_500_000 && pttl <= 3_600_000, `done is kept for the default ttlMs of 1 h (pttl ${pttl})`)
})

t.test('claim → release: the key is free again, so the next copy is processed', async t => {
  const store = new RedisIdempotencyStore({ client })
  t.equal(await store.claim('cdr:2', 60_000), 'claimed')
  const held = await client.get('piopiy:cdr:2')
  t.match(held, /^[\w-]+:\d+$/, 'the key holds this claim\'s token')
  const pttl = await client.pTTL('piopiy:cdr:2')
  t.ok(pttl > 50_000 && pttl <= 60_000, `the claim is a lease of the ttlMs passed to claim (pttl ${pttl})`)
  await store.release('cdr:2')
  t.equal(await client.exists('piopiy:cdr:2'), 0)
  t.equal(await store.claim('cdr:2', 60_000), 'claimed')
  t.not(await client.get('piopiy:cdr:2'), held, 'every claim has its own token')
})

t.test('release of a key this store does not hold changes nothing', async t => {
  const a = new RedisIdempotencyStore({ client })
  const b = new RedisIdempotencyStore({ client })
  t.equal(await a.claim('cdr:3', 60_000), 'claimed')
  await b.release('cdr:3')
  t.equal(await b.claim('cdr:3', 60_000), 'in-flight', 'a still holds it')
  await a.complete('cdr:3')
  await a.release('cdr:3')
  t.equal(await b.claim('cdr:3', 60_000), 'done', 'a release after complete does not undo it')
})

t.test('an expired lease makes the key claimable again', async t => {
  const store = new RedisIdempotencyStore({ client })
  t.equal(await store.claim('cdr:4', 1), 'claimed')
  t.ok(await expired('piopiy:cdr:4'), 'the lease expired')
  t.equal(await store.claim('cdr:4', 60_000), 'claimed')
})

t.test('after a lease expiry another instance reclaims; the late release leaves its claim alone', async t => {
  const slow = new RedisIdempotencyStore({ client })
  const other = new RedisIdempotencyStore({ client })
  const third = new RedisIdempotencyStore({ client })
  t.equal(await slow.claim('cdr:5', 1), 'claimed')
  t.ok(await expired('piopiy:cdr:5'), 'the lease expired')
  t.equal(await other.claim('cdr:5', 60_000), 'claimed', 'the platform\'s retry is processed elsewhere')
  await slow.release('cdr:5') // the slow copy failed, late
  t.equal(await third.claim('cdr:5', 60_000), 'in-flight', 'the other claim survived the late release')
  await other.release('cdr:5')
  t.equal(await third.claim('cdr:5', 60_000), 'claimed', 'its own release does free it')
})

t.test('a late complete after a reclaim still marks the notification done', async t => {
  const slow = new RedisIdempotencyStore({ client })
  const other = new RedisIdempotencyStore({ client })
  t.equal(await slow.claim('cdr:6', 1), 'claimed')
  t.ok(await expired('piopiy:cdr:6'), 'the lease expired')
  t.equal(await other.claim('cdr:6', 60_000), 'claimed')
  await slow.complete('cdr:6') // its callback did succeed: no later copy should run
  await other.release('cdr:6') // the duplicate failed: its release must not undo the done
  t.equal(await other.claim('cdr:6', 60_000), 'done')
})

t.test('ttlMs sets how long done is remembered', async t => {
  const store = new RedisIdempotencyStore({ client, ttlMs: 1 })
  t.equal(store.ttlMs, 1)
  t.equal(await store.claim('cdr:7', 60_000), 'claimed')
  await store.complete('cdr:7')
  t.ok(await expired('piopiy:cdr:7'), 'the lease expired')
  t.equal(await store.claim('cdr:7', 60_000), 'claimed', 'forgotten after ttlMs')
  const long = new RedisIdempotencyStore({ client, ttlMs: 86_400_000 })
  await long.complete('cdr:7')
  t.ok(await client.pTTL('piopiy:cdr:7') > 86_000_000)
})

t.test('prefix: keys live under it, and stores with different prefixes do not see each other', async t => {
  const a = new RedisIdempotencyStore({ client, prefix: 'app-a:' })
  const b = new RedisIdempotencyStore({ client, prefix: 'app-b:' })
  const none = new RedisIdempotencyStore({ client, prefix: '' })
  t.equal(a.prefix, 'app-a:')
  t.equal(new RedisIdempotencyStore({ client }).prefix, 'piopiy:', 'default prefix')
  t.equal(await a.claim('cdr:8', 60_000), 'claimed')
  t.equal(await b.claim('cdr:8', 60_000), 'claimed')
  t.equal(await none.claim('cdr:8', 60_000), 'claimed')
  await a.complete('cdr:8')
  t.equal(await client.get('app-a:cdr:8'), 'done')
  t.match(await client.get('app-b:cdr:8'), /:\d+$/)
  t.match(await client.get('cdr:8'), /:\d+$/)
  t.equal(await client.exists('piopiy:cdr:8'), 0)
})

t.test('concurrent claims of one key by many instances: exactly one wins', async t => {
  const stores = Array.from({ length: 20 }, () => new RedisIdempotencyStore({ url: redis.url }))
  t.teardown(async () => { await Promise.all(stores.map(async s => { await s.close() })) })
  const results = await Promise.all(stores.map(async s => await s.claim('cdr:9', 60_000)))
  t.equal(results.filter(r => r === 'claimed').length, 1)
  t.equal(results.filter(r => r === 'in-flight').length, 19)
})

t.test('claim rejects a lease that is not a positive number of ms', async t => {
  const store = new RedisIdempotencyStore({ client })
  for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
    await t.rejects(store.claim('cdr:10', bad), RangeError)
  }
  t.equal(await client.exists('piopiy:cdr:10'), 0)
})

t.test('the scripts are loaded on first use and after SCRIPT FLUSH', async t => {
  const store = new RedisIdempotencyStore({ client })
  await client.scriptFlush()
  t.equal(await store.claim('cdr:11', 60_000), 'claimed', 'EVALSHA fails with NOSCRIPT, EVAL loads it')
  await client.scriptFlush()
  await store.release('cdr:11')
  t.equal(await store.claim('cdr:11', 60_000), 'claimed', 'the release script was reloaded too')
  await t.rejects(store.claim('cdr:11', 0.5), RangeError)
  const wrongType = new RedisIdempotencyStore({ client, prefix: 'list:' })
  await client.rPush('list:cdr:12', 'x')
  await t.rejects(wrongType.claim('cdr:12', 60_000), /WRONGTYPE/, 'other Redis errors reject the claim')
})
