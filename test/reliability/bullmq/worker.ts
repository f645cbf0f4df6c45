/**
 * One worker process of the BullMQ reliability test: createPiopiyWorker on the shared Redis. Each
 * callback run asks the parent whether it fails (some first attempts do; a run the parent never
 * answers is one whose process it kills mid-job), then makes its write idempotent with job.id:
 * `SADD completed <job.id>`, counting a run that finds it already there.
 * Env: REDIS_PORT, QUEUE.
 */
import { createPiopiyWorker } from '@piopiy-webhooks/bullmq'
import { Redis } from 'ioredis'
import type { FromWorker, ToChild } from './protocol.js'

const send = (message: FromWorker): void => { process.send?.(message) }
const port = Number(process.env['REDIS_PORT'])
const queue = process.env['QUEUE'] as string
const redis = new Redis(port, '127.0.0.1')
const verdicts = new Map<number, (fail: boolean) => void>()
let seq = 0

const worker = createPiopiyWorker(queue, {
  connection: { host: '127.0.0.1', port },
  concurrency: 8,
  // a killed worker's jobs are taken back within seconds (defaults: 30 s)
  lockDuration: 5000,
  stalledInterval: 2000,
  logger: { debug () {}, info () {}, warn () {}, error () {} },
  async onInboundAnswered (cdr, job) {
    const id = ++seq
    const fail = await new Promise<boolean>(resolve => {
      verdicts.set(id, resolve)
      send({ type: 'start', id, jobId: job.id as string, attempt: job.attemptsMade + 1 })
    })
    if (fail) throw new Error(`planned failure of ${cdr.cmiuuid}`)
    // the idempotent write: one member per job, whatever the number of runs
    if (await redis.sadd(`${queue}:completed`, job.id as string) === 0) send({ type: 'twice', jobId: job.id as string })
  },
  onError (err) { send({ type: 'error', code: 'code' in err ? String(err.code) : err.name }) }
})
process.on('message', (message: ToChild) => {
  if (message.type === 'verdict') {
    verdicts.get(message.id)?.(message.fail)
    verdicts.delete(message.id)
  } else {
    void worker.close().then(() => { redis.disconnect(); process.disconnect() })
  }
})
await worker.waitUntilReady()
send({ type: 'ready' })
