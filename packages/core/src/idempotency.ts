import { invalidOptions } from './errors.js'

/**
 * What `claim` found:
 * - `'claimed'`: nobody had this key; the caller now owns it and must `complete` or `release` it;
 * - `'done'`: a copy with this key was already processed successfully;
 * - `'in-flight'`: another copy holds the claim right now.
 */
export type ClaimResult = 'claimed' | 'done' | 'in-flight'

/**
 * Where the receiver remembers which notifications it has processed. All methods are async,
 * so a store may live in another process (see `@piopiy-webhooks/redis`).
 */
export interface IdempotencyStore {
  /**
   * Atomically claims `key`. The claim is a lease of `ttlMs`: if it is neither completed nor
   * released by then (the process died), the key becomes claimable again.
   */
  claim (key: string, ttlMs: number): Promise<ClaimResult>
  /** Marks a claimed key as processed; later claims answer `'done'` for the store's retention time. */
  complete (key: string): Promise<void>
  /** Gives a claimed key back, so that the next copy (the platform's retry) is processed. */
  release (key: string): Promise<void>
}

/** Options of {@link MemoryIdempotencyStore}. */
export interface MemoryIdempotencyStoreOptions {
  /**
   * Most keys kept; past it the key claimed longest ago is forgotten.
   * @default 100000
   */
  maxKeys?: number
  /**
   * How long a completed key is remembered, in ms. PIOPIY retries a CDR up to 30 min after the
   * first delivery, so keep this above 30 min.
   * @default 3600000 (1 hour)
   */
  ttlMs?: number
}

/**
 * The default store: in-process, bounded (`maxKeys`, the key claimed longest ago forgotten first), with expiry.
 * One entry costs a key string plus one small integer: in-flight claims are stored as the negative
 * of their expiry, completed keys as the positive, both in ms since the store was created (a small
 * integer that V8 keeps unboxed for the first 12 days, and still works after).
 */
export class MemoryIdempotencyStore implements IdempotencyStore {
  readonly maxKeys: number
  readonly ttlMs: number
  readonly #entries = new Map<string, number>()
  /**
   * Walks the keys oldest first, kept across evictions. `keys().next()` on a fresh iterator would step
   * over every slot deleted since V8 last rehashed the table (each re-insert leaves one), which made an
   * eviction cost tens of µs once the store was full; a live iterator only steps over the new ones.
   */
  #oldest: Iterator<string> | undefined
  readonly #origin: number
  readonly #now: () => number

  constructor (options: MemoryIdempotencyStoreOptions & { now?: () => number } = {}) {
    const { maxKeys = 100_000, ttlMs = 3_600_000, now = Date.now } = options
    if (!Number.isInteger(maxKeys) || maxKeys < 1) invalidOptions('MemoryIdempotencyStore: maxKeys must be a positive integer')
    if (!Number.isFinite(ttlMs) || ttlMs <= 0) invalidOptions('MemoryIdempotencyStore: ttlMs must be a positive number')
    this.maxKeys = maxKeys
    this.ttlMs = ttlMs
    this.#now = now
    this.#origin = now() - 1 // keeps the clock positive, so the sign can carry the state
  }

  /** Number of keys held (expired ones included until they are touched or evicted). */
  get size (): number { return this.#entries.size }

  async claim (key: string, ttlMs: number): Promise<ClaimResult> {
    const now = this.#clock()
    const entry = this.#entries.get(key)
    if (entry !== undefined) {
      if (Math.abs(entry) > now) return entry > 0 ? 'done' : 'in-flight'
      this.#entries.delete(key) // expired: claimed again below, as the newest key
    }
    this.#set(key, -(now + ttlMs))
    return 'claimed'
  }

  /** Updates the key in place (its place in the eviction order is its claim's) or adds it. */
  async complete (key: string): Promise<void> {
    this.#set(key, this.#clock() + this.ttlMs)
  }

  async release (key: string): Promise<void> {
    this.#entries.delete(key)
  }

  #clock (): number { return this.#now() - this.#origin }

  /**
   * `Map.set` updates a present key where it is and appends a new one; no delete before it, since every
   * delete leaves a hole that V8 only clears by rehashing the whole table.
   */
  #set (key: string, value: number): void {
    const entries = this.#entries
    entries.set(key, value)
    if (entries.size > this.maxKeys) {
      // every key the iterator has passed was deleted, and keys are only ever added at the end: its next
      // key is the oldest one, and it never runs out while the store is over maxKeys
      this.#oldest ??= entries.keys()
      entries.delete(this.#oldest.next().value as string)
    }
  }
}
