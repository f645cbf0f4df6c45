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
import type { Notification } from './records.js'

const SPECIAL = /[%:]/
const escapeChar = (c: string): string => c === '%' ? '%25' : '%3A'

/** A field written so that it cannot contain a separator, nor be read as another field or as "missing". */
export function keyField (value: string | number | undefined): string {
  if (value === undefined) return '-'
  if (typeof value === 'number') return String(value)
  if (SPECIAL.test(value)) return value.replace(/[%:]/g, escapeChar)
  return value === '-' ? '%2D' : value
}

/** The dedupe key of `n` (see the module's comment). */
export function dedupeKey (n: Notification): string {
  // join builds one flat string; a template literal builds a tree of ~10 cons strings that the memory store
  // would keep for the key's lifetime (bench/memory.mjs: 794 → 147 bytes per key at 1 M keys)
  return [n.kind, keyField(n.appId), keyField(n.direction), keyField(n.status), keyField(n.leg), keyField(n.cmiuuid)].join(':')
}
