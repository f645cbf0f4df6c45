import t from 'tap'
import { MemoryIdempotencyStore } from '../src/idempotency.js'

/**
 * The store keeps one live iterator over its keys for evictions (bench/ found that a fresh
 * `keys().next()` per eviction cost tens of µs once the store was full). These tests check that it
 * still forgets exactly the key claimed longest ago, against a plain model, over long mixed sequences.
 */
class Model {
  readonly order: string[] = []
  readonly state = new Map<string, 'in-flight' | 'done'>()
  constructor (readonly maxKeys: number) {}
  claim (key: string): 'claimed' | 'done' | 'in-flight' {
    const found = this.state.get(key)
    if (found !== undefined) return found
    this.set(key, 'in-flight')
    return 'claimed'
  }

  complete (key: string): void {
    if (this.state.has(key)) this.state.set(key, 'done') // in place: keeps its place in the order
    else this.set(key, 'done')
  }
  release (key: string): void {
    this.state.delete(key)
    const i = this.order.indexOf(key)
    if (i >= 0) this.order.splice(i, 1)
  }

  set (key: string, value: 'in-flight' | 'done'): void {
    this.release(key)
    this.order.push(key)
    this.state.set(key, value)
    if (this.order.length > this.maxKeys) this.state.delete(this.order.shift() as string)
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

t.test('evicts the key claimed longest ago through long mixed sequences', async t => {
  for (const [seed, maxKeys, keySpace] of [[1, 1, 3], [2, 3, 8], [3, 5, 12], [4, 50, 400], [5, 200, 300]] as const) {
    const next = random(seed)
    const store = new MemoryIdempotencyStore({ maxKeys, now: () => 1_000 })
    const model = new Model(maxKeys)
    let mismatches = 0
    for (let step = 0; step < 20_000; step++) {
      const key = `k${Math.floor(next() * keySpace)}`
      const op = next()
      if (op < 0.6) {
        if (await store.claim(key, 60_000) !== model.claim(key)) mismatches++
      } else if (op < 0.9) {
        await store.complete(key); model.complete(key)
      } else {
        await store.release(key); model.release(key)
      }
      if (store.size !== model.order.length) mismatches++
    }
    t.equal(mismatches, 0, `seed ${seed}, maxKeys ${maxKeys}, ${keySpace} keys`)
  }
})

t.test('a full store keeps evicting the oldest key after its table has been rebuilt many times', async t => {
  const store = new MemoryIdempotencyStore({ maxKeys: 1000, now: () => 1_000 })
  for (let i = 0; i < 50_000; i++) {
    await store.claim(`k${i}`, 60_000)
    await store.complete(`k${i}`)
  }
  t.equal(store.size, 1000)
  t.equal(await store.claim('k49000', 60_000), 'done', 'the 1000 newest are kept')
  t.equal(await store.claim('k49999', 60_000), 'done')
  t.equal(await store.claim('k48999', 60_000), 'claimed', 'the 1001st newest key was forgotten')
})
