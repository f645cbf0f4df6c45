/** A real redis-server per test file, BullMQ queues on it, and receivers that enqueue to them. */
import { createReceiver, type Logger, type Receiver, type ReceiverOptions, type WebhookResponse } from '@piopiy-webhooks/core'
import { Queue } from 'bullmq'
import { Redis } from 'ioredis'
import { startRedis, type RedisServer } from '../../redis/test/helpers/redis-server.js'
import { createPiopiyWorker, enqueueTo, type EnqueueOptions, type PiopiyWorkerCallbacks } from '../src/index.js'

export { until } from '../../redis/test/helpers/until.js'

type T = { teardown: (fn: () => unknown) => void }

export const silent: Logger = { debug () {}, info () {}, warn () {}, error () {} }

/** Starts a redis-server for this test (file); stopped at teardown. */
export async function redisFor (t: T, options: { persistent?: boolean } = {}): Promise<RedisServer> {
  const redis = await startRedis(options)
  t.teardown(redis.stop)
  return redis
}

/** BullMQ connection options for it: BullMQ creates (and closes) its own ioredis clients. */
export const connectionTo = (redis: RedisServer, extra: Record<string, unknown> = {}) => ({ host: '127.0.0.1', port: redis.port, ...extra })

/** A plain ioredis client on `redis`, to look at what BullMQ stored; quit at teardown. */
export function clientOn (t: T, redis: RedisServer): Redis {
  const client = new Redis(redis.port, '127.0.0.1')
  t.teardown(() => { client.disconnect() })
  return client
}

let queues = 0
/** A fresh queue name. */
export const newQueueName = (): string => `q${++queues}`

/** A queue on `redis` (a fresh name unless given), closed at teardown. */
export function queueOn (t: T, redis: RedisServer, options: { name?: string, connection?: Record<string, unknown> } = {}): Queue {
  const queue = new Queue(options.name ?? newQueueName(), { connection: connectionTo(redis, options.connection) })
  queue.on('error', () => {}) // connection errors while a test has killed Redis
  t.teardown(async () => { await queue.close() })
  return queue
}

/** A receiver (the core, as every adapter runs it) whose notifications go to `queue`. */
export const receiverFor = (queue: Queue, enqueue: EnqueueOptions = {}, options: ReceiverOptions = {}): Receiver =>
  createReceiver({ ...enqueueTo(queue, enqueue), logger: silent, ...options })

/** One POST as an adapter hands it to the core. */
export async function post (receiver: Receiver, body: unknown): Promise<WebhookResponse> {
  const rawBody = typeof body === 'string' ? body : JSON.stringify(body)
  return await receiver.handle({ method: 'POST', path: '/webhook/cdr', headers: { 'content-type': 'application/json' }, rawBody, ip: '127.0.0.1' })
}

/** The inbound answered CDR of the documented sample, with its own cmiuuid. */
export const cdr = (cmiuuid: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  to: 440000000000,
  appid: 2222222,
  time: 1632318511000,
  start_time: 1632318510,
  end_time: 1632318528,
  from: 440000000001,
  direction: 'inbound',
  duration: 13,
  extra_params: "{ 'Name': 'Akil', 'ID':8915726 }",
  cmiuuid,
  call_rate: '0.450000',
  balance: '878.900000',
  conversation_uuid: 'c62abd10-1bab-11ec-8e24-ddb7c33510ad',
  answer_time: 1632318515,
  leg: 'a',
  status: 'answered',
  ...extra
})

/** A worker on queue `name` of `redis`, closed at teardown. */
export function workerOn (t: T, redis: RedisServer, name: string, options: PiopiyWorkerCallbacks & Record<string, unknown>): ReturnType<typeof createPiopiyWorker> {
  const worker = createPiopiyWorker(name, { connection: connectionTo(redis), logger: silent, ...options })
  t.teardown(async () => { await worker.close() })
  return worker
}

/** A logger that keeps what it is told. */
export function recordingLogger (): Logger & { lines: Array<{ level: string, obj: unknown, msg: string | undefined }> } {
  const lines: Array<{ level: string, obj: unknown, msg: string | undefined }> = []
  const at = (level: string) => (obj: unknown, msg?: string): void => { lines.push({ level, obj, msg }) }
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }
}
