import t from 'tap'
import { MemoryIdempotencyStore } from '../src/idempotency.js'
import type { Logger } from '../src/logger.js'

/**
 * The store keeps one live iterator over its done keys for evictions (bench/ found that a fresh
 * `keys().next()` per eviction cost tens of µs once the store was full). These tests check, against a
 * plain model, over long mixed sequences with owners, that it forgets exactly the done key completed
 * longest ago, never a claim in flight, and that late completes and releases of other owners are harmless.
 */
class Model {
  readonly done: string[] = []
  readonly claims = new Map<string, string>()
  forgotten = 0
  constructor (readonly maxKeys: number) {}
  claim (key: string, owner: string): 'claimed' | 'done' | 'in-flight' {
    if (this.done.includes(key)) return 'done'
    if (this.claims.has(key)) return 'in-flight'
    this.claims.set(key, owner)
    this.evict()
    return 'claimed'
  }

  complete (key: string): void {
    if (this.done.includes(key)) return
    this.claims.delete(key)
    this.done.push(key)
    this.evict()
  }

  release (key: string, owner: string): void {
    if (this.claims.get(key) === owner) this.claims.delete(key)
  }

  evict (): void {
    while (this.done.length + this.claims.size > this.maxKeys && this.done.length > 0) {
      this.done.shift()
      this.forgotten++
    }
  }
}

/** A small deterministic PRNG (mulberry32), so a failure can be replayed. */
function random (seed: number): () => number {
  return () => {
    seed = (seed + 0x6D2B79F5) | 0
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
}

t.test('evicts the done key completed longest ago, never a claim, through long mixed sequences', async t => {
  for (const [seed, maxKeys, keySpace] of [[1, 1, 3], [2, 3, 8], [3, 5, 12], [4, 50, 400], [5, 200, 300]] as const) {
    const next = random(seed)
    let forgotten = 0
    const logger: Logger = { debug () {}, info () {}, error () {}, warn (obj) { forgotten += (obj as { forgotten: number }).forgotten } }
    let now = 0
    const store = new MemoryIdempotencyStore({ maxKeys, now: () => now })
    store.useLogger(logger)
    const model = new Model(maxKeys)
    let mismatches = 0
    for (let step = 0; step < 20_000; step++) {
      const key = `k${Math.floor(next() * keySpace)}`
      const owner = `o${Math.floor(next() * 3)}`
      const op = next()
      if (op < 0.6) {
        if (await store.claim(key, 3_600_000, owner) !== model.claim(key, owner)) mismatches++
      } else if (op < 0.8) {
        await store.complete(key, owner); model.complete(key)
      } else {
        await store.release(key, owner); model.release(key, owner)
      }
      if (store.size !== model.done.length + model.claims.size) mismatches++
    }
    now += 60_000
    await store.claim('last', 3_600_000, 'x'); model.claim('last', 'x') // the last warning, a minute on, counts the quiet ones
    t.equal(mismatches, 0, `seed ${seed}, maxKeys ${maxKeys}, ${keySpace} keys`)
    t.ok(forgotten <= model.forgotten && (model.forgotten === 0) === (forgotten === 0), `warned of forced evictions (${forgotten} of ${model.forgotten})`)
  }
})

t.test('a full store keeps evicting the oldest key after its table has been rebuilt many times', async t => {
  const store = new MemoryIdempotencyStore({ maxKeys: 1000, now: () => 1_000 })
  store.useLogger({ debug () {}, info () {}, warn () {}, error () {} })
  for (let i = 0; i < 50_000; i++) {
    await store.claim(`k${i}`, 60_000, 'o')
    await store.complete(`k${i}`, 'o')
  }
  t.equal(store.size, 1000)
  t.equal(await store.claim('k49000', 60_000, 'p'), 'done', 'the 1000 newest are kept')
  t.equal(await store.claim('k49999', 60_000, 'p'), 'done')
  t.equal(await store.claim('k48999', 60_000, 'p'), 'claimed', 'the 1001st newest key was forgotten')
})
