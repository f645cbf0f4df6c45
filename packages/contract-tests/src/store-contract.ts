/**
 * The contract every `IdempotencyStore` keeps (the TSDoc of `IdempotencyStore` in the core), run
 * against the memory store and against the Redis store on a real redis-server. A store's test file
 * supplies a harness that makes a store and lets time pass for it; this suite does the rest.
 */
import type { IdempotencyStore, Logger } from '@piopiy-webhooks/core'
import type { Tap } from './contract.js'

export interface StoreHarness {
  /** A new store, empty (or with its own key space), remembering completed keys for `ttlMs`. */
  make (options: { ttlMs: number, maxKeys?: number }): Promise<IdempotencyStore>
  /**
   * Lets `ms` pass for the stores this harness made: a fake clock moves on, or (a store in another
   * process, such as Redis) the test waits that long, which is why the suite keeps these waits to tens of ms.
   */
  elapse (ms: number): Promise<void>
  /** The store forgets keys past a `maxKeys` of its own: the eviction part of the contract applies. */
  evicts?: boolean
}

const HOUR = 3_600_000
const LONG = 60_000
/** A lease meant to expire during a test; with {@link PAST_SHORT} elapsed it surely has. */
const SHORT = 20
const PAST_SHORT = 40

/** A logger that keeps its warnings (and anything else it is told). */
const warnings = (): Logger & { lines: Array<{ obj: unknown, msg: string | undefined }> } => {
  const lines: Array<{ obj: unknown, msg: string | undefined }> = []
  const note = (obj: unknown, msg?: string): void => { lines.push({ obj, msg }) }
  return { lines, debug: note, info: note, error: note, warn: note }
}

/** Calls the store's renew, which the contract requires (a store without it fails here). */
const renew = async (store: IdempotencyStore, key: string, owner: string, ttlMs: number): Promise<boolean> =>
  await (store.renew as NonNullable<IdempotencyStore['renew']>).call(store, key, owner, ttlMs)

/** Runs the store contract as subtests of `t`, named after `name`. */
export function runStoreContract (t: Tap, name: string, harness: StoreHarness): void {
  const make = async (ttlMs = HOUR, maxKeys?: number): Promise<IdempotencyStore> =>
    await harness.make(maxKeys === undefined ? { ttlMs } : { ttlMs, maxKeys })
  ownershipContract(t, name, harness, make)
  leaseContract(t, name, harness, make)
  if (harness.evicts === true) runEvictionContract(t, name, harness, make)
}

type MakeStore = (ttlMs?: number, maxKeys?: number) => Promise<IdempotencyStore>

/** Claims have owners: only the owner's complete/release acts, and nothing late undoes a newer state. */
function ownershipContract (t: Tap, name: string, harness: StoreHarness, make: MakeStore): void {
  t.test(`${name}: claim, in-flight for anyone else, done after complete`, async t => {
    const store = await make()
    t.equal(await store.claim('k1', LONG, 'a:1'), 'claimed')
    t.equal(await store.claim('k1', LONG, 'b:1'), 'in-flight')
    t.equal(await store.claim('k1', LONG, 'a:1'), 'in-flight', 'a claim is not re-entrant, even for its owner')
    await store.complete('k1', 'a:1')
    t.equal(await store.claim('k1', LONG, 'b:2'), 'done')
    t.equal(await store.claim('k2', LONG, 'b:3'), 'claimed', 'keys are independent')
  })

  t.test(`${name}: only the owner's release frees the key`, async t => {
    const store = await make()
    t.equal(await store.claim('k', LONG, 'a:1'), 'claimed')
    await store.release('k', 'b:1')
    t.equal(await store.claim('k', LONG, 'c:1'), 'in-flight', 'another owner\'s release changed nothing')
    await store.release('k', 'a:1')
    t.equal(await store.claim('k', LONG, 'c:2'), 'claimed', 'the owner\'s release gives the key back')
  })

  t.test(`${name}: a late release never deletes a newer claim`, async t => {
    const store = await make()
    t.equal(await store.claim('k', SHORT, 'slow:1'), 'claimed')
    await harness.elapse(PAST_SHORT)
    t.equal(await store.claim('k', LONG, 'retry:1'), 'claimed', 'the lease ran out: the retry takes the key over')
    await store.release('k', 'slow:1') // the first run failed, late
    t.equal(await store.claim('k', LONG, 'third:1'), 'in-flight', 'the retry\'s claim survived: no third run')
    await store.release('k', 'retry:1')
    t.equal(await store.claim('k', LONG, 'third:2'), 'claimed')
  })

  t.test(`${name}: a late complete or release never undoes done`, async t => {
    const store = await make()
    t.equal(await store.claim('k', LONG, 'a:1'), 'claimed')
    await store.complete('k', 'a:1')
    await store.release('k', 'a:1')
    t.equal(await store.claim('k', LONG, 'c:1'), 'done', 'a release after complete does not free the key')
    await store.complete('k', 'b:1')
    t.equal(await store.claim('k', LONG, 'c:2'), 'done')
  })

  t.test(`${name}: a late complete after a takeover marks done, which the newer owner cannot undo`, async t => {
    const store = await make()
    t.equal(await store.claim('k', SHORT, 'slow:1'), 'claimed')
    await harness.elapse(PAST_SHORT)
    t.equal(await store.claim('k', LONG, 'retry:1'), 'claimed')
    await store.complete('k', 'slow:1') // its callbacks did succeed: no further copy may run
    t.equal(await store.claim('k', LONG, 'third:1'), 'done')
    t.equal(await renew(store, 'k', 'retry:1', LONG), false, 'the newer owner no longer holds it')
    await store.release('k', 'retry:1') // the retry failed
    t.equal(await store.claim('k', LONG, 'third:2'), 'done', 'still done')
  })
}

/** Leases: renewed by their owner only, lapsed ones claimable again; done keys live for ttlMs. */
function leaseContract (t: Tap, name: string, harness: StoreHarness, make: MakeStore): void {
  t.test(`${name}: renew keeps the owner's claim past its first lease; nobody else can renew`, async t => {
    const store = await make()
    t.type(store.renew, 'function', 'the store renews leases')
    t.equal(await store.claim('k', 200, 'a:1'), 'claimed')
    t.equal(await renew(store, 'k', 'b:1', LONG), false, 'not the owner')
    t.equal(await renew(store, 'k', 'a:1', LONG), true)
    await harness.elapse(240)
    t.equal(await store.claim('k', LONG, 'b:2'), 'in-flight', 'still held after the first lease would have ended')
    await store.release('k', 'a:1')
    t.equal(await renew(store, 'k', 'a:1', LONG), false, 'released: nothing to renew')
    t.equal(await store.claim('k', LONG, 'c:1'), 'claimed')
    await store.complete('k', 'c:1')
    t.equal(await renew(store, 'k', 'c:1', LONG), false, 'completed: nothing to renew')
    t.equal(await renew(store, 'nothing', 'c:1', LONG), false, 'a key never claimed')
  })

  t.test(`${name}: an expired lease cannot be renewed, and the key is claimable again`, async t => {
    const store = await make()
    t.equal(await store.claim('k', SHORT, 'a:1'), 'claimed')
    await harness.elapse(PAST_SHORT)
    t.equal(await renew(store, 'k', 'a:1', LONG), false)
    t.equal(await store.claim('k', LONG, 'b:1'), 'claimed')
  })

  t.test(`${name}: done is remembered for ttlMs, then forgotten`, async t => {
    const store = await make(SHORT)
    t.equal(await store.claim('k', LONG, 'a:1'), 'claimed')
    await store.complete('k', 'a:1')
    await harness.elapse(PAST_SHORT)
    t.equal(await store.claim('k', LONG, 'b:1'), 'claimed', 'forgotten after ttlMs')
  })
}

/** maxKeys: live claims are never forgotten, expired keys go first, a live done key goes with a warning. */
function runEvictionContract (t: Tap, name: string, harness: StoreHarness, make: MakeStore): void {
  t.test(`${name}: eviction never forgets a claim in flight`, async t => {
    const store = await make(HOUR, 3)
    t.equal(await store.claim('slow', LONG, 'a:1'), 'claimed')
    for (const key of ['b', 'c', 'd', 'e']) {
      t.equal(await store.claim(key, LONG, `${key}:1`), 'claimed')
      await store.complete(key, `${key}:1`)
    }
    t.equal(await store.claim('slow', LONG, 'retry:1'), 'in-flight', 'the retry does not run it a second time')
    t.equal(await store.claim('e', LONG, 'x:1'), 'done')
    t.equal(await store.claim('b', LONG, 'x:2'), 'claimed', 'the oldest completed key went instead')
  })

  t.test(`${name}: expired keys are evicted before live ones`, async t => {
    const store = await make(HOUR, 3)
    t.equal(await store.claim('dead', SHORT, 'a:1'), 'claimed')
    t.equal(await store.claim('old', LONG, 'b:1'), 'claimed')
    await store.complete('old', 'b:1')
    await harness.elapse(PAST_SHORT)
    t.equal(await store.claim('live', LONG, 'c:1'), 'claimed')
    t.equal(await store.claim('new', LONG, 'd:1'), 'claimed') // over maxKeys: the expired claim goes
    t.equal(await store.claim('old', LONG, 'x:1'), 'done', 'the live done key is kept')
    t.equal(await store.claim('live', LONG, 'x:2'), 'in-flight')
  })

  t.test(`${name}: only live claims: the store holds more than maxKeys rather than forget one`, async t => {
    const store = await make(HOUR, 2)
    for (const key of ['a', 'b', 'c', 'd']) t.equal(await store.claim(key, LONG, `${key}:1`), 'claimed')
    for (const key of ['a', 'b', 'c', 'd']) t.equal(await store.claim(key, LONG, 'x:1'), 'in-flight', `${key} kept`)
  })

  t.test(`${name}: forgetting a completed key younger than ttlMs warns, at most once a minute`, async t => {
    const store = await make(HOUR, 2)
    const logger = warnings()
    store.useLogger?.(logger)
    for (let i = 0; i < 5; i++) { await store.claim(`k${i}`, LONG, 'a:1'); await store.complete(`k${i}`, 'a:1') }
    t.equal(logger.lines.length, 1, 'one warning for the first three forced evictions')
    t.match(logger.lines[0], { obj: { forgotten: 1, maxKeys: 2 }, msg: /maxKeys \(2\).*Raise maxKeys, or use the Redis store/ })
    await harness.elapse(LONG)
    await store.claim('k9', LONG, 'a:1')
    await store.complete('k9', 'a:1')
    t.equal(logger.lines.length, 2, 'a minute later, the next one warns again')
    t.match(logger.lines[1], { obj: { forgotten: 3 } }, 'counting the ones it kept quiet about')
  })
}
