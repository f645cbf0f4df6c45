/**
 * The memory store's completed keys, each with its expiry, in the order they were added: a ring of keys, hashes and
 * expiries, found through an open-addressing table of (hash, ring slot) pairs in one `Int32Array`.
 *
 * Why not a `Map`: the store holds up to 100,000 keys, so under load its table is not in the cache, and a `Map`'s
 * look-up of a fresh key compares it with every key of its bucket's chain: a read of each of those strings (a cache
 * miss each) and, for two keys of the same length made of two parts (as `dedupeKey` builds them), a call into V8's
 * runtime. Here a look-up reads the table's pairs (one cache line, most of the time) and compares the key only with
 * a key whose full 32-bit hash is the same; forgetting the oldest key takes its hash from the ring, not from its string.
 *
 * The caller hashes the keys ({@link hashKey}: the 32-bit one-at-a-time hash V8 itself uses for strings, seeded with a
 * random number per process as V8 seeds it), so that keys sent to collide in one process's table cannot be chosen in
 * advance; the receiver hashes a dedupe key from its two parts, the first one's hash kept (dedupe-key.ts).
 */

/** A ring or table never shrinks below this many slots. */
const MIN_CAPACITY = 16
/** Marks an empty pair in the table (ring slots are stored plus one). */
const EMPTY = 0

/** This process's hash seed: a random number, as V8 seeds its own string hash. */
export const SEED = (Math.random() * 0x1_0000_0000) | 0

/**
 * The one-at-a-time hash (V8's string hash, `StringHasher`) of `state`'s text followed by `text`, before its final
 * mix: `hashKey` of a key is `finishHash(hashOn(hashOn(seed, prefix), rest))` for any split of the key in two.
 */
export function hashOn (state: number, text: string): number {
  let h = state
  for (let i = 0; i < text.length; i++) {
    h = (h + text.charCodeAt(i)) | 0
    h = (h + (h << 10)) | 0
    h ^= h >>> 6
  }
  return h
}

/** The final mix of a {@link hashOn} state. */
export function finishHash (state: number): number {
  const h = (state + (state << 3)) | 0
  const mixed = h ^ (h >>> 11)
  return (mixed + (mixed << 15)) | 0
}

/** The seeded hash of `key`. */
export const hashKey = (key: string, seed = SEED): number => finishHash(hashOn(seed, key))

export class DoneKeys {
  /** The table: pairs of (hash, ring slot + 1), linear probing, at most half full; `EMPTY` in the second is a free pair. */
  #table = new Int32Array(2 * MIN_CAPACITY)
  #mask = MIN_CAPACITY - 1
  /** The ring (a power of two long), oldest at `#head`: a removed key leaves a hole (`undefined`) that `dropOldest` steps over. */
  #keys: Array<string | undefined> = new Array<string | undefined>(MIN_CAPACITY).fill(undefined)
  #hashes = new Int32Array(MIN_CAPACITY)
  #expires = new Float64Array(MIN_CAPACITY)
  #head = 0
  /** Ring slots in use from `#head` on, holes included. */
  #used = 0
  #size = 0

  /** Number of keys held. */
  get size (): number { return this.#size }

  /** The expiry of `key` (whose hash is `hash`), or `undefined` when it is not held. */
  get (key: string, hash: number): number | undefined {
    const pair = this.#find(key, hash)
    return pair < 0 ? undefined : this.#expires[this.#table[pair + 1]! - 1]
  }

  /** Adds `key` (whose hash is `hash`, and which must not be held) as the newest key. */
  add (key: string, hash: number, expires: number): void {
    if (this.#used === this.#keys.length) this.#growRing()
    if (2 * (this.#size + 1) > this.#mask + 1) this.#growTable()
    const slot = (this.#head + this.#used) & (this.#keys.length - 1)
    this.#keys[slot] = key
    this.#hashes[slot] = hash
    this.#expires[slot] = expires
    this.#used++
    this.#size++
    this.#insert(hash, slot)
  }

  /** Removes `key` (whose hash is `hash`) if it is held. */
  delete (key: string, hash: number): boolean {
    const pair = this.#find(key, hash)
    if (pair < 0) return false
    this.#keys[this.#table[pair + 1]! - 1] = undefined
    this.#remove(pair)
    this.#size--
    return true
  }

  /** Removes the oldest key and gives its expiry, or `undefined` when none is held. */
  dropOldest (): number | undefined {
    if (this.#size === 0) return undefined
    const keys = this.#keys
    while (keys[this.#head] === undefined) this.#advance()
    const slot = this.#head
    const expires = this.#expires[slot]
    this.#remove(this.#find(keys[slot] as string, this.#hashes[slot]!)) // the same string: found without reading it
    keys[slot] = undefined
    this.#size--
    this.#advance()
    return expires
  }

  #advance (): void {
    this.#head = (this.#head + 1) & (this.#keys.length - 1)
    this.#used--
  }

  /** The table index of `key`'s pair, or -1. */
  #find (key: string, hash: number): number {
    const table = this.#table
    const mask = this.#mask
    for (let i = hash & mask; table[2 * i + 1] !== EMPTY; i = (i + 1) & mask) {
      if (table[2 * i] === hash && this.#keys[table[2 * i + 1]! - 1] === key) return 2 * i
    }
    return -1
  }

  #insert (hash: number, slot: number): void {
    const table = this.#table
    const mask = this.#mask
    let i = hash & mask
    while (table[2 * i + 1] !== EMPTY) i = (i + 1) & mask
    table[2 * i] = hash
    table[2 * i + 1] = slot + 1
  }

  /** Frees the pair at table index `pair`, moving back the pairs after it that would no longer be found (no tombstones). */
  #remove (pair: number): void {
    const table = this.#table
    const mask = this.#mask
    let hole = pair >> 1
    for (let i = (hole + 1) & mask; table[2 * i + 1] !== EMPTY; i = (i + 1) & mask) {
      const home = table[2 * i]! & mask
      // the pair at i may move to the hole when its home is not in (hole, i], going round the end of the table
      if (hole <= i ? (home <= hole || home > i) : (home <= hole && home > i)) {
        table[2 * hole] = table[2 * i]!
        table[2 * hole + 1] = table[2 * i + 1]!
        hole = i
      }
    }
    table[2 * hole + 1] = EMPTY
  }

  /**
   * Copies the ring (when full) to one with room for as many keys again as it holds, its keys from slot 0 on in the
   * same order, without its holes; the table is rebuilt for the new slots. Each copy frees at least half the ring.
   */
  #growRing (): void {
    const capacity = this.#keys.length
    const next = 2 * this.#size > capacity ? 2 * capacity : capacity
    const keys = new Array<string | undefined>(next).fill(undefined)
    const hashes = new Int32Array(next)
    const expires = new Float64Array(next)
    let used = 0
    for (let n = 0; n < this.#used; n++) {
      const from = (this.#head + n) & (capacity - 1)
      if (this.#keys[from] === undefined) continue // a hole is not copied
      keys[used] = this.#keys[from]
      hashes[used] = this.#hashes[from]!
      expires[used] = this.#expires[from]!
      used++
    }
    this.#keys = keys
    this.#hashes = hashes
    this.#expires = expires
    this.#head = 0
    this.#used = used
    this.#rebuild(this.#mask + 1)
  }

  #growTable (): void { this.#rebuild(2 * (this.#mask + 1)) }

  /** A table of `capacity` pairs holding every key of the ring. */
  #rebuild (capacity: number): void {
    this.#table = new Int32Array(2 * capacity)
    this.#mask = capacity - 1
    const length = this.#keys.length
    for (let n = 0; n < this.#used; n++) {
      const slot = (this.#head + n) & (length - 1)
      if (this.#keys[slot] !== undefined) this.#insert(this.#hashes[slot]!, slot)
    }
  }
}
