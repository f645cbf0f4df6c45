/**
 * `ctx.signal`: every callback's context carries an AbortSignal, aborted when its time is up
 * (`handlerTimeoutMs`, `callControlTimeoutMs`) or when the receiver closes, so a callback can stop
 * its own work (pass it to `fetch`, a database driver, a timer). See docs/reliability.md.
 */
import type { Deadlines } from './deadlines.js'
import type { Logger } from './logger.js'
import type { NotificationKind } from './records.js'
import { KEEP } from './steady.js'
import type { CallbackContext, RequestHeaders } from './types.js'

/** Why a signal was aborted: the standard `TimeoutError` (as `AbortSignal.timeout()` gives) or `AbortError`. */
export const timeoutReason = (message: string): DOMException => new DOMException(message, 'TimeoutError')
const CLOSED_MESSAGE = 'the receiver closed'

/**
 * The controllers of the callbacks still running, to abort them all when the receiver closes: the call-control
 * callbacks' (`track`), and those of the entries waiting in the timeout queues it watches (`watch`). A notification's
 * async callbacks are bounded by an entry of the delivery's timeout queue for as long as they run, so that entry
 * holds their controller, and no set is added to and deleted from per notification.
 */
export class Aborts {
  /** The controllers tracked, and KEEP (steady.ts). */
  readonly #running = new Set<AbortController | typeof KEEP>([KEEP])
  /** Timeout queues whose waiting entries' controllers `close()` aborts. */
  readonly #queues: Deadlines[] = []
  #closed = false

  /** A controller for one request's callbacks (aborted already when the receiver is closed). */
  open (): AbortController {
    const controller = new AbortController()
    if (this.#closed) controller.abort(new DOMException(CLOSED_MESSAGE, 'AbortError'))
    return controller
  }

  /** Keeps `controller` until `running` settles, so that `close()` aborts it meanwhile. */
  track (controller: AbortController, running: Promise<unknown>): void {
    this.#running.add(controller)
    const done = (): void => { this.#running.delete(controller) }
    running.then(done, done)
  }

  /** Has `close()` abort the controller of every entry waiting in `queue` (Deadlines.add's `controller`). */
  watch (queue: Deadlines): void {
    this.#queues.push(queue)
  }

  /** Aborts every callback running now, and those of any request handled after. */
  close (): void {
    this.#closed = true
    const reason = new DOMException(CLOSED_MESSAGE, 'AbortError')
    for (const controller of this.#running) if (controller !== KEEP) controller.abort(reason)
    for (const queue of this.#queues) queue.abortWaiting(reason)
    this.#running.clear()
    this.#running.add(KEEP) // never empty (steady.ts)
  }
}

/** Replaces an accessor of the context's prototype with an own property of `ctx`, as an assignment to a plain object would make. */
const ownProperty = (ctx: object, name: string, value: unknown): void => {
  Object.defineProperty(ctx, name, { value, writable: true, enumerable: true, configurable: true })
}

/**
 * A callback's `ctx` (a notification's, `kind` one of its kinds; or `onAnswer`'s and `onDtmf`'s, `kind` its route):
 * own data properties, except `signal` and `receivedAt`, made when first read. On Node 20 an AbortSignal costs
 * microseconds to make (most of a webhook request's CPU) and a `Date` ~50–80 ns (a call into the runtime, a tenth of a
 * fresh CDR's own delivery), and few callbacks read either: the controller is cheap and is aborted all the same, so a
 * signal read late is aborted already; `receivedAt` keeps the clock reading taken when the request arrived, and every
 * read gives the same `Date`. A callback may assign either: it is an own property from then on.
 */
export class SignalContext<Kind extends string> {
  key: string
  kind: Kind
  headers: RequestHeaders
  ip: string | undefined
  log: Logger
  readonly #controller: AbortController
  /** When the request arrived: the `Date.now()` reading, until `receivedAt` is first read; its `Date` from then on. */
  #receivedAt: number | Date

  constructor (key: string, kind: Kind, receivedAt: number, headers: RequestHeaders, ip: string | undefined, log: Logger, controller: AbortController) {
    this.key = key
    this.kind = kind
    this.headers = headers
    this.ip = ip
    this.log = log
    this.#controller = controller
    this.#receivedAt = receivedAt
  }

  /** The controller of `ctx.signal`, for the receiver (not a property of the context: callbacks see only `signal`). */
  static controllerOf (ctx: SignalContext<string>): AbortController { return ctx.#controller }

  get signal (): AbortSignal { return this.#controller.signal }

  set signal (value: AbortSignal) { ownProperty(this, 'signal', value) }

  get receivedAt (): Date {
    const at = this.#receivedAt
    return typeof at === 'number' ? (this.#receivedAt = new Date(at)) : at
  }

  set receivedAt (value: Date) { ownProperty(this, 'receivedAt', value) }
}

/** A notification callback's `ctx` (a {@link CallbackContext}). */
export type DeliveryContext = SignalContext<NotificationKind>
