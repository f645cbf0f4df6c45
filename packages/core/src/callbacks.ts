/**
 * A notification's callbacks: which ones it reaches (the callback table), and running them in order,
 * synchronous ones without a promise or a timer, an asynchronous run bounded by a timeout. Any failure
 * becomes a PiopiyWebhookError CALLBACK_FAILED.
 */
import { failure, type PiopiyWebhookError } from './errors.js'
import { isThenable } from './hooks.js'
import type { Notification } from './records.js'
import type { CallbackContext, CallbackName, ReceiverOptions } from './types.js'

export type Callback = (record: never, ctx: CallbackContext) => unknown
/** One callback the user gave, with its option name (for error messages). */
export type CallbackEntry = readonly [name: CallbackName, fn: Callback]
/** The callbacks a notification reaches, in the order they run. */
export type CallbackTable = (n: Notification) => readonly CallbackEntry[]

/** The callbacks each kind of notification reaches: its specific one (if given), then `onNotification`. */
export function callbackTable (options: Pick<ReceiverOptions, CallbackName>): CallbackTable {
  const given = (...names: CallbackName[]): readonly CallbackEntry[] =>
    names.flatMap(name => typeof options[name] === 'function' ? [[name, options[name] as Callback] as const] : [])
  // looked up by property, never by a string built per request (a fresh string key costs a hash and a dictionary probe)
  const cdr = {
    inbound: { answered: given('onInboundAnswered', 'onNotification'), missed: given('onInboundMissed', 'onNotification') },
    outbound: { answered: given('onOutboundAnswered', 'onNotification'), missed: given('onOutboundMissed', 'onNotification') }
  }
  const other = { event: given('onCallEvent', 'onNotification'), stream: given('onStreamEvent', 'onNotification'), unknown: given('onNotification') }
  return n => n.kind === 'cdr' ? cdr[n.direction][n.status] : other[n.kind]
}

/** Runs the callbacks in order; synchronous callbacks stay synchronous (no promise, no timer). */
export function invoke (callbacks: readonly CallbackEntry[], record: Notification, ctx: CallbackContext): Promise<void> | undefined {
  for (let i = 0; i < callbacks.length; i++) {
    const [name, fn] = callbacks[i] as CallbackEntry
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

async function finishAsync (first: PromiseLike<unknown>, firstName: CallbackName, rest: readonly CallbackEntry[], record: Notification, ctx: CallbackContext): Promise<void> {
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

/** A callback's throw or rejection, named after the callback. */
const callbackFailed = (name: CallbackName, err: unknown): PiopiyWebhookError =>
  failure('CALLBACK_FAILED', 500, `${name} threw: ${(err as Error)?.message ?? String(err)}`, err)

export const TIMED_OUT = Symbol('timed out')

/** How `running` ended within `ms`: `undefined` (resolved), `{ err }` (rejected) or TIMED_OUT. One promise, one timer. */
export const within = (running: Promise<void>, ms: number): Promise<{ err: unknown } | typeof TIMED_OUT | undefined> =>
  new Promise(resolve => {
    const timer = setTimeout(resolve, ms, TIMED_OUT)
    running.then(() => { clearTimeout(timer); resolve(undefined) }, (err: unknown) => { clearTimeout(timer); resolve({ err }) })
  })
