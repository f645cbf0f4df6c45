/** Keys that must never reach an object's prototype chain. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype'])

/** Removes forbidden keys everywhere in a parsed JSON value (in place), up to `depth` levels. */
export function stripForbiddenKeys (value: unknown, depth = 64): void {
  if (typeof value !== 'object' || value === null || depth === 0) return
  if (Array.isArray(value)) {
    for (const item of value) stripForbiddenKeys(item, depth - 1)
    return
  }
  for (const key of Object.keys(value)) {
    if (FORBIDDEN_KEYS.has(key)) delete (value as Record<string, unknown>)[key]
    else stripForbiddenKeys((value as Record<string, unknown>)[key], depth - 1)
  }
}

/**
 * `JSON.parse` that never lets `__proto__`, `constructor` or `prototype` keys through. The scan only
 * runs when the text could hold one of them (a cheap substring test, as secure-json-parse does).
 */
export function parseJson (text: string): unknown {
  const value: unknown = JSON.parse(text)
  if (text.includes('__proto__') || text.includes('constructor') || text.includes('prototype') || text.includes('\\u')) {
    stripForbiddenKeys(value)
  }
  return value
}
