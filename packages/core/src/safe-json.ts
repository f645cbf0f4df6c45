/** Keys that must never reach an object's prototype chain. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype'])

/**
 * Whether a key is one of {@link FORBIDDEN_KEYS}. Keys that JSON.parse produces are internalized strings,
 * so these three comparisons are pointer checks: cheaper than a Set lookup per key, and cheaper than the
 * scans of the whole text for the three names that they replace.
 */
export const isForbidden = (key: string): boolean => key === '__proto__' || key === 'constructor' || key === 'prototype'

/**
 * Makes a parsed JSON value safe to hand out, in one walk: removes `__proto__`, `constructor` and
 * `prototype` keys when `strip` is set (JSON.parse keeps them as own properties, which a later
 * `Object.assign` or merge would turn into prototype pollution) and deep-freezes every object. Walks at
 * most `depth` levels; deeper values are left as they are (the schemas never look that deep).
 */
export function harden<T> (value: T, strip = true, depth = 64): T {
  if (typeof value !== 'object' || value === null || depth === 0) return value
  for (const key in value) {
    const member: unknown = value[key]
    if (strip && isForbidden(key)) delete value[key]
    else if (typeof member === 'object' && member !== null) harden(member, strip, depth - 1)
  }
  return Object.freeze(value)
}

/** `JSON.parse`, hardened: no forbidden keys anywhere, every object frozen. */
export const parseJson = (text: string): unknown => harden(JSON.parse(text))
