/**
 * What is particular to the Redis store: what it writes in Redis (the owner token, PTTLs, prefixes, the
 * key format), concurrency across instances, its scripts. The contract shared with every store is run by
 * store-contract.test.ts.
 */
import t from 'tap'
import { createClient } from 'redis'
import { RedisIdempotencyStore } from '../src/index.js'
import { startRedis } from './helpers/redis-server.js'

const redis = await startRedis()
t.teardown(redis.stop)
const client = createClient({ url: redis.url })
await client.connect()
t.teardown(async () => { await client.close() })

t.test('a claim holds its owner token for the lease; done is kept for ttlMs (1 h by default)', async t => {
  const store = new RedisIdempotencyStore({ client })
  t.equal(await store.claim('cdr:1', 60_000, 'Zk3:1'), 'claimed')
  t.equal(await client.get('piopiy:cdr:1'), 'Zk3:1', 'the key holds the owner')
  const lease = await client.pTTL('piopiy:cdr:1')
  t.ok(lease > 50_000 && lease <= 60_000, `the claim is a lease of the ttlMs passed to claim (pttl ${lease})`)
  t.equal(await store.renew('cdr:1', 'Zk3:1', 600_000), true)
  t.ok(await client.pTTL('piopiy:cdr:1') > 590_000, 'renew sets the lease again')
  await store.complete('cdr:1', 'Zk3:1')
  t.equal(await client.get('piopiy:cdr:1'), 'done')
  const pttl = await client.pTTL('piopiy:cdr:1')
  t.ok(pttl > 3_500_000 && pttl <= 3_600_000, `done is kept for the default ttlMs of 1 h (pttl ${pttl})`)
  const long = new RedisIdempotencyStore({ client, ttlMs: 86_400_000 })
  t.equal(long.ttlMs, 86_400_000)
  await long.complete('cdr:1', 'Zk3:1')
  t.ok(await client.pTTL('piopiy:cdr:1') <= pttl, 'a later complete does not extend a done marker')
})

t.test('keys written before owners existed keep working: an old token is in flight, an old done is done', async t => {
  const store = new RedisIdempotencyStore({ client })
  await client.set('piopiy:cdr:old1', 'AbCdEfGhIjKl:42', { PX: 60_000 }) // a claim of the previous version
  await client.set('piopiy:cdr:old2', 'done', { PX: 60_000 })
  t.equal(await store.claim('cdr:old1', 60_000, 'new:1'), 'in-flight')
  t.equal(await store.claim('cdr:old2', 60_000, 'new:1'), 'done')
})

t.test('prefix: keys live under it, and stores with different prefixes do not see each other', async t => {
  const a = new RedisIdempotencyStore({ client, prefix: 'app-a:' })
  const b = new RedisIdempotencyStore({ client, prefix: 'app-b:' })
  const none = new RedisIdempotencyStore({ client, prefix: '' })
  t.equal(a.prefix, 'app-a:')
  t.equal(new RedisIdempotencyStore({ client }).prefix, 'piopiy:', 'default prefix')
  t.equal(await a.claim('cdr:8', 60_000, 'o:1'), 'claimed')
  t.equal(await b.claim('cdr:8', 60_000, 'o:2'), 'claimed')
  t.equal(await none.claim('cdr:8', 60_000, 'o:3'), 'claimed')
  await a.complete('cdr:8', 'o:1')
  t.equal(await client.get('app-a:cdr:8'), 'done')
  t.equal(await client.get('app-b:cdr:8'), 'o:2')
  t.equal(await client.get('cdr:8'), 'o:3')
  t.equal(await client.exists('piopiy:cdr:8'), 0)
})

t.test('concurrent claims of one key by many instances: exactly one wins', async t => {
  const stores = Array.from({ length: 20 }, () => new RedisIdempotencyStore({ url: redis.url }))
  t.teardown(async () => { await Promise.all(stores.map(async s => { await s.close() })) })
  const results = await Promise.all(stores.map(async (s, i) => await s.claim('cdr:9', 60_000, `o:${i}`)))
  t.equal(results.filter(r => r === 'claimed').length, 1)
  t.equal(results.filter(r => r === 'in-flight').length, 19)
})

t.test('claim rejects a lease that is not a positive number of ms, and an owner that could pass for done', async t => {
  const store = new RedisIdempotencyStore({ client })
  for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
    await t.rejects(store.claim('cdr:10', bad, 'o:1'), RangeError)
  }
  for (const bad of ['', 'done', 7]) {
    await t.rejects(store.claim('cdr:10', 60_000, bad as string), { name: 'RangeError', message: /owner must be a non-empty string other than 'done'/ })
  }
  t.equal(await client.exists('piopiy:cdr:10'), 0)
})

t.test('the scripts are loaded on first use and after SCRIPT FLUSH', async t => {
  const store = new RedisIdempotencyStore({ client })
  await client.scriptFlush()
  t.equal(await store.claim('cdr:11', 60_000, 'o:1'), 'claimed', 'EVALSHA fails with NOSCRIPT, EVAL loads it')
  await client.scriptFlush()
  await store.release('cdr:11', 'o:1')
  t.equal(await store.claim('cdr:11', 60_000, 'o:2'), 'claimed', 'the release script was reloaded too')
  await t.rejects(store.claim('cdr:11', 0.5, 'o:3'), RangeError)
  const wrongType = new RedisIdempotencyStore({ client, prefix: 'list:' })
  await client.rPush('list:cdr:12', 'x')
  await t.rejects(wrongType.claim('cdr:12', 60_000, 'o:1'), /WRONGTYPE/, 'other Redis errors reject the claim')
  await t.rejects(wrongType.renew('cdr:12', 'o:1', 60_000), /WRONGTYPE/, 'and a renewal')
})
