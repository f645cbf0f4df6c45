/**
 * `onInvalid` and `onError` are called before the answer is written, and never waited for: a slow hook
 * cannot delay an answer (or hold a request open), yet it sees every rejected request and every failure.
 * A hook that throws, or whose promise rejects, is logged.
 */
import type { Logger } from './logger.js'

/** A promise, or anything with a `then` a user's callback may return. */
export const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  typeof value === 'object' && value !== null && typeof (value as PromiseLike<unknown>).then === 'function'

/** Runs `call` (a hook named `name`) now; its promise, if any, settles on its own time. */
export function callHook (log: Logger, name: 'onInvalid' | 'onError', call: () => unknown): void {
  const failed = (err: unknown): void => { log.error({ err }, `piopiy-webhooks: ${name} threw`) }
  try {
    const result = call()
    if (isThenable(result)) result.then(undefined, failed)
  } catch (err) {
    failed(err)
  }
}
