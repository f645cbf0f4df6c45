/**
 * `ctx.signal`: every callback's context carries an AbortSignal, aborted when its time is up
 * (`handlerTimeoutMs`, `callControlTimeoutMs`) or when the receiver closes, so a callback can stop
 * its own work (pass it to `fetch`, a database driver, a timer). See docs/reliability.md.
 */

/** Why a signal was aborted: the standard `TimeoutError` (as `AbortSignal.timeout()` gives) or `AbortError`. */
export const timeoutReason = (message: string): DOMException => new DOMException(message, 'TimeoutError')
const CLOSED_MESSAGE = 'the receiver closed'

/** The controllers of the callbacks still running, to abort them all when the receiver closes. */
export class Aborts {
  readonly #running = new Set<AbortController>()
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

  /** Aborts every callback running now, and those of any request handled after. */
  close (): void {
    this.#closed = true
    const reason = new DOMException(CLOSED_MESSAGE, 'AbortError')
    for (const controller of this.#running) controller.abort(reason)
    this.#running.clear()
  }
}
