/** Keys that must never reach an object's prototype chain. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype'])

/**
 * Makes a parsed JSON value safe to hand out, in one walk: removes `__proto__`, `constructor` and
 * `prototype` keys (JSON.parse keeps them as own properties, which a later `Object.assign` or merge
 * would turn into prototype pollution) and deep-freezes every object. Walks at most `depth` levels;
 * deeper values are left as they are (the schemas never look that deep).
 */
export function harden<T> (value: T, depth = 64): T {
  if (typeof value !== 'object' || value === null || depth === 0) return value
  for (const key in value) {
    if (FORBIDDEN_KEYS.has(key)) delete value[key]
    else harden(value[key], depth - 1)
  }
  return Object.freeze(value)
}

/** `JSON.parse`, hardened: no forbidden keys anywhere, every object frozen. */
export const parseJson = (text: string): unknown => harden(JSON.parse(text))
