import { invalidOptions } from './errors.js'
import type { IdempotencyStore } from './idempotency.js'
import { MemoryIdempotencyStore } from './idempotency.js'
import { consoleLogger, type Logger } from './logger.js'
import type { AuthOptions, CallbackName, ReceiverOptions } from './types.js'

// Each list is checked against its type: an option added to the type but not here fails the type-check.
const CALLBACK_OPTIONS = {
  onInboundAnswered: true, onInboundMissed: true, onOutboundAnswered: true, onOutboundMissed: true,
  onCallEvent: true, onStreamEvent: true, onNotification: true, onInvalid: true, onError: true, onAnswer: true, onDtmf: true
} as const satisfies Record<CallbackName, true>
const OTHER_OPTIONS = {
  path: true, idempotency: true, bodyLimit: true, bodyTimeoutMs: true, handlerTimeoutMs: true, leaseMs: true, auth: true, logger: true,
  answerPath: true, actionPath: true, fallback: true, callControlTimeoutMs: true
} as const satisfies Record<Exclude<keyof ReceiverOptions, CallbackName>, true>
const AUTH_OPTIONS = { token: true, basic: true, allowIps: true, trustProxy: true, appIds: true } as const satisfies Record<keyof AuthOptions, true>

/** Every option that is a callback, in the order the docs list them. */
export const CALLBACKS = Object.keys(CALLBACK_OPTIONS) as CallbackName[]
const KNOWN = new Set<string>([...CALLBACKS, ...Object.keys(OTHER_OPTIONS)])
const AUTH_KNOWN = new Set(Object.keys(AUTH_OPTIONS))

/** Options with every default applied. */
export interface ResolvedOptions extends Omit<ReceiverOptions, 'path' | 'idempotency' | 'bodyLimit' | 'bodyTimeoutMs' | 'handlerTimeoutMs' | 'logger'> {
  path: string
  idempotency: IdempotencyStore | undefined
  bodyLimit: number
  bodyTimeoutMs: number
  handlerTimeoutMs: number
  logger: Logger
}

/** Edit distance, for "did you mean" hints on misspelt option names. */
function distance (a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0] as number
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const current = row[j] as number
      row[j] = Math.min(current + 1, (row[j - 1] as number) + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1))
      previous = current
    }
  }
  return row[b.length] as number
}

function checkKeys (object: object, known: Set<string>, where: string): void {
  for (const key of Object.keys(object)) {
    if (known.has(key)) continue
    const hint = [...known].find(k => distance(k.toLowerCase(), key.toLowerCase()) <= 3)
    invalidOptions(`unknown option '${where}${key}'${hint === undefined ? '' : ` (did you mean '${where}${hint}'?)`}`)
  }
}

/** The longest delay `setTimeout` keeps (a longer one fires at once). */
const MAX_TIMER = 2_147_483_647

const isPositive = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value > 0

/** Validates options at start-up (a typo is caught here, not at the first webhook) and applies defaults. */
export function resolveOptions (options: ReceiverOptions = {}): ResolvedOptions {
  if (typeof options !== 'object' || options === null) invalidOptions('options must be an object')
  checkKeys(options, KNOWN, '')
  for (const name of CALLBACKS) {
    if (options[name] !== undefined && typeof options[name] !== 'function') invalidOptions(`${name} must be a function`)
  }
  const { path = '/webhook/cdr', idempotency, bodyLimit = 65_536, bodyTimeoutMs = 10_000, handlerTimeoutMs = 10_000, logger = consoleLogger, auth } = options
  if (typeof path !== 'string' || !path.startsWith('/') || path.includes('?')) invalidOptions(`path must be a string starting with '/' (got ${String(path)})`)
  if (!isPositive(bodyLimit) || !Number.isInteger(bodyLimit)) invalidOptions('bodyLimit must be a positive integer (bytes)')
  if (!isPositive(bodyTimeoutMs) || bodyTimeoutMs > MAX_TIMER) invalidOptions(`bodyTimeoutMs must be a positive number of ms, at most ${MAX_TIMER}`)
  if (!isPositive(handlerTimeoutMs)) invalidOptions('handlerTimeoutMs must be a positive number (ms)')
  if (options.leaseMs !== undefined && !isPositive(options.leaseMs)) invalidOptions('leaseMs must be a positive number (ms)')
  if (idempotency !== undefined && idempotency !== false &&
    !(typeof idempotency === 'object' && idempotency !== null && ['claim', 'complete', 'release'].every(m => typeof (idempotency as unknown as Record<string, unknown>)[m] === 'function'))) {
    invalidOptions('idempotency must be false or an IdempotencyStore (claim, complete, release)')
  }
  if (typeof logger !== 'object' || logger === null || !['debug', 'info', 'warn', 'error'].every(m => typeof (logger as unknown as Record<string, unknown>)[m] === 'function')) {
    invalidOptions('logger must have debug, info, warn and error methods')
  }
  if (auth !== undefined) {
    if (typeof auth !== 'object' || auth === null) invalidOptions('auth must be an object')
    checkKeys(auth, AUTH_KNOWN, 'auth.')
  }
  return {
    ...options,
    path,
    idempotency: idempotency === false ? undefined : idempotency ?? new MemoryIdempotencyStore(),
    bodyLimit,
    bodyTimeoutMs,
    handlerTimeoutMs,
    logger
  }
}
