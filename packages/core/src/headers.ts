/**
 * Reading request headers. Node gives a repeated header as an array only for a few names; adapters
 * may pass any header that way. Two readings, each named for what it returns.
 */
import type { RequestHeaders } from './types.js'

/**
 * Every value of the header, joined with `, ` as HTTP folds repeated field lines. For content-type and
 * content-length: a repeated one stays visibly odd (`text/html, application/json` is not accepted).
 */
export const joinedHeader = (headers: RequestHeaders, name: string): string | undefined => {
  const value = headers[name]
  return Array.isArray(value) ? value.join(', ') : value
}

/**
 * The header's first value. For credentials (a token, `authorization`), which hold one value each, and for
 * `x-forwarded-for`, which Node already gives as one joined string.
 */
export const firstHeader = (headers: RequestHeaders, name: string): string | undefined => {
  const value = headers[name]
  return Array.isArray(value) ? value[0] : value
}

/** application/json, application/*+json and text/plain, any charset; a missing content-type is accepted. */
export function acceptsContentType (value: string | undefined): boolean {
  if (value === undefined || value === 'application/json') return true // the platform's own: no parsing
  if (value.trim() === '') return true
  const type = (value.split(';')[0] as string).trim().toLowerCase()
  return type === 'application/json' || type === 'text/plain' || (type.startsWith('application/') && type.endsWith('+json'))
}
