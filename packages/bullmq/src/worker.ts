/**
 * createPiopiyWorker: a BullMQ Worker that runs the receiver's typed callbacks on the jobs of
 * `enqueueTo`. Each job's raw notification is parsed again with `parseNotification`, so a callback
 * gets exactly the record the receiver would have given it (Dates, decimal strings, parsed
 * `extra_params`, frozen `raw`).
 */
import {
  type CallEventRecord, consoleLogger, type InboundAnsweredCdr, type InboundMissedCdr, type Logger, type Notification,
  type OutboundAnsweredCdr, type OutboundMissedCdr, parseNotification, PiopiyWebhookError, type StreamEventRecord
} from '@piopiy-webhooks/core'
import { type Job, UnrecoverableError, Worker, type WorkerOptions } from 'bullmq'
import type { PiopiyJobData } from './job-data.js'

/** A job of `enqueueTo`, as the worker's callbacks receive it. */
export type PiopiyJob = Job<PiopiyJobData, void, string>

type JobCallback<T> = (record: T, job: PiopiyJob) => unknown

/** The receiver's callbacks, on the worker side: `(record, job)` instead of `(record, ctx)`. */
export interface PiopiyWorkerCallbacks {
  /** An inbound call was answered: the CDR of one leg. */
  onInboundAnswered?: JobCallback<InboundAnsweredCdr>
  /** An inbound call was missed. */
  onInboundMissed?: JobCallback<InboundMissedCdr>
  /** An outbound call was answered. */
  onOutboundAnswered?: JobCallback<OutboundAnsweredCdr>
  /** An outbound call was missed. */
  onOutboundMissed?: JobCallback<OutboundMissedCdr>
  /** A live call event (`in_answered`, `out_started`, `hangup`, `ringing`, …). */
  onCallEvent?: JobCallback<CallEventRecord>
  /** An AI stream event (`stream_connected` / `stream_disconnected`). */
  onStreamEvent?: JobCallback<StreamEventRecord>
  /** Every notification, unknown kinds included; runs after the specific callback. */
  onNotification?: JobCallback<Notification>
  /**
   * A run of a job failed: a callback threw (`PiopiyWebhookError` `CALLBACK_FAILED`, the attempt in
   * its message; BullMQ retries it while attempts remain), or the job holds no valid notification.
   * @default logs at error
   */
  onError?: (err: Error, job: PiopiyJob) => unknown
  /**
   * Logger, pino-compatible: the default `onError` and the worker's connection errors go there.
   * @default quiet console logger (warn and error only)
   */
  logger?: Logger
}

/** Options of {@link createPiopiyWorker}: the callbacks, and BullMQ's `WorkerOptions` (`connection`, `concurrency`, …). */
export type PiopiyWorkerOptions = PiopiyWorkerCallbacks & WorkerOptions

const CALLBACKS = ['onInboundAnswered', 'onInboundMissed', 'onOutboundAnswered', 'onOutboundMissed', 'onCallEvent', 'onStreamEvent', 'onNotification'] as const
type Named = readonly [name: string, fn: JobCallback<never>]

const fail = (message: string): never => {
  throw new PiopiyWebhookError('INVALID_OPTIONS', `createPiopiyWorker: ${message}`)
}

/** The callbacks of each kind of notification, in the receiver's order: the specific one, then onNotification. */
function dispatchTable (options: PiopiyWorkerCallbacks): (n: Notification) => readonly Named[] {
  const named = (...names: Array<typeof CALLBACKS[number]>): readonly Named[] =>
    names.flatMap(name => options[name] === undefined ? [] : [[name, options[name] as JobCallback<never>] as const])
  const cdr = {
    inbound: { answered: named('onInboundAnswered', 'onNotification'), missed: named('onInboundMissed', 'onNotification') },
    outbound: { answered: named('onOutboundAnswered', 'onNotification'), missed: named('onOutboundMissed', 'onNotification') }
  }
  const other = { event: named('onCallEvent', 'onNotification'), stream: named('onStreamEvent', 'onNotification'), unknown: named('onNotification') }
  return n => n.kind === 'cdr' ? cdr[n.direction][n.status] : other[n.kind]
}

/**
 * A BullMQ `Worker` on queue `name` that runs the typed callbacks of each job of `enqueueTo`:
 * `createPiopiyWorker('piopiy', { connection, onInboundAnswered: async (cdr, job) => save(cdr) })`.
 *
 * A callback that throws fails the run: `onError` is told and BullMQ retries the job with the
 * `attempts` and `backoff` given to `enqueueTo`, then leaves it in the failed set (with its raw
 * notification). Execution is at least once: a worker that dies mid-job leaves it to be run again,
 * so make writes idempotent with `job.id` (the same for every copy of a notification).
 */
export function createPiopiyWorker (name: string, options: PiopiyWorkerOptions): Worker<PiopiyJobData, void, string> {
  if (typeof name !== 'string' || name === '') fail('name must be the queue name')
  if (typeof options !== 'object' || options === null) fail('options must be an object with a connection and callbacks')
  const { onError, logger = consoleLogger, ...rest } = options
  for (const cb of [...CALLBACKS, 'onError'] as const) {
    if (options[cb] !== undefined && typeof options[cb] !== 'function') fail(`${cb} must be a function`)
  }
  if (!CALLBACKS.some(cb => options[cb] !== undefined)) fail(`give at least one callback (${CALLBACKS.join(', ')})`)
  const workerOptions: Record<string, unknown> = rest
  for (const cb of CALLBACKS) delete workerOptions[cb]
  const callbacksFor = dispatchTable(options)

  const report = async (err: Error, job: PiopiyJob): Promise<void> => {
    try {
      if (onError === undefined) logger.error({ err, jobId: job.id, key: job.data.key }, 'piopiy-webhooks: job failed')
      else await onError(err, job)
    } catch (hookError) {
      logger.error({ err: hookError }, 'piopiy-webhooks: onError threw')
    }
  }

  const worker = new Worker<PiopiyJobData, void, string>(name, async job => {
    const parsed = parseNotification(job.data.raw)
    if (!parsed.ok) {
      const err = new UnrecoverableError(`job ${String(job.id)} holds no valid notification: ${parsed.reasons.join('; ')}`)
      await report(err, job)
      throw err
    }
    for (const [cb, fn] of callbacksFor(parsed.notification)) {
      try {
        await fn(parsed.notification as never, job)
      } catch (err) {
        const attempt = `attempt ${job.attemptsMade + 1} of ${Math.max(1, job.opts.attempts as number)}` // BullMQ sets 0 when none was given: one run
        await report(new PiopiyWebhookError('CALLBACK_FAILED', `${cb} threw on ${attempt} of job ${String(job.id)}`, { cause: err }), job)
        throw err // BullMQ's own handling: retry with backoff, or fail at once for an UnrecoverableError
      }
    }
  }, workerOptions as unknown as WorkerOptions)
  // without a listener, a connection error would be thrown by the EventEmitter
  worker.on('error', err => { logger.error({ err }, 'piopiy-webhooks: worker error') })
  return worker
}
