/**
 * DoneKeys (the memory store's completed keys) against a model: a list of (key, expiry) in the order they were added.
 * Hashes are chosen per run from a few values whose low bits are the same or neighbours in the smallest table (16
 * pairs), so that keys share hashes, share home pairs, and run round the table's end; keys are held, removed from the
 * middle (leaving holes in the ring) and dropped oldest first, past every growth of the ring and the table.
 */
import fc from 'fast-check'
import t from 'tap'
import { DoneKeys, finishHash, hashKey, hashOn, SEED } from '../src/done-keys.js'

const KEYS = 24
/** Hashes whose home pair in a table of 16 (or 32, 64) is 15, 14, 0 or 1: collisions, shared homes and wrap-round. */
const HASHES = [15, 31, 47, -1, 14, 0, 16, 0x7fffffff, 1, -16] as const

type Op = { op: 'add' | 'get' | 'delete', key: number } | { op: 'drop' }
const op: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.record({ op: fc.constant('add' as const), key: fc.nat(KEYS - 1) }), weight: 5 },
  { arbitrary: fc.record({ op: fc.constantFrom('get' as const, 'delete' as const), key: fc.nat(KEYS - 1) }), weight: 3 },
  { arbitrary: fc.constant({ op: 'drop' as const }), weight: 1 }
)

/** Runs `ops` on a DoneKeys and on the model; throws at the first difference. */
function check (hashes: number[], ops: Op[]): void {
  const done = new DoneKeys()
  const model: Array<[key: string, expires: number, hash: number]> = []
  // each key is made anew at every use (a string equal to the last one, not the same one), as the receiver makes them
  const keyOf = (i: number): string => `cdr:2222222:inbound:answered:a:${'k'.repeat(i % 3)}${i}`
  let clock = 0
  for (const o of ops) {
    if (o.op === 'drop') {
      const expected = model.shift()?.[1]
      const got = done.dropOldest()
      if (got !== expected) throw new Error(`dropOldest gave ${got}, the model ${expected}`)
    } else {
      const key = keyOf(o.key)
      const at = model.findIndex(([k]) => k === key)
      const hash = hashes[o.key] as number
      if (o.op === 'add') {
        if (at >= 0) continue // add is only called for a key that is not held
        model.push([key, ++clock, hash])
        done.add(key, hash, clock)
      } else if (o.op === 'get') {
        const got = done.get(key, hash)
        if (got !== (at < 0 ? undefined : model[at]![1])) throw new Error(`get(${key}) gave ${got}`)
      } else {
        if (done.delete(key, hash) !== at >= 0) throw new Error(`delete(${key}) said the key was ${at >= 0 ? 'not ' : ''}held`)
        if (at >= 0) model.splice(at, 1)
      }
    }
    if (done.size !== model.length) throw new Error(`size ${done.size}, the model ${model.length}`)
  }
  // every key the model holds is found, with its expiry, and they leave oldest first
  for (const [key, expires, hash] of model) if (done.get(key, hash) !== expires) throw new Error(`${key} lost`)
  for (const [, expires] of model) if (done.dropOldest() !== expires) throw new Error('not oldest first')
  if (done.dropOldest() !== undefined || done.size !== 0) throw new Error('not empty at the end')
}

t.test('DoneKeys holds, finds and forgets keys as a list in their order does', async t => {
  t.doesNotThrow(() => {
    fc.assert(fc.property(fc.array(fc.constantFrom(...HASHES), { minLength: KEYS, maxLength: KEYS }), fc.array(op, { maxLength: 300 }), check), { numRuns: 1500 })
  })
})

t.test('DoneKeys keeps its order and its keys across the growth of its ring and table, with holes', async t => {
  const done = new DoneKeys()
  const key = (i: number): string => `key-${i}`
  // 1,000 keys, every third removed again at once (holes, which the copies of the ring leave out), all on 4 hashes
  for (let i = 0; i < 1000; i++) {
    done.add(key(i), i % 4, i)
    if (i % 3 === 0) done.delete(key(i), i % 4)
  }
  t.equal(done.size, 666)
  t.equal(done.get(key(998), 998 % 4), 998, 'the newest is found')
  t.equal(done.get(key(3), 3 % 4), undefined, 'a removed key is not')
  t.equal(done.delete(key(3), 3 % 4), false)
  const order: number[] = []
  for (let expires = done.dropOldest(); expires !== undefined; expires = done.dropOldest()) order.push(expires)
  t.same(order, Array.from({ length: 1000 }, (_, i) => i).filter(i => i % 3 !== 0), 'oldest first, without the removed ones')
})

t.test('a ring full of holes is compacted in place, not doubled, and stays in order', async t => {
  const done = new DoneKeys()
  // 16 keys fill the smallest ring; removing 12 of them and adding one more copies it without its holes, same size
  for (let i = 0; i < 16; i++) done.add(`k${i}`, i, i)
  for (let i = 0; i < 12; i++) done.delete(`k${i}`, i)
  for (let i = 16; i < 40; i++) done.add(`k${i}`, i, i)
  const order: number[] = []
  for (let expires = done.dropOldest(); expires !== undefined; expires = done.dropOldest()) order.push(expires)
  t.same(order, [12, 13, 14, 15, ...Array.from({ length: 24 }, (_, i) => 16 + i)])
})

t.test('hashKey: seeded, the same for a key however it is split (the receiver hashes a key from its two parts)', async t => {
  const key = 'cdr:2222222:inbound:answered:a:55348d77-c515-425d-b22c-f0c6ecd8d780'
  t.equal(hashKey(key), hashKey(key, SEED), 'this process\'s seed by default')
  t.not(hashKey(key, 1), hashKey(key, 2), 'another seed, another hash')
  t.doesNotThrow(() => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), fc.integer(), (a, b, seed) =>
      finishHash(hashOn(hashOn(seed | 0, a), b)) === hashKey(a + b, seed | 0)), { numRuns: 2000 })
  })
})
