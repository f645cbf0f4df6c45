/**
 * Delivering a valid notification: claim its key → run its callbacks within `handlerTimeoutMs` →
 * settle the claim (complete, or release for the platform's retry) → the outcome. No HTTP here: the
 * receiver turns the outcome into an answer (answers.ts).
 */
import { type CallbackTable, invoke, TIMED_OUT, within } from './callbacks.js'
import { failure, PiopiyWebhookError } from './errors.js'
import type { IdempotencyStore } from './idempotency.js'
import { holdLease, ownerTokens } from './lease.js'
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
}

/** A claim this process holds: its store, its owner token, and the renewal of its lease to stop. */
interface Claim { store: IdempotencyStore, owner: string, stopLease: () => void }

export class Delivery {
  readonly #store: IdempotencyStore | undefined
  readonly #timeoutMs: number
  readonly #callbacksFor: CallbackTable
  readonly #onError: ReceiverOptions['onError']
  /** An in-flight claim is a lease, renewed while its callbacks run: if this process dies, another copy may run after it. */
  readonly #leaseMs: number
  readonly #nextOwner = ownerTokens()
  /** Outcomes of copies being processed here, so that a concurrent duplicate waits and ends the same. */
  readonly #inFlight = new Map<string, Promise<Outcome>>()

  constructor ({ store, handlerTimeoutMs, leaseMs, callbacksFor, onError }: DeliveryOptions) {
    this.#store = store
    this.#timeoutMs = handlerTimeoutMs
    this.#callbacksFor = callbacksFor
    this.#onError = onError
    this.#leaseMs = leaseMs
  }

  /** Delivers `n` once per key: a copy already processed, or in flight here, does not run the callbacks again. */
  async deliver (n: Notification, ctx: CallbackContext): Promise<Outcome> {
    if (n.kind === 'unknown') ctx.log.info({ cmiuuid: n.cmiuuid, status: n.status }, 'piopiy-webhooks: notification of unknown kind, acknowledged')
    if (this.#store === undefined) return await this.#run(n, ctx, undefined)
    return await (this.#inFlight.get(ctx.key) ?? this.#claimAndRun(this.#store, n, ctx))
  }

  async #claimAndRun (store: IdempotencyStore, n: Notification, ctx: CallbackContext): Promise<Outcome> {
    let claim
    const owner = this.#nextOwner()
    try {
      claim = await store.claim(ctx.key, this.#leaseMs, owner)
    } catch (err) {
      return await this.#report(failure('STORE_FAILED', 503, `idempotency store failed to claim ${ctx.key}`, err), ctx)
    }
    if (claim === 'done') return 'duplicate'
    // in flight here: wait for it and end the same; in flight in another process: ask for a retry later
    if (claim === 'in-flight') return await (this.#inFlight.get(ctx.key) ?? 'busy')
    const outcome = this.#run(n, ctx, { store, owner, stopLease: holdLease(store, ctx.key, owner, this.#leaseMs, ctx.log) })
    this.#inFlight.set(ctx.key, outcome)
    try {
      return await outcome
    } finally {
      this.#inFlight.delete(ctx.key)
    }
  }

  /** Runs the callbacks and settles the claim `claimedIn` holds (none when dedupe is off). */
  async #run (n: Notification, ctx: CallbackContext, claimedIn: Claim | undefined): Promise<Outcome> {
    let running: Promise<void> | undefined
    try {
      running = invoke(this.#callbacksFor(n), n, ctx)
    } catch (err) {
      return await this.#failed(err as PiopiyWebhookError, ctx, claimedIn)
    }
    if (running !== undefined) {
      const ended = await within(running, this.#timeoutMs)
      if (ended === TIMED_OUT) return await this.#timedOut(running, ctx, claimedIn)
      if (ended !== undefined) return await this.#failed(ended.err as PiopiyWebhookError, ctx, claimedIn)
    }
    await this.#settle(ctx, claimedIn, true)
    return 'processed'
  }

  async #failed (err: PiopiyWebhookError, ctx: CallbackContext, claimedIn: Claim | undefined): Promise<Outcome> {
    await this.#settle(ctx, claimedIn, false)
    // a callback that hands the notification on to a store (enqueueTo's queue) that failed: 503, as for our own store
    const cause = err.cause
    return await this.#report(cause instanceof PiopiyWebhookError && cause.code === 'STORE_FAILED' ? cause : err, ctx)
  }

  /** Keeps the claim until the callbacks settle, then completes it or gives it back for the next retry. */
  async #timedOut (running: Promise<void>, ctx: CallbackContext, claimedIn: Claim | undefined): Promise<Outcome> {
    running.then(async () => { await this.#settle(ctx, claimedIn, true) }, async (err: unknown) => { await this.#failed(err as PiopiyWebhookError, ctx, claimedIn) })
    return await this.#report(failure('CALLBACK_TIMEOUT', 503, `callbacks still running after handlerTimeoutMs (${this.#timeoutMs} ms) for ${ctx.key}`), ctx)
  }

  /** Completes (`ok`) or releases the claim; a store that fails here is reported, the outcome stays. */
  async #settle (ctx: CallbackContext, claimedIn: Claim | undefined, ok: boolean): Promise<void> {
    if (claimedIn === undefined) return
    try {
      claimedIn.stopLease()
      await (ok ? claimedIn.store.complete(ctx.key, claimedIn.owner) : claimedIn.store.release(ctx.key, claimedIn.owner))
    } catch (err) {
      await this.#report(failure('STORE_FAILED', 503, `idempotency store failed to ${ok ? 'complete' : 'release'} ${ctx.key}`, err), ctx)
    }
  }

  /** Tells `onError` (by default, the log) and ends with `err`; a throw in `onError` is logged. */
  async #report (err: PiopiyWebhookError, ctx: CallbackContext): Promise<PiopiyWebhookError> {
    try {
      if (this.#onError === undefined) ctx.log.error({ err, key: ctx.key }, 'piopiy-webhooks: notification not processed')
      else await this.#onError(err, ctx)
    } catch (hookError) {
      ctx.log.error({ err: hookError }, 'piopiy-webhooks: onError threw')
    }
    return err
  }
}
