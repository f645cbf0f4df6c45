/**
 * Running a notification's callbacks: in order, synchronous ones without a promise or a timer, and
 * an asynchronous run bounded by a timeout. Any failure becomes a PiopiyWebhookError CALLBACK_FAILED.
 */
import { PiopiyWebhookError, type PiopiyWebhookErrorCode } from './errors.js'
import type { Notification } from './records.js'
import type { CallbackContext } from './types.js'

export type Callback = (record: never, ctx: CallbackContext) => unknown
export type Named = readonly [name: string, fn: Callback]

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  typeof value === 'object' && value !== null && typeof (value as PromiseLike<unknown>).then === 'function'

/** Runs the callbacks in order; synchronous callbacks stay synchronous (no promise, no timer). */
export function invoke (callbacks: readonly Named[], record: Notification, ctx: CallbackContext): Promise<void> | undefined {
  for (let i = 0; i < callbacks.length; i++) {
    const [name, fn] = callbacks[i] as Named
    let result: unknown
    try {
      result = fn(record as never, ctx)
    } catch (err) {
      throw callbackFailed(name, err)
    }
    if (isThenable(result)) return finishAsync(result, name, callbacks.slice(i + 1), record, ctx)
  }
  return undefined
}

async function finishAsync (first: PromiseLike<unknown>, firstName: string, rest: readonly Named[], record: Notification, ctx: CallbackContext): Promise<void> {
  let name = firstName
  try {
    await first
    for (const [restName, fn] of rest) {
      name = restName
      await fn(record as never, ctx)
    }
  } catch (err) {
    throw callbackFailed(name, err)
  }
}

/** What failed (`code`: which step) wrapping what was thrown (`cause`), even when that is a PiopiyWebhookError itself. */
export const failure = (code: PiopiyWebhookErrorCode, message: string, cause: unknown, statusCode: number): PiopiyWebhookError =>
  new PiopiyWebhookError(code, message, { cause, statusCode })

/** A callback's throw or rejection, named after the callback. */
const callbackFailed = (name: string, err: unknown): PiopiyWebhookError =>
  failure('CALLBACK_FAILED', `${name} threw: ${(err as Error)?.message ?? String(err)}`, err, 500)

export const TIMED_OUT = Symbol('timed out')

/** How `running` ended within `ms`: `undefined` (resolved), `{ err }` (rejected) or TIMED_OUT. One promise, one timer. */
export const within = (running: Promise<void>, ms: number): Promise<{ err: unknown } | typeof TIMED_OUT | undefined> =>
  new Promise(resolve => {
    const timer = setTimeout(resolve, ms, TIMED_OUT)
    running.then(() => { clearTimeout(timer); resolve(undefined) }, (err: unknown) => { clearTimeout(timer); resolve({ err }) })
  })
