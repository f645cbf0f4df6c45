/**
 * What is particular to the memory store; the contract it shares with every store (owners, late
 * complete/release, renew, expiry, eviction) is run by packages/contract-tests/test/store-contract-memory.test.ts.
 */
import t from 'tap'
import { MemoryIdempotencyStore } from '../src/idempotency.js'
import { consoleLogger } from '../src/logger.js'

t.test('the default retention covers the platform retries (+30 min); defaults', async t => {
  let now = 0
  const store = new MemoryIdempotencyStore({ now: () => now })
  t.equal(store.ttlMs, 3_600_000)
  t.equal(store.maxKeys, 100_000)
  await store.claim('k', 1000, 'a:1')
  await store.complete('k', 'a:1')
  now += 30 * 60_000
  t.equal(await store.claim('k', 1000, 'b:1'), 'done')
  t.equal(store.size, 1)
})

t.test('a done key expires at ttlMs exactly; an expired one completed again becomes the newest', async t => {
  let now = 0
  const store = new MemoryIdempotencyStore({ ttlMs: 100, maxKeys: 2, now: () => now })
  await store.claim('a', 1000, 'a:1')
  await store.complete('a', 'a:1')
  now += 50
  await store.claim('b', 1000, 'b:1')
  await store.complete('b', 'b:1')
  now += 49
  t.equal(await store.claim('a', 1000, 'x:1'), 'done')
  now += 1
  await store.complete('a', 'late:1') // expired: added again, as the newest done key
  await store.claim('c', 1000, 'c:1') // over maxKeys: b is now the oldest done key
  t.equal(await store.claim('a', 1000, 'x:2'), 'done', 'a was kept')
  t.equal(await store.claim('b', 1000, 'x:3'), 'claimed', 'b went')
})

t.test('a dead claim is taken over in place; completing a key never claimed adds it', async t => {
  let now = 0
  const store = new MemoryIdempotencyStore({ now: () => now })
  t.equal(await store.claim('k', 10, 'a:1'), 'claimed')
  now += 10
  t.equal(await store.claim('k', 10, 'b:1'), 'claimed')
  t.equal(store.size, 1)
  await store.complete('other', 'c:1')
  t.equal(await store.claim('other', 10, 'd:1'), 'done')
})

t.test('the eviction warning goes to console.warn until a receiver hands its logger', async t => {
  const store = new MemoryIdempotencyStore({ maxKeys: 1, now: () => 0 })
  const warned: unknown[][] = []
  const warn = console.warn
  console.warn = (...args: unknown[]) => { warned.push(args) }
  try {
    for (const key of ['a', 'b']) { await store.claim(key, 1000, 'o:1'); await store.complete(key, 'o:1') }
  } finally {
    console.warn = warn
  }
  t.equal(warned.length, 1)
  t.match(String(warned[0]?.[0]), /forgot 1 completed key\(s\) younger than ttlMs to stay within maxKeys \(1\)/)
  store.useLogger(consoleLogger)
  t.pass('useLogger accepts any logger')
})

t.test('options are checked', async t => {
  t.throws(() => new MemoryIdempotencyStore({ maxKeys: 0 }), /maxKeys must be a positive integer/)
  t.throws(() => new MemoryIdempotencyStore({ maxKeys: 1.5 }), /maxKeys/)
  t.throws(() => new MemoryIdempotencyStore({ ttlMs: -1 }), /ttlMs must be a positive number/)
  t.throws(() => new MemoryIdempotencyStore({ ttlMs: Number.NaN }), /ttlMs/)
})
