/**
 * Things due a fixed delay after they were added (the callback timeout, the lease renewals), on one timer
 * for all of them instead of a `setTimeout` per request. With one delay for all, they fall due in the order
 * they were added: a queue, whose head alone has the timer. Cancelling marks an entry; it is dropped when it
 * reaches the head. Time is `Date.now()` and the timer `setTimeout`, read when used (fake clocks apply).
 */

/**
 * One entry: when it falls due, what to run then, and the controller of the work it bounds, if any (aborted by
 * `abortWaiting` while the entry waits, e.g. when the receiver closes). Both are `undefined` once it fired or was
 * cancelled, so that an entry left in the queue until its batch is dropped holds nothing of its request.
 *
 * A class, not an object literal. V8 watches how many of a literal's objects outlive a young-generation GC,
 * and once most do (entries waiting in the queue for their batch to be dropped, in a GC early in a server's
 * life), allocates that literal in the old generation from then on. A server process that took that decision
 * promoted each request's objects instead of letting them die young (the path from the entries to them was
 * not traced) and ran ~30 % slower for the rest of its life; one in three or four did (bench/findings.md,
 * "Eighth round"). Objects made with `new` are never allocated old by that rule.
 */
export class Deadline {
  constructor (readonly at: number, public fire: (() => void) | undefined, public controller: AbortController | undefined) {}
}

/** Dropped entries are removed from the queue this many at a time. */
const DROP_BATCH = 1024

export class Deadlines {
  /** How long after `add` an entry fires. */
  readonly delayMs: number
  #queue: Deadline[] = []
  /** Index of the first entry not dropped yet. */
  #head = 0
  /** Entries neither fired nor cancelled: the timer keeps the process alive only while there is one. */
  #live = 0
  /** Armed at or before the head's time whenever an entry is live; left armed (unref'd) when none is. */
  #timer: ReturnType<typeof setTimeout> | undefined

  constructor (delayMs: number) {
    this.delayMs = delayMs
  }

  /**
   * Runs `fire` once the delay has passed, unless the entry is cancelled before. `now` is the time the delay
   * counts from: `Date.now()`, or a reading of it the caller took earlier in the same turn (a clock read
   * costs ~50 ns on some VMs). `controller`: the work's, for `abortWaiting` while the entry waits.
   */
  add (fire: () => void, now = Date.now(), controller?: AbortController): Deadline {
    const deadline = new Deadline(now + this.delayMs, fire, controller)
    this.#queue.push(deadline)
    if (this.#live++ === 0) {
      if (this.#timer === undefined) this.#arm(this.delayMs)
      else this.#timer.ref()
    }
    return deadline
  }

  /** Cancels `deadline`; false when it already fired (or was cancelled). */
  cancel (deadline: Deadline): boolean {
    if (deadline.fire === undefined) return false
    deadline.fire = undefined
    deadline.controller = undefined
    let head = this.#head
    const queue = this.#queue
    while (head < queue.length && (queue[head] as Deadline).fire === undefined) head++
    this.#drop(head)
    if (--this.#live === 0) this.#timer?.unref() // fires once more at most, finds nothing, and stops
    return true
  }

  /** Aborts, with `reason`, the controller of every entry still waiting (neither fired nor cancelled). */
  abortWaiting (reason: unknown): void {
    const queue = this.#queue
    for (let i = this.#head; i < queue.length; i++) {
      const { fire, controller } = queue[i] as Deadline
      if (fire !== undefined) controller?.abort(reason)
    }
  }

  #arm (ms: number): void {
    this.#timer = setTimeout(this.#expire, ms)
  }

  /** Moves the head to `head`; the entries before it go in batches (not one by one, and not down to an empty array each time). */
  #drop (head: number): void {
    if (head >= DROP_BATCH && head * 2 >= this.#queue.length) {
      this.#queue.splice(0, head)
      head = 0
    }
    this.#head = head
  }

  /** Fires every entry due, then arms the timer for the next live one; fired last, so that they may add entries. */
  readonly #expire = (): void => {
    this.#timer = undefined
    const now = Date.now()
    const queue = this.#queue
    const due: Array<() => void> = []
    let head = this.#head
    for (; head < queue.length; head++) {
      const deadline = queue[head] as Deadline
      if (deadline.fire === undefined) continue
      if (deadline.at > now) break
      due.push(deadline.fire)
      deadline.fire = undefined
      deadline.controller = undefined
      this.#live--
    }
    this.#drop(head)
    if (this.#live > 0) this.#arm(Math.max(1, (queue[this.#head] as Deadline).at - now))
    for (const fire of due) fire()
  }
}
