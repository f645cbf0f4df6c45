/**
 * Claims and their leases, as the receiver holds them: every claim gets an owner token unique across
 * processes, and while its callbacks run in this process the lease is renewed every third of its length,
 * so that only a crashed process lets it lapse (docs/reliability.md, "Leases").
 */
import { randomBytes } from 'node:crypto'
import type { IdempotencyStore } from './idempotency.js'
import type { Deadline, Deadlines } from './deadlines.js'
import type { Logger } from './logger.js'

/** A lease that needs no renewal (yet). */
export const nothing = (): void => {}

/** A random id for one receiver, unique across processes (`'Zk3…'`). */
export const receiverId = (): string => randomBytes(9).toString('base64url')

/** Makes owner tokens: the receiver's `id`, then a counter (`'Zk3…:1'`, `'Zk3…:2'`, …). */
export function ownerTokens (id: string): () => string {
  let seq = 0
  return () => `${id}:${++seq}`
}

/** How often a held lease is renewed: every third of it, so that two renewals may fail before it lapses. */
export const renewEvery = (leaseMs: number): number => Math.max(1, Math.floor(leaseMs / 3))

/**
 * Renews `owner`'s claim of `key` every `renewEvery(leaseMs)` (the delay of `renewals`, which holds the
 * renewals of all claims on one timer) until the returned function is called. A renewal that fails (the
 * store is down) is tried again at the next tick; a claim found lost (the store forgot it, or it lapsed
 * while this process was stalled) is reported once and no longer renewed.
 */
export function holdLease (store: IdempotencyStore, key: string, owner: string, leaseMs: number, log: Logger, renewals: Deadlines): () => void {
  const renew = store.renew
  if (renew === undefined) return nothing
  let held = true
  let next: Deadline
  const tick = (): void => {
    next = renewals.add(tick)
    renew.call(store, key, owner, leaseMs).then(still => {
      if (still || !held) return
      stop()
      log.warn({ key }, 'piopiy-webhooks: the claim was lost while its callbacks ran (the store forgot it, or its lease lapsed): a copy may run them again')
    }, (err: unknown) => {
      log.warn({ err, key }, 'piopiy-webhooks: the idempotency store could not renew a claim; trying again')
    })
  }
  next = renewals.add(tick)
  const stop = (): void => {
    held = false
    renewals.cancel(next)
  }
  return stop
}
