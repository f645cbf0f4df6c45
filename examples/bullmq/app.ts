// The webhook answers 200 once the notification is a job in Redis; a worker runs the callbacks.
import { createPiopiyWorker, enqueueTo } from '@piopiy-webhooks/bullmq'
import { piopiyPlugin } from '@piopiy-webhooks/fastify'
import { Queue, type ConnectionOptions } from 'bullmq'
import Fastify, { type FastifyInstance } from 'fastify'

export const QUEUE = 'piopiy'

/** The Redis of the queue: `REDIS_URL`, or a local one. */
export const redisUrlFrom = (env: Record<string, string | undefined>): string => env['REDIS_URL'] ?? 'redis://127.0.0.1:6379'

/** The web side: a Fastify app whose webhook enqueues to `queue` (requires `?token=` when PIOPIY_TOKEN is set). */
export async function createApp (queue: Queue, log: (line: string) => void = console.log): Promise<FastifyInstance> {
  const app = Fastify()
  const token = process.env['PIOPIY_TOKEN']
  await app.register(piopiyPlugin, {
    ...enqueueTo(queue, { attempts: 5 }),
    ...(token !== undefined && { auth: { token } }),
    onInvalid: info => { log(`rejected with ${info.status}: ${info.reasons.join('; ')}`) }
  })
  app.get('/health', async () => 'ok')
  return app
}

/** A producer queue: `enableOfflineQueue: false` so that a webhook answers 503 at once while Redis is away. */
export const createQueue = (connection: { url: string }): Queue =>
  new Queue(QUEUE, { connection: { ...connection, enableOfflineQueue: false } })

/**
 * The worker side: the receiver's callbacks with the job. Execution is at least once (a worker that
 * dies mid-job leaves it to run again), so the write is keyed by job.id: here a Set stands for your
 * table with a unique key (`INSERT … ON CONFLICT (job_id) DO NOTHING`).
 */
export function createWorker (connection: ConnectionOptions, log: (line: string) => void = console.log) {
  const saved = new Set<string>()
  return createPiopiyWorker(QUEUE, {
    connection,
    concurrency: 10,
    async onInboundAnswered (cdr, job) {
      if (saved.has(job.id as string)) return // already written by an earlier run
      saved.add(job.id as string)
      log(`saved answered: ${cdr.from} → ${cdr.to}, ${cdr.duration} s, at ${cdr.time.toISOString()} (job ${String(job.id)})`)
    },
    onInboundMissed (cdr) {
      log(`missed: ${cdr.from} called ${cdr.to} at ${cdr.time.toISOString()}`)
    },
    onError (err, job) {
      log(`job ${String(job.id)} failed (attempt ${job.attemptsMade + 1}): ${err.message}`)
    }
  })
}
