/** Keys that must never reach an object's prototype chain. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype'])

/**
 * Makes a parsed JSON value safe to hand out, in one walk: removes `__proto__`, `constructor` and
 * `prototype` keys when `strip` is set (JSON.parse keeps them as own properties, which a later
 * `Object.assign` or merge would turn into prototype pollution) and deep-freezes every object. Walks at
 * most `depth` levels; deeper values are left as they are (the schemas never look that deep).
 */
export function harden<T> (value: T, strip = true, depth = 64): T {
  if (typeof value !== 'object' || value === null || depth === 0) return value
  for (const key in value) {
    if (strip && FORBIDDEN_KEYS.has(key)) delete value[key]
    else if (typeof value[key] === 'object') harden(value[key], strip, depth - 1)
  }
  return Object.freeze(value)
}

/** Whether JSON text could hold a forbidden key (written plainly or with \u escapes): a few fast scans. */
const mayHoldForbiddenKey = (text: string): boolean =>
  text.includes('__proto__') || text.includes('constructor') || text.includes('prototype') || text.includes('\\u')

/** `JSON.parse`, hardened: no forbidden keys anywhere, every object frozen. */
export const parseJson = (text: string): unknown => harden(JSON.parse(text), mayHoldForbiddenKey(text))
