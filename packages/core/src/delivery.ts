/**
 * Delivering a valid notification: claim its key → run its callbacks within `handlerTimeoutMs` →
 * settle the claim (complete, or release for the platform's retry) → the outcome. No HTTP here: the
 * receiver turns the outcome into an answer (answers.ts). Every call to an asynchronous store is bounded by
 * `handlerTimeoutMs` too: a store that never answers costs a 503, never a hung request.
 */
import { type Aborts, timeoutReason } from './abort.js'
import { type CallbackTable, invoke } from './callbacks.js'
import { failure, PiopiyWebhookError } from './errors.js'
import { callHook } from './hooks.js'
import { claimNow, type ClaimResult, completeNow, type IdempotencyStore, type MemoryIdempotencyStore, synchronous } from './idempotency.js'
import { Deadlines } from './deadlines.js'
import { holdLease, nothing, ownerTokens, renewEvery } from './lease.js'
import type { Notification } from './records.js'
import type { CallbackContext, ReceiverOptions } from './types.js'

/**
 * How a delivery ended: `processed` (callbacks resolved), `duplicate` (already processed), `busy` (in
 * flight in another process: retry later), or the error that stopped it (its `statusCode` is the answer).
 */
export type Outcome = 'processed' | 'duplicate' | 'busy' | PiopiyWebhookError

export interface DeliveryOptions {
  store: IdempotencyStore | undefined
  handlerTimeoutMs: number
  /** How long a claim holds without renewal; renewed every third of it while the callbacks run. */
  leaseMs: number
  callbacksFor: CallbackTable
  onError: ReceiverOptions['onError']
  /** Where running callbacks' controllers are kept, for `receiver.close()`. */
  aborts: Aborts
}

/** A claim this process holds: its store, its owner token, and the renewal of its lease to stop (once the callbacks wait). */
interface Claim { store: IdempotencyStore, owner: string, stopLease: () => void }

/** A store call that did not settle within `handlerTimeoutMs`. */
const LATE = Symbol('late')

const storeSilent = (op: string, ms: number, key: string): PiopiyWebhookError =>
  failure('STORE_FAILED', 503, `idempotency store did not answer ${op} within handlerTimeoutMs (${ms} ms) for ${key}`)

/**
 * Runs as far as it can without waiting: with the memory store (`claim` and `complete` without a promise) and
 * synchronous callbacks, a delivery makes no promise and no timer at all; an asynchronous callback costs one
 * promise, and a place in the timeout queue (one timer for all, deadlines.ts) instead of a timer of its own.
 */
export class Delivery {
  readonly #store: IdempotencyStore | undefined
  /** `#store` when its claim and complete can be called without a promise (the memory store). */
  readonly #sync: MemoryIdempotencyStore | undefined
  readonly #timeoutMs: number
  readonly #timeouts: Deadlines
  /** Lease renewals, every third of `leaseMs`, on one timer. */
  readonly #renewals: Deadlines
  readonly #callbacksFor: CallbackTable
  readonly #onError: ReceiverOptions['onError']
  readonly #aborts: Aborts
  /** An in-flight claim is a lease, renewed while its callbacks run: if this process dies, another copy may run after it. */
  readonly #leaseMs: number
  readonly #nextOwner = ownerTokens()
  /** Outcomes of copies being processed here and waiting for a callback, so that a concurrent duplicate waits and ends the same. */
  readonly #inFlight = new Map<string, Promise<Outcome>>()

  constructor ({ store, handlerTimeoutMs, leaseMs, callbacksFor, onError, aborts }: DeliveryOptions) {
    this.#aborts = aborts
    this.#store = store
    this.#sync = store === undefined ? undefined : synchronous(store)
    this.#timeoutMs = handlerTimeoutMs
    this.#timeouts = new Deadlines(handlerTimeoutMs)
    this.#renewals = new Deadlines(renewEvery(leaseMs))
    this.#callbacksFor = callbacksFor
    this.#onError = onError
    this.#leaseMs = leaseMs
  }

  /**
   * Delivers `n` once per key: a copy already processed, or in flight here, does not run the callbacks again.
   * `controller` is the one whose signal is `ctx.signal`: aborted at `handlerTimeoutMs`, or by `close()`.
   */
  deliver (n: Notification, ctx: CallbackContext, controller: AbortController): Outcome | Promise<Outcome> {
    if (n.kind === 'unknown') ctx.log.info({ cmiuuid: n.cmiuuid, status: n.status }, 'piopiy-webhooks: notification of unknown kind, acknowledged')
    const store = this.#store
    if (store === undefined) return this.#run(n, ctx, controller, undefined)
    const waiting = this.#inFlight.get(ctx.key)
    if (waiting !== undefined) return waiting
    if (this.#sync === undefined) return this.#claimAndRun(store, n, ctx, controller)
    const owner = this.#nextOwner()
    const claim = this.#sync[claimNow](ctx.key, this.#leaseMs, owner)
    // in flight here is in #inFlight (above): 'in-flight' is another process's, or a claim this store kept past a crash
    return claim === 'claimed' ? this.#track(this.#run(n, ctx, controller, { store, owner, stopLease: nothing }), ctx.key) : claim === 'done' ? 'duplicate' : 'busy'
  }

  /** The outcome; one still waiting for a callback is kept in #inFlight until it ends. */
  #track (outcome: Outcome | Promise<Outcome>, key: string): Outcome | Promise<Outcome> {
    if (!(outcome instanceof Promise)) return outcome
    this.#inFlight.set(key, outcome)
    const forget = (): void => { this.#inFlight.delete(key) }
    outcome.then(forget, forget)
    return outcome
  }

  async #claimAndRun (store: IdempotencyStore, n: Notification, ctx: CallbackContext, controller: AbortController): Promise<Outcome> {
    let claim
    const owner = this.#nextOwner()
    try {
      const claiming = store.claim(ctx.key, this.#leaseMs, owner)
      claim = await this.#bounded(claiming)
      if (claim === LATE) return this.#report(this.#claimedLate(store, claiming, owner, ctx), ctx)
    } catch (err) {
      return this.#report(failure('STORE_FAILED', 503, `idempotency store failed to claim ${ctx.key}`, err), ctx)
    }
    if (claim === 'done') return 'duplicate'
    // in flight here: wait for it and end the same; in flight in another process: ask for a retry later
    if (claim === 'in-flight') return await (this.#inFlight.get(ctx.key) ?? 'busy')
    return await this.#track(this.#run(n, ctx, controller, { store, owner, stopLease: nothing }), ctx.key)
  }

  /** How a store call settled within `handlerTimeoutMs` (on the timeout queue): its value, or LATE; a rejection is thrown. */
  #bounded<T> (call: Promise<T>): Promise<T | typeof LATE> {
    return new Promise((resolve, reject) => {
      const deadline = this.#timeouts.add(() => { resolve(LATE) })
      call.then(value => { if (this.#timeouts.cancel(deadline)) resolve(value) }, (err: unknown) => { if (this.#timeouts.cancel(deadline)) reject(err) })
    })
  }

  /**
   * A claim that did not answer in time: the answer is 503 (the platform retries). If the claim does
   * succeed later, it is given back at once (with its owner token), so the key is not held for a lease.
   */
  #claimedLate (store: IdempotencyStore, claiming: Promise<ClaimResult>, owner: string, ctx: CallbackContext): PiopiyWebhookError {
    claiming.then(async late => {
      if (late === 'claimed') await store.release(ctx.key, owner)
    }).catch((err: unknown) => { ctx.log.warn({ err, key: ctx.key }, 'piopiy-webhooks: a claim that answered late could not be released; its lease will lapse') })
    return storeSilent('claim', this.#timeoutMs, ctx.key)
  }

  /** Runs the callbacks and settles the claim `claimedIn` holds (none when dedupe is off); without a promise when they are synchronous. */
  #run (n: Notification, ctx: CallbackContext, controller: AbortController, claimedIn: Claim | undefined): Outcome | Promise<Outcome> {
    let running: Promise<void> | undefined
    try {
      running = invoke(this.#callbacksFor(n), n, ctx)
    } catch (err) {
      return this.#failed(err as PiopiyWebhookError, ctx, claimedIn)
    }
    if (running === undefined) return this.#processed(ctx, claimedIn)
    if (claimedIn !== undefined) claimedIn.stopLease = holdLease(claimedIn.store, ctx.key, claimedIn.owner, this.#leaseMs, ctx.log, this.#renewals)
    this.#aborts.track(controller, running)
    return this.#waitFor(running, ctx, controller, claimedIn)
  }

  /** The callbacks' end, or `handlerTimeoutMs` (which aborts `ctx.signal`), whichever comes first. */
  #waitFor (running: Promise<void>, ctx: CallbackContext, controller: AbortController, claimedIn: Claim | undefined): Promise<Outcome> {
    return new Promise(resolve => {
      const deadline = this.#timeouts.add(() => {
        controller.abort(timeoutReason(`handlerTimeoutMs (${this.#timeoutMs} ms) passed`))
        resolve(this.#timedOut(running, ctx, claimedIn))
      })
      running.then(() => {
        if (this.#timeouts.cancel(deadline)) resolve(this.#processed(ctx, claimedIn))
      }, (err: unknown) => {
        if (this.#timeouts.cancel(deadline)) resolve(this.#failed(err as PiopiyWebhookError, ctx, claimedIn))
      })
    })
  }

  /** The callbacks resolved: the claim completed, and `processed`. */
  #processed (ctx: CallbackContext, claimedIn: Claim | undefined): Outcome | Promise<Outcome> {
    const sync = this.#sync
    if (claimedIn === undefined) return 'processed'
    // every claim is in #store: with a synchronous one, complete it now (a map update, which does not fail)
    if (sync === undefined) return this.#settle(ctx, claimedIn, true).then(() => 'processed')
    claimedIn.stopLease()
    sync[completeNow](ctx.key, claimedIn.owner)
    return 'processed'
  }

  async #failed (err: PiopiyWebhookError, ctx: CallbackContext, claimedIn: Claim | undefined): Promise<Outcome> {
    await this.#settle(ctx, claimedIn, false)
    // a callback that hands the notification on to a store (enqueueTo's queue) that failed: 503, as for our own store
    const cause = err.cause
    return this.#report(cause instanceof PiopiyWebhookError && cause.code === 'STORE_FAILED' ? cause : err, ctx)
  }

  /** Keeps the claim until the callbacks settle, then completes it or gives it back for the next retry. */
  #timedOut (running: Promise<void>, ctx: CallbackContext, claimedIn: Claim | undefined): Outcome {
    running.then(async () => { await this.#settle(ctx, claimedIn, true) }, async (err: unknown) => { await this.#failed(err as PiopiyWebhookError, ctx, claimedIn) })
    return this.#report(failure('CALLBACK_TIMEOUT', 503, `callbacks still running after handlerTimeoutMs (${this.#timeoutMs} ms) for ${ctx.key}`), ctx)
  }

  /**
   * Completes (`ok`) or releases the claim, waiting at most `handlerTimeoutMs`; a store that fails or does
   * not answer here is reported, the outcome stays (a claim never settled lapses with its lease).
   */
  async #settle (ctx: CallbackContext, claimedIn: Claim | undefined, ok: boolean): Promise<void> {
    if (claimedIn === undefined) return
    const op = ok ? 'complete' : 'release'
    try {
      claimedIn.stopLease()
      const settling = claimedIn.store[op](ctx.key, claimedIn.owner)
      if (await this.#bounded(settling) === LATE) {
        settling.catch(() => {}) // reported below as not answered; a late failure adds nothing
        this.#report(storeSilent(op, this.#timeoutMs, ctx.key), ctx)
      }
    } catch (err) {
      this.#report(failure('STORE_FAILED', 503, `idempotency store failed to ${op} ${ctx.key}`, err), ctx)
    }
  }

  /** Tells `onError` (by default, the log), without waiting for it, and ends with `err`. */
  #report (err: PiopiyWebhookError, ctx: CallbackContext): PiopiyWebhookError {
    const onError = this.#onError
    if (onError === undefined) ctx.log.error({ err, key: ctx.key }, 'piopiy-webhooks: notification not processed')
    else callHook(ctx.log, 'onError', () => onError(err, ctx))
    return err
  }
}
