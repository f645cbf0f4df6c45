/**
 * enqueueTo: receiver options under which every valid notification becomes one BullMQ job, and the
 * webhook answers 200 only once that job is stored in Redis.
 */
import { type CallbackContext, type Notification, PiopiyWebhookError, type ReceiverOptions } from '@piopiy-webhooks/core'
import type { BackoffOptions, JobsOptions } from 'bullmq'
import type { PiopiyJobData } from './job-data.js'
import { jobIdOf } from './job-id.js'

/** The one method of a BullMQ `Queue` that `enqueueTo` uses. */
export interface QueueLike {
  add (name: string, data: PiopiyJobData, opts?: JobsOptions): Promise<unknown>
}

/** Options of {@link enqueueTo}: how jobs are retried, kept and deduplicated. */
export interface EnqueueOptions {
  /**
   * Runs of a job before it is left in the failed set (the first run included).
   * @default 5
   */
  attempts?: number
  /**
   * Pause before each retry: a number of ms (fixed), or BullMQ's `{ type: 'fixed' | 'exponential', delay }`.
   * @default { type: 'exponential', delay: 2000 } (2, 4, 8, 16 s)
   */
  backoff?: number | BackoffOptions
  /**
   * How long, in ms, a copy of a notification still makes no second job after its job was added,
   * even once that job completed and was removed. PIOPIY resends a CDR up to 30 min after the first
   * delivery: keep this above 30 min.
   * @default 3600000 (1 hour)
   */
  dedupeTtlMs?: number
  /**
   * BullMQ's `removeOnComplete`: `true`, a number of jobs to keep, or `{ age, count }`.
   * @default { count: 1000 } (the last 1 000 completed jobs stay, for inspection)
   */
  removeOnComplete?: JobsOptions['removeOnComplete']
  /**
   * BullMQ's `removeOnFail`.
   * @default false (a job that used all its attempts stays in the failed set, with its notification)
   */
  removeOnFail?: JobsOptions['removeOnFail']
}

/** What {@link enqueueTo} returns: spread it into the receiver or adapter options. */
export interface EnqueueReceiverOptions extends ReceiverOptions {
  /** The queue deduplicates (by job id), so the receiver's own store is off. */
  idempotency: false
  /** Adds the notification to the queue; resolves once Redis stored it. */
  onNotification: (n: Notification, ctx: CallbackContext) => Promise<void>
}

const fail = (message: string): never => {
  throw new PiopiyWebhookError('INVALID_OPTIONS', `enqueueTo: ${message}`)
}
const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 1

/**
 * Receiver options that hand every valid notification to `queue` as one job:
 * `app.register(piopiyPlugin, { ...enqueueTo(queue), auth: { token } })`.
 *
 * - The answer is `200` once `queue.add` resolved: the job is in Redis. If it fails (Redis
 *   unreachable), the answer is `503` and `onError` gets a `STORE_FAILED` error: the platform retries.
 * - Exactly one job per notification: the job id is the dedupe key (`:` and `%` percent-encoded),
 *   so copies on any instance, at any time while the job exists, add nothing; and the job carries
 *   BullMQ's deduplication id with a TTL of `dedupeTtlMs`, so a copy after the job completed and was
 *   removed adds nothing either.
 * - Jobs are named after the notification's kind (`cdr`, `event`, `stream`, `unknown`) and carry
 *   {@link PiopiyJobData}; run them with `createPiopiyWorker`.
 */
export function enqueueTo (queue: QueueLike, options: EnqueueOptions = {}): EnqueueReceiverOptions {
  if (typeof queue !== 'object' || queue === null || typeof queue.add !== 'function') fail('queue must be a BullMQ Queue')
  if (typeof options !== 'object' || options === null) fail('options must be an object')
  const {
    attempts = 5, backoff = { type: 'exponential', delay: 2000 }, dedupeTtlMs = 3_600_000,
    removeOnComplete = { count: 1000 }, removeOnFail = false
  } = options
  if (!isCount(attempts)) fail('attempts must be a positive integer')
  if (!isCount(dedupeTtlMs)) fail('dedupeTtlMs must be a positive integer (ms)')
  return {
    idempotency: false,
    async onNotification (n, ctx) {
      const data: PiopiyJobData = { raw: n.raw, key: ctx.key, receivedAt: ctx.receivedAt.toISOString(), ip: ctx.ip }
      const jobId = jobIdOf(ctx.key)
      try {
        await queue.add(n.kind, data, { jobId, deduplication: { id: jobId, ttl: dedupeTtlMs }, attempts, backoff, removeOnComplete, removeOnFail })
      } catch (err) {
        throw new PiopiyWebhookError('STORE_FAILED', `enqueueTo: the queue did not store ${ctx.key} (see cause)`, { cause: err, statusCode: 503 })
      }
    }
  }
}
