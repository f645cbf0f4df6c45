import { DoneKeys, hashKey } from './done-keys.js'
import { invalidOptions } from './errors.js'
import { consoleLogger, type Logger } from './logger.js'
import { KEEP } from './steady.js'

/**
 * What `claim` found:
 * - `'claimed'`: nobody had this key; the caller now owns it and must `complete` or `release` it;
 * - `'done'`: a copy with this key was already processed successfully;
 * - `'in-flight'`: another copy holds the claim right now.
 */
export type ClaimResult = 'claimed' | 'done' | 'in-flight'

/**
 * Where the receiver remembers which notifications it has processed. All methods are async, so a
 * store may live in another process (see `@piopiy-webhooks/redis`).
 *
 * The contract, for store authors (the shared store-contract suite of `packages/contract-tests`
 * checks it, `runStoreContract`): a key is **free**, **claimed** by one owner until its lease
 * expires, or **done** until the store's retention time passes.
 * - Every claim has an **owner**: a token the receiver makes unique per claim (never `'done'`).
 *   A key's state may only be changed by the owner of its claim, with one exception: `complete`.
 * - `release` and `renew` act only while `owner` still holds the key; a late call from a claim that
 *   expired and was taken over by a newer one changes nothing, and nothing ever turns `done` back.
 * - `complete` marks the key done unless it is done already (a done marker is never overwritten,
 *   nor its retention extended), even if a newer claim took it over: the notification *was*
 *   processed, so no further copy may run. It can only prevent runs, never cause one.
 * - Each method is atomic with respect to the others (a compare-and-act), across every process that
 *   shares the store.
 */
export interface IdempotencyStore {
  /**
   * Atomically claims `key` for `owner`, if it is free (or its previous claim expired). The claim is
   * a lease of `ttlMs`: if it is neither completed, released nor renewed by then (the process died),
   * the key becomes claimable again.
   */
  claim (key: string, ttlMs: number, owner: string): Promise<ClaimResult>
  /** Marks `key` as processed: later claims answer `'done'` for the store's retention time (see the contract above). */
  complete (key: string, owner: string): Promise<void>
  /** Gives `key` back, if `owner` still holds it, so that the next copy (the platform's retry) is processed. */
  release (key: string, owner: string): Promise<void>
  /**
   * Extends the lease of `owner`'s claim to `ttlMs` from now; resolves `false` (and changes nothing)
   * when `owner` no longer holds the key (it expired, was taken over, completed or released). The
   * receiver calls it while a callback runs, so a slow callback keeps its claim. Optional: a store
   * without it keeps working, but a callback that outlives its lease may then run again beside itself.
   */
  renew? (key: string, owner: string, ttlMs: number): Promise<boolean>
  /** Optional: the receiver hands the store its logger at start-up, for warnings such as forced evictions. */
  useLogger? (logger: Logger): void
}

/** Options of {@link MemoryIdempotencyStore}. */
export interface MemoryIdempotencyStoreOptions {
  /**
   * Most keys kept. Past it, expired keys go first, then the completed key that will expire first,
   * with a warning (at most one a minute) when that key was still younger than `ttlMs`. A claim whose
   * callback is running is never forgotten: the store holds more keys than this while they all are.
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
 * The memory store's entry for a claim in flight (the delivery's own record of a claim is `Claim` in delivery.ts):
 * a class, not an object literal, as it lives as long as its callback (`Running` in callbacks.ts says why).
 */
class ClaimEntry { constructor (readonly owner: string, public expires: number, readonly hash: number) {} }

/** The memory store's `claim` and `complete` without a promise (not exported from the package). */
export const claimNow = Symbol('claimNow')
export const completeNow = Symbol('completeNow')

/** What the receiver can call without a promise: `store` when it is a memory store whose methods were not replaced. */
export function synchronous (store: IdempotencyStore): MemoryIdempotencyStore | undefined {
  const own = MemoryIdempotencyStore.prototype
  return store instanceof MemoryIdempotencyStore && store.claim === own.claim && store.complete === own.complete ? store : undefined
}

/** Between two warnings about forgotten live keys, in ms. */
const WARN_EVERY_MS = 60_000

/**
 * The default store: in-process, bounded by `maxKeys`, with expiry. A completed key costs its string, its
 * hash and its expiry (in ms since the store was created) in a ring, and a pair of integers in a hash table
 * (done-keys.ts); claims in flight, a few at a time, are kept apart with their owner.
 */
export class MemoryIdempotencyStore implements IdempotencyStore {
  readonly maxKeys: number
  readonly ttlMs: number
  /** Completed keys in the order they were completed, which is the order they expire in (one `ttlMs` for all). */
  readonly #done = new DoneKeys()
  /** Claims in flight, and KEEP (steady.ts), which never expires and is not counted. */
  readonly #claims = new Map<string | typeof KEEP, ClaimEntry>([[KEEP, new ClaimEntry('', Number.POSITIVE_INFINITY, 0)]])
  readonly #origin: number
  readonly #now: () => number
  #logger: Logger = consoleLogger
  #forgotten = 0
  #warnedAt = Number.NEGATIVE_INFINITY
  /** No claim expires before this (a lower bound): no sweep of the claims is needed until then. */
  #claimsExpireBy = Number.POSITIVE_INFINITY

  constructor (options: MemoryIdempotencyStoreOptions & { now?: () => number } = {}) {
    const { maxKeys = 100_000, ttlMs = 3_600_000, now = Date.now } = options
    if (!Number.isInteger(maxKeys) || maxKeys < 1) invalidOptions('MemoryIdempotencyStore: maxKeys must be a positive integer')
    if (!Number.isFinite(ttlMs) || ttlMs <= 0) invalidOptions('MemoryIdempotencyStore: ttlMs must be a positive number')
    this.maxKeys = maxKeys
    this.ttlMs = ttlMs
    this.#now = now
    this.#origin = now()
  }

  /** Number of keys held (expired ones included until they are touched or evicted). */
  get size (): number { return this.#done.size + this.#claims.size - 1 }

  useLogger (logger: Logger): void { this.#logger = logger }

  async claim (key: string, ttlMs: number, owner: string): Promise<ClaimResult> {
    return this[claimNow](key, ttlMs, owner)
  }

  async complete (key: string, owner: string): Promise<void> {
    this[completeNow](key, owner)
  }

  /**
   * `claim` without a promise: the receiver calls it directly when `claim` and `complete` are this class's own.
   * `at` is a `Date.now()` the receiver read earlier in the same turn, taken as the time when this store's clock
   * is `Date.now` (see `#clockAt`). `hash` is `hashKey(key)`, when the caller has it (the receiver makes it cheaper).
   */
  [claimNow] (key: string, ttlMs: number, owner: string, at?: number, hash = hashKey(key)): ClaimResult {
    const now = this.#clockAt(at)
    const done = this.#done.get(key, hash)
    if (done !== undefined) {
      if (done > now) return 'done'
      this.#done.delete(key, hash)
    }
    const held = this.#claims.get(key)
    if (held !== undefined && held.expires > now) return 'in-flight'
    this.#claims.set(key, new ClaimEntry(owner, now + ttlMs, hash)) // a dead claim (its lease ran out) is taken over
    this.#claimsExpireBy = Math.min(this.#claimsExpireBy, now + ttlMs)
    this.#evict(now)
    return 'claimed'
  }

  /** `complete` without a promise (see `claimNow`). */
  [completeNow] (key: string, _owner: string, at?: number): void {
    const now = this.#clockAt(at)
    // a claimed key is never done as well (a claim is only made when no unexpired done marker is left, and
    // completing deletes the claim): the common case needs no look-up of the done keys, and its claim has its hash
    const claim = this.#claims.get(key)
    let hash: number
    if (claim !== undefined) {
      this.#claims.delete(key)
      hash = claim.hash
    } else { // not claimed (its claim lapsed and was swept, or was released)
      hash = hashKey(key)
      const done = this.#done.get(key, hash)
      if (done !== undefined) {
        if (done > now) return // never overwrite a done marker
        this.#done.delete(key, hash) // expired: added again below, as the newest
      }
    }
    this.#done.add(key, hash, now + this.ttlMs)
    this.#evict(now)
  }

  async release (key: string, owner: string): Promise<void> {
    if (this.#claims.get(key)?.owner === owner) this.#claims.delete(key)
  }

  async renew (key: string, owner: string, ttlMs: number): Promise<boolean> {
    const now = this.#clock()
    const held = this.#claims.get(key)
    if (held === undefined || held.owner !== owner || held.expires <= now) return false
    held.expires = now + ttlMs
    return true
  }

  #clock (): number { return this.#now() - this.#origin }

  /**
   * The time: `at` (a `Date.now()` read earlier in the same turn, so at most the turn's own work earlier: done
   * keys still expire in about the order they were added, which eviction relies on only to pick which to forget
   * first) when this store's clock is the `Date.now` of now, else its own clock. The receiver reads the clock
   * once per request this way instead of three times (a read costs ~50 ns on some VMs); a clock given to the
   * constructor, or a fake `Date` installed after it, is read as before.
   */
  #clockAt (at: number | undefined): number {
    return at !== undefined && this.#now === Date.now ? at - this.#origin : this.#clock()
  }

  /** Forgets keys while over maxKeys: expired ones first, then the done key expiring first; never a live claim. */
  #evict (now: number): void {
    const done = this.#done
    while (this.size > this.maxKeys) {
      if (this.#claimsExpireBy <= now && this.#sweepClaims(now)) continue
      const expires = done.dropOldest()
      if (expires === undefined) return // only live claims left: kept, over maxKeys
      if (expires > now) this.#warn(now)
    }
  }

  /** Deletes the expired claims and tells whether there was any; sets the earliest expiry of those left. */
  #sweepClaims (now: number): boolean {
    const before = this.#claims.size
    let earliest = Number.POSITIVE_INFINITY
    for (const [key, claim] of this.#claims) {
      if (claim.expires <= now) this.#claims.delete(key)
      else earliest = Math.min(earliest, claim.expires)
    }
    this.#claimsExpireBy = earliest
    return this.#claims.size < before
  }

  #warn (now: number): void {
    this.#forgotten++
    if (now - this.#warnedAt < WARN_EVERY_MS) return
    this.#logger.warn({ forgotten: this.#forgotten, maxKeys: this.maxKeys, ttlMs: this.ttlMs },
      `[@piopiy-webhooks/core] MemoryIdempotencyStore: forgot ${this.#forgotten} completed key(s) younger than ttlMs to stay within maxKeys (${this.maxKeys}); ` +
      'a platform retry of one of them would run its callbacks again. Raise maxKeys, or use the Redis store (@piopiy-webhooks/redis).')
    this.#forgotten = 0
    this.#warnedAt = now
  }
}
