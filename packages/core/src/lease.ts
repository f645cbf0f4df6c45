/**
 * Claims and their leases, as the receiver holds them: every claim gets an owner token unique across
 * processes, and while its callbacks run in this process the lease is renewed every third of its length,
 * so that only a crashed process lets it lapse (docs/reliability.md, "Leases").
 */
import { randomBytes } from 'node:crypto'
import type { IdempotencyStore } from './idempotency.js'
import type { Logger } from './logger.js'

/** Makes owner tokens: a random id of this receiver, then a counter (`'Zk3…:1'`, `'Zk3…:2'`, …). */
export function ownerTokens (): () => string {
  const id = randomBytes(9).toString('base64url')
  let seq = 0
  return () => `${id}:${++seq}`
}

const nothing = (): void => {}

/**
 * Renews `owner`'s claim of `key` every `leaseMs / 3` until the returned function is called. A renewal
 * that fails (the store is down) is tried again at the next tick; a claim found lost (the store forgot
 * it, or it lapsed while this process was stalled) is reported once and no longer renewed.
 */
export function holdLease (store: IdempotencyStore, key: string, owner: string, leaseMs: number, log: Logger): () => void {
  const renew = store.renew
  if (renew === undefined) return nothing
  let held = true
  const tick = (): void => {
    renew.call(store, key, owner, leaseMs).then(still => {
      if (still || !held) return
      stop()
      log.warn({ key }, 'piopiy-webhooks: the claim was lost while its callbacks ran (the store forgot it, or its lease lapsed): a copy may run them again')
    }, (err: unknown) => {
      log.warn({ err, key }, 'piopiy-webhooks: the idempotency store could not renew a claim; trying again')
    })
  }
  const timer = setInterval(tick, Math.max(1, Math.floor(leaseMs / 3)))
  timer.unref()
  const stop = (): void => {
    held = false
    clearInterval(timer)
  }
  return stop
}
