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

/**
 * Callbacks still running: `promise` settles when the last has (it rejects with what the callback threw);
 * `name` is the callback awaited now, for the error's message (`callbackFailed`). A class, not an object literal:
 * it lives as long as the callback. With callbacks of 10 ms, V8 decided to allocate five literal sites old in 4 of 8
 * server processes while this and the two claim records (delivery.ts, idempotency.ts) were literals, and none in 8
 * after (bench/findings.md, ninth round; how such a decision cost the timeout queue's entries: eighth round).
 */
export class Running { constructor (public promise: Promise<unknown>, public name: CallbackName) {} }

/**
 * Runs the callbacks in order; synchronous callbacks stay synchronous (no promise, no timer). A synchronous
 * throw is thrown as CALLBACK_FAILED; the first promise returned makes the rest wait for it.
 */
export function invoke (callbacks: readonly CallbackEntry[], record: Notification, ctx: CallbackContext): Running | undefined {
  for (let i = 0; i < callbacks.length; i++) {
    const [name, fn] = callbacks[i] as CallbackEntry
    let result: unknown
    try {
      result = fn(record as never, ctx)
    } catch (err) {
      throw callbackFailed(name, err)
    }
    if (!isThenable(result)) continue
    // the last callback's own promise is waited for as it is (Promise.resolve returns a native promise unchanged)
    const running = new Running(Promise.resolve(result), name)
    if (i < callbacks.length - 1) running.promise = finishAsync(running, callbacks, i + 1, record, ctx)
    return running
  }
  return undefined
}

async function finishAsync (running: Running, callbacks: readonly CallbackEntry[], from: number, record: Notification, ctx: CallbackContext): Promise<void> {
  await running.promise
  for (let i = from; i < callbacks.length; i++) {
    const [name, fn] = callbacks[i] as CallbackEntry
    running.name = name
    await fn(record as never, ctx)
  }
}

/** A callback's throw or rejection, named after the callback. */
export const callbackFailed = (name: CallbackName, err: unknown): PiopiyWebhookError =>
  failure('CALLBACK_FAILED', 500, `${name} threw: ${(err as Error)?.message ?? String(err)}`, err)

export const TIMED_OUT = Symbol('timed out')

/** How `running` ended within `ms`: `undefined` (resolved), `{ err }` (rejected) or TIMED_OUT. One promise, one timer. */
export const within = (running: Promise<void>, ms: number): Promise<{ err: unknown } | typeof TIMED_OUT | undefined> =>
  new Promise(resolve => {
    const timer = setTimeout(resolve, ms, TIMED_OUT)
    running.then(() => { clearTimeout(timer); resolve(undefined) }, (err: unknown) => { clearTimeout(timer); resolve({ err }) })
  })
