/**
 * The dedupe key of a notification: `${kind}:${appId}:${direction}:${status}:${leg}:${cmiuuid}`, e.g.
 * `cdr:2222222:inbound:answered:a:55348d77-c515-425d-b22c-f0c6ecd8d780`.
 *
 * Injective: two notifications that differ in any of these fields never share a key. Each field is
 * written as sent, except that `%` becomes `%25` and `:` becomes `%3A` (so a field can never stand for
 * two), a field that is exactly `-` becomes `%2D`, and a missing field is `-`. Keys of ordinary values
 * (no `%` or `:`, none exactly `-`) are the same as before the escaping was added, so the keys a
 * Redis store already holds stay valid.
 */
import { finishHash, hashOn, SEED } from './done-keys.js'
import type { Notification } from './records.js'

const escapeChar = (c: string): string => c === '%' ? '%25' : '%3A'

/** A field written so that it cannot contain a separator, nor be read as another field or as "missing". */
export function keyField (value: string | number | undefined): string {
  if (value === undefined) return '-'
  if (typeof value === 'number') return String(value) // only when the prefix is built anew (prefixOf below)
  // two indexOf scans cost less than a regular expression test on these short fields
  if (value.includes('%') || value.includes(':')) return value.replace(/[%:]/g, escapeChar)
  return value === '-' ? '%2D' : value
}

/**
 * The fields before the cmiuuid, as last written: a receiver sees a few combinations, mostly the same one in a row.
 * It starts with a kind no notification has, so the first prefix is built like any other.
 */
let last: { kind: string, appId?: number | undefined, direction?: string | undefined, status?: string | undefined, leg?: string | undefined, prefix: string, state: number } =
  { kind: '', prefix: '', state: SEED }

/** `kind:appId:direction:status:leg:` of `n`: the last one when its fields are the same. */
function prefixOf (n: Notification): string {
  if (n.kind === last.kind && n.appId === last.appId && n.direction === last.direction && n.status === last.status && n.leg === last.leg) return last.prefix
  // join builds one flat string: a template literal would build a tree of cons strings
  const prefix = [n.kind, keyField(n.appId), keyField(n.direction), keyField(n.status), keyField(n.leg), ''].join(':')
  last = { kind: n.kind, appId: n.appId, direction: n.direction, status: n.status, leg: n.leg, prefix, state: hashOn(SEED, prefix) }
  return prefix
}

/**
 * The dedupe key of `n` (see the module's comment): the prefix, shared by every key of the same kind, app,
 * direction, status and leg, joined to the cmiuuid as sent. V8 keeps the key as two parts pointing at those two
 * strings (32 bytes besides the cmiuuid the record holds anyway); the memory store keeps it that way for the key's
 * lifetime, about what one flat copy of it would cost (bench/memory.mjs).
 */
export function dedupeKey (n: Notification): string {
  return prefixOf(n) + keyField(n.cmiuuid)
}

/**
 * `hashKey(dedupeKey(n))` (done-keys.ts), for the memory store: the prefix's share of the hash is kept with the prefix,
 * so only the cmiuuid is read (a third of the characters, and a flat string where the key is made of two parts).
 */
export function keyHash (n: Notification): number {
  prefixOf(n)
  return finishHash(hashOn(last.state, keyField(n.cmiuuid)))
}
