import { NOT_BLANK } from './generated/schemas.js'
import { PHONE_MAX_LENGTH, PHONE_PATTERN } from './phone.js'
import * as generated from './generated/validators.js'
import type { NotificationKind } from './records.js'

/** What an Ajv validator reports for each problem (the fields read here). */
interface ErrorObject { keyword: string, instancePath: string, params: Record<string, unknown> }
type Validator = ((payload: unknown) => boolean) & { errors?: ErrorObject[] | null }

/**
 * One validator per kind: Ajv's standalone code, generated from the wire schemas at build time
 * (scripts/generate.ts), so that neither Ajv nor TypeBox is loaded or compiles anything at start-up.
 */
const validators = generated as unknown as Record<NotificationKind, Validator>
/**
 * Each validator's happy path, generated from the same schema: `true` only for a payload the validator accepts,
 * with no error objects and less code (scripts/generated-source.ts, `acceptsSource`); on `false` the validator decides.
 */
const accepts: Record<NotificationKind, (payload: unknown) => boolean> = generated.accepts

/** Checks a payload against its kind's schema; returns human-readable reasons (empty when valid). */
export function validate (kind: NotificationKind, payload: Record<string, unknown>): string[] {
  const identified = payload.cmiuuid !== undefined || payload.cmuuid !== undefined
  if (identified && (kind === 'unknown' || payload.appid !== undefined || payload.app_id !== undefined) && accepts[kind](payload)) return []
  const reasons: string[] = []
  if (!identified) reasons.push('cmiuuid: is required')
  if (kind !== 'unknown' && payload.appid === undefined && payload.app_id === undefined) reasons.push('appid: is required (app_id is accepted too)')
  const validator = validators[kind]
  if (!validator(payload)) {
    for (const error of validator.errors as ErrorObject[]) reasons.push(describeError(error, payload))
  }
  return reasons
}

const ARTICLES: Record<string, string> = { integer: 'an integer', object: 'an object', array: 'an array', null: 'null' }
const withArticle = (type: string): string => ARTICLES[type] ?? `a ${type}`

/** What a value is, for messages: `string "13"`, `number 1.5`, `array`, `null`. */
export function describeValue (value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'string') return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`
  return withArticle(typeof value)
}

/** Turns one Ajv error into `"<field>: <what is wrong>"` (nested fields as `connect.0.number`). */
export function describeError (error: ErrorObject, payload: Record<string, unknown>): string {
  const field = error.instancePath.slice(1).replaceAll('/', '.')
  const value = field === '' ? payload : error.instancePath.slice(1).split('/').reduce<unknown>((node, key) => (node as Record<string, unknown>)?.[key], payload)
  const got = ` (got ${describeValue(value)})`
  switch (error.keyword) {
    case 'required':
      return `${field === '' ? '' : `${field}.`}${(error.params as { missingProperty: string }).missingProperty}: is required`
    case 'type': {
      const types = String((error.params as { type: string | string[] }).type).split(',')
      return `${field}: must be ${types.map(withArticle).join(' or ')}${got}`
    }
    case 'enum':
      return `${field}: must be one of ${(error.params as { allowedValues: string[] }).allowedValues.map(v => `'${v}'`).join(', ')}${got}`
    case 'minimum':
    case 'maximum':
      return `${field}: must be ${error.keyword === 'minimum' ? '>=' : '<='} ${String((error.params as { limit: number }).limit)}${got}`
    case 'const':
      return `${field}: must be ${JSON.stringify((error.params as { allowedValue: unknown }).allowedValue)}${got}`
    case 'minItems':
      return `${field}: must not be empty`
    default: { // pattern
      const pattern = (error.params as { pattern: string }).pattern
      if (pattern === NOT_BLANK || (pattern === PHONE_PATTERN && !/\S/.test(value as string))) return `${field}: must not be empty`
      return pattern === PHONE_PATTERN ? `${field}: must be a phone number of at most ${PHONE_MAX_LENGTH} characters${got}` : `${field}: has an unexpected format${got}`
    }
  }
}
