/**
 * Delivering a valid notification: claim its key → run its callbacks within `handlerTimeoutMs` →
 * settle the claim (complete, or release for the platform's retry) → the outcome. No HTTP here: the
 * receiver turns the outcome into an answer (answers.ts). Every call to an asynchronous store is bounded by
 * `handlerTimeoutMs` too: a store that never answers costs a 503, never a hung request.
 */
import { type Aborts, type DeliveryContext, SignalContext, timeoutReason } from './abort.js'
import { answerOf, failedAnswer } from './answers.js'
import { callbackFailed, type CallbackTable, invoke, type Running } from './callbacks.js'
import { keyHash } from './dedupe-key.js'
import { failure, PiopiyWebhookError } from './errors.js'
import { callHook } from './hooks.js'
import { claimNow, type ClaimResult, completeNow, type IdempotencyStore, type MemoryIdempotencyStore, synchronous } from './idempotency.js'
import { Deadlines } from './deadlines.js'
import { holdLease, nothing, ownerTokens, receiverId, renewEvery } from './lease.js'
import type { Notification } from './records.js'
import { KEEP } from './steady.js'
import type { Logger } from './logger.js'
import type { CallbackContext, ReceiverOptions, RequestHeaders, WebhookResponse } from './types.js'

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
  /** Makes the callbacks' controllers, and aborts those still running on `receiver.close()` (it watches the timeout queue). */
  aborts: Aborts
}

/**
 * A claim this process holds: its store, its owner token, and the renewal of its lease to stop (once the callbacks
 * wait). A class, not an object literal, as it lives as long as the callbacks (`Running` in callbacks.ts says why).
 */
class Claim { constructor (readonly store: IdempotencyStore, readonly owner: string, public stopLease: () => void) {} }

/** The answer to a delivery: now, or once the callbacks (or the store) have settled. Its promise never rejects. */
export type Answer = WebhookResponse | Promise<WebhookResponse>

/**
 * A request's part in its delivery: its key (`dedupeKey(n)` of the notification it comes with), when it arrived
 * (ms), `now` (a `Date.now()` read in the turn that calls `deliver`: `receivedAt` itself when the body was in
 * memory), its headers, the client's address and the log.
 */
export interface Arrival { key: string, receivedAt: number, now: number, headers: RequestHeaders, ip: string | undefined, log: Logger }

/** A store call that did not settle within `handlerTimeoutMs`. */
const LATE = Symbol('late')

const storeSilent = (op: string, ms: number, key: string): PiopiyWebhookError =>
  failure('STORE_FAILED', 503, `idempotency store did not answer ${op} within handlerTimeoutMs (${ms} ms) for ${key}`)

/**
 * Runs as far as it can without waiting: with the memory store (`claim` and `complete` without a promise), a
 * duplicate is answered at once, without a context or a promise; synchronous callbacks make no promise and no
 * timer; an asynchronous callback costs one promise (the answer's), settled by the callbacks or by the
 * timeout queue (one timer for all, deadlines.ts).
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
  /** This receiver's id: the owner of its claims in the memory store, and the stem of its owner tokens elsewhere. */
  readonly #id = receiverId()
  readonly #nextOwner = ownerTokens(this.#id)
  /** With `#sync`: every claim of this receiver (its store, its id as the owner, no lease to stop); never changed. */
  readonly #syncClaim: Claim | undefined
  /** Answers of copies being processed here and waiting for a callback, so that a concurrent duplicate waits and ends the same. */
  readonly #inFlight = new Map<string | typeof KEEP, Promise<WebhookResponse> | undefined>([[KEEP, undefined]])

  constructor ({ store, handlerTimeoutMs, leaseMs, callbacksFor, onError, aborts }: DeliveryOptions) {
    this.#aborts = aborts
    this.#store = store
    this.#sync = store === undefined ? undefined : synchronous(store)
    this.#syncClaim = this.#sync === undefined ? undefined : new Claim(this.#sync, this.#id, nothing)
    this.#timeoutMs = handlerTimeoutMs
    this.#timeouts = new Deadlines(handlerTimeoutMs)
    aborts.watch(this.#timeouts)
    this.#renewals = new Deadlines(renewEvery(leaseMs))
    this.#callbacksFor = callbacksFor
    this.#onError = onError
    this.#leaseMs = leaseMs
  }

  /**
   * Delivers `n` once per key: a copy already processed, or in flight here, does not run the callbacks again.
   * `ctx.signal` is aborted at `handlerTimeoutMs`, or by `close()`.
   */
  deliver (n: Notification, arrival: Arrival): Answer {
    const { key, log } = arrival
    if (n.kind === 'unknown') log.info({ cmiuuid: n.cmiuuid, status: n.status }, 'piopiy-webhooks: notification of unknown kind, acknowledged')
    const store = this.#store
    if (store === undefined) return this.#run(n, this.#context(n, arrival), undefined, arrival.now)
    const sync = this.#sync
    if (sync === undefined) {
      const waiting = this.#inFlight.get(key) // in flight here: no need to ask the store
      if (waiting !== undefined) return waiting
      return this.#claimAndRun(store, n, this.#context(n, arrival)).then(undefined, (err: unknown) => failedAnswer(log, err))
    }
    // a claim in this process's memory lapses only if this process dies, and the store with it: held until it is
    // settled, as renewing it every third of leaseMs while the callbacks run would hold it (without the timer).
    // As no claim of this store is ever taken over, this receiver's id is owner enough (no token made per claim),
    // and every claim is the same: one Claim serves them all.
    const claimed = this.#syncClaim as Claim
    const claim = sync[claimNow](key, Number.POSITIVE_INFINITY, claimed.owner, arrival.now, keyHash(n)) // key is dedupeKey(n)
    if (claim === 'claimed') return this.#run(n, this.#context(n, arrival), claimed, arrival.now)
    if (claim === 'done') return answerOf('duplicate')
    // in flight here (its answer is waiting in #inFlight: end the same), else in another receiver that shares the store,
    // or here past its timeout (answered already): ask for a retry. Looked up only now, not for every fresh key.
    return this.#inFlight.get(key) ?? answerOf('busy')
  }

  /** The callbacks' context, with a controller of its own (made when a notification is to be run or reported). */
  #context (n: Notification, { key, receivedAt, headers, ip, log }: Arrival): DeliveryContext {
    return new SignalContext(key, n.kind, receivedAt, headers, ip, log, this.#aborts.open())
  }

  async #claimAndRun (store: IdempotencyStore, n: Notification, ctx: DeliveryContext): Promise<WebhookResponse> {
    let claim
    const owner = this.#nextOwner()
    try {
      const claiming = store.claim(ctx.key, this.#leaseMs, owner)
      claim = await this.#bounded(claiming)
      if (claim === LATE) return answerOf(this.#report(this.#claimedLate(store, claiming, owner, ctx), ctx))
    } catch (err) {
      return answerOf(this.#report(failure('STORE_FAILED', 503, `idempotency store failed to claim ${ctx.key}`, err), ctx))
    }
    if (claim === 'done') return answerOf('duplicate')
    // in flight here: wait for it and end the same; in flight in another process: ask for a retry later
    if (claim === 'in-flight') return await (this.#inFlight.get(ctx.key) ?? answerOf('busy'))
    return await this.#run(n, ctx, new Claim(store, owner, nothing))
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

  /**
   * Runs the callbacks and settles the claim `claimedIn` holds (none when dedupe is off); without a promise when
   * they are synchronous. `now`: a `Date.now()` read in this turn, if there is one (else the clock is read).
   */
  #run (n: Notification, ctx: DeliveryContext, claimedIn: Claim | undefined, now?: number): Answer {
    let running: Running | undefined
    try {
      running = invoke(this.#callbacksFor(n), n, ctx)
    } catch (err) {
      return this.#answer(this.#failed(err as PiopiyWebhookError, ctx, claimedIn), ctx, claimedIn)
    }
    if (running === undefined) return this.#answer(this.#processed(ctx, claimedIn, now), ctx, claimedIn)
    if (claimedIn !== undefined && this.#sync === undefined) claimedIn.stopLease = holdLease(claimedIn.store, ctx.key, claimedIn.owner, this.#leaseMs, ctx.log, this.#renewals)
    const answer = this.#waitFor(running, ctx, claimedIn, now)
    if (claimedIn !== undefined) this.#inFlight.set(ctx.key, answer)
    return answer
  }

  /** The callbacks' end, or `handlerTimeoutMs` (which aborts `ctx.signal`), whichever comes first: the one promise of the delivery. */
  #waitFor (running: Running, ctx: DeliveryContext, claimedIn: Claim | undefined, now: number | undefined): Promise<WebhookResponse> {
    // the entry holds the controller while it waits, for `close()` (the queue is watched by #aborts)
    const controller = SignalContext.controllerOf(ctx)
    return new Promise(resolve => {
      const deadline = this.#timeouts.add(() => {
        controller.abort(timeoutReason(`handlerTimeoutMs (${this.#timeoutMs} ms) passed`))
        resolve(this.#answer(this.#timedOut(running, ctx, claimedIn), ctx, claimedIn))
      }, now, controller)
      running.promise.then(() => {
        if (!this.#timeouts.cancel(deadline)) return
        resolve(this.#answer(this.#processed(ctx, claimedIn), ctx, claimedIn))
      }, (err: unknown) => {
        if (!this.#timeouts.cancel(deadline)) return
        resolve(this.#answer(this.#failed(callbackFailed(running.name, err), ctx, claimedIn), ctx, claimedIn))
      })
    })
  }

  /** The answer to `outcome`, once it is known; then a copy that comes later no longer waits for this one. */
  #answer (outcome: Outcome | Promise<Outcome>, ctx: DeliveryContext, claimedIn: Claim | undefined): Answer {
    if (outcome instanceof Promise) {
      return outcome.then(settled => this.#answer(settled, ctx, claimedIn), (err: unknown) => {
        if (claimedIn !== undefined) this.#inFlight.delete(ctx.key)
        return failedAnswer(ctx.log, err)
      })
    }
    if (claimedIn !== undefined) this.#inFlight.delete(ctx.key)
    return answerOf(outcome)
  }

  /** The callbacks resolved: the claim completed (as of `now`, when they ended in its turn), and `processed`. */
  #processed (ctx: CallbackContext, claimedIn: Claim | undefined, now?: number): Outcome | Promise<Outcome> {
    const sync = this.#sync
    if (claimedIn === undefined) return 'processed'
    // every claim is in #store: with a synchronous one (no lease renewed), complete it now (a map update, which does not fail)
    if (sync === undefined) return this.#settle(ctx, claimedIn, true).then(() => 'processed')
    sync[completeNow](ctx.key, claimedIn.owner, now)
    return 'processed'
  }

  async #failed (err: PiopiyWebhookError, ctx: CallbackContext, claimedIn: Claim | undefined): Promise<Outcome> {
    await this.#settle(ctx, claimedIn, false)
    // a callback that hands the notification on to a store (enqueueTo's queue) that failed: 503, as for our own store
    const cause = err.cause
    return this.#report(cause instanceof PiopiyWebhookError && cause.code === 'STORE_FAILED' ? cause : err, ctx)
  }

  /** Keeps the claim until the callbacks settle, then completes it or gives it back for the next retry. */
  #timedOut (running: Running, ctx: CallbackContext, claimedIn: Claim | undefined): Outcome {
    running.promise.then(async () => { await this.#settle(ctx, claimedIn, true) }, async (err: unknown) => { await this.#failed(callbackFailed(running.name, err), ctx, claimedIn) })
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
