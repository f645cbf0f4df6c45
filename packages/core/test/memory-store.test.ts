import t from 'tap'
import { MemoryIdempotencyStore } from '../src/idempotency.js'

t.test('claim, then in-flight, then done after complete', async t => {
  const store = new MemoryIdempotencyStore()
  t.equal(await store.claim('k', 1000), 'claimed')
  t.equal(await store.claim('k', 1000), 'in-flight')
  await store.complete('k')
  t.equal(await store.claim('k', 1000), 'done')
  t.equal(store.size, 1)
})

t.test('release gives the key back for the next copy', async t => {
  const store = new MemoryIdempotencyStore()
  t.equal(await store.claim('k', 1000), 'claimed')
  await store.release('k')
  t.equal(await store.claim('k', 1000), 'claimed')
})

t.test('an in-flight lease and a done key both expire', async t => {
  let now = 1_000_000
  const store = new MemoryIdempotencyStore({ ttlMs: 5000, now: () => now })
  t.equal(await store.claim('k', 100), 'claimed')
  now += 99
  t.equal(await store.claim('k', 100), 'in-flight')
  now += 2
  t.equal(await store.claim('k', 100), 'claimed', 'the lease ran out: the dead claim is taken over')
  await store.complete('k')
  now += 4999
  t.equal(await store.claim('k', 100), 'done')
  now += 2
  t.equal(await store.claim('k', 100), 'claimed', 'retention over: forgotten')
})

t.test('the default retention covers the platform retries (+30 min)', async t => {
  let now = 0
  const store = new MemoryIdempotencyStore({ now: () => now })
  t.equal(store.ttlMs, 3_600_000)
  t.equal(store.maxKeys, 100_000)
  await store.claim('k', 1000)
  await store.complete('k')
  now += 30 * 60_000
  t.equal(await store.claim('k', 1000), 'done')
})

t.test('bounded: the oldest key is forgotten past maxKeys', async t => {
  const store = new MemoryIdempotencyStore({ maxKeys: 3 })
  for (const key of ['a', 'b', 'c']) { await store.claim(key, 1000); await store.complete(key) }
  t.equal(store.size, 3)
  await store.claim('d', 1000)
  t.equal(store.size, 3)
  t.equal(await store.claim('a', 1000), 'claimed', 'a was evicted')
  t.equal(await store.claim('c', 1000), 'done', 'c is kept')
})

t.test('eviction follows the order of claims; completing a key updates it in place', async t => {
  const store = new MemoryIdempotencyStore({ maxKeys: 2 })
  await store.claim('a', 1000)
  await store.claim('b', 1000)
  await store.complete('a') // a stays the older key
  await store.claim('c', 1000) // evicts a
  t.equal(store.size, 2)
  t.equal(await store.claim('b', 1000), 'in-flight')
  t.equal(await store.claim('a', 1000), 'claimed', 'a was forgotten, although completed after b was claimed')
})

t.test('completing a key that is not held (evicted while in flight) adds it as the newest', async t => {
  const store = new MemoryIdempotencyStore({ maxKeys: 2 })
  await store.claim('a', 1000)
  await store.claim('b', 1000)
  await store.claim('c', 1000) // evicts a while its callback runs
  await store.complete('a') // evicts b
  t.equal(await store.claim('a', 1000), 'done')
  t.equal(await store.claim('c', 1000), 'in-flight')
  t.equal(await store.claim('b', 1000), 'claimed')
})

t.test('options are checked', async t => {
  t.throws(() => new MemoryIdempotencyStore({ maxKeys: 0 }), /maxKeys must be a positive integer/)
  t.throws(() => new MemoryIdempotencyStore({ maxKeys: 1.5 }), /maxKeys/)
  t.throws(() => new MemoryIdempotencyStore({ ttlMs: -1 }), /ttlMs must be a positive number/)
  t.throws(() => new MemoryIdempotencyStore({ ttlMs: Number.NaN }), /ttlMs/)
})
