/**
 * One app instance of the BullMQ reliability test: node:http + the core receiver with enqueueTo on
 * the shared Redis. Tells the parent of every 200 it wrote, so the parent can kill it right after.
 * Env: REDIS_PORT, QUEUE.
 */
import { createServer } from 'node:http'
import { createReceiver } from '@piopiy-webhooks/core'
import { Queue } from 'bullmq'
import { enqueueTo } from '@piopiy-webhooks/bullmq'
import type { FromApp, ToChild } from './protocol.js'

const send = (message: FromApp): void => { process.send?.(message) }
const queue = new Queue(process.env['QUEUE'] as string, { connection: { host: '127.0.0.1', port: Number(process.env['REDIS_PORT']), enableOfflineQueue: false } })
const receiver = createReceiver({
  ...enqueueTo(queue, { backoff: { type: 'fixed', delay: 10 }, removeOnComplete: false }),
  logger: { debug () {}, info () {}, warn () {}, error () {} },
  onError (err) { send({ type: 'error', code: 'code' in err ? String(err.code) : err.name }) }
})
const server = createServer((req, res) => {
  void receiver.handle({ method: req.method as string, path: req.url as string, headers: req.headers, rawBody: req, ip: req.socket.remoteAddress })
    .then(answer => {
      res.writeHead(answer.status, answer.headers).end(answer.body, () => {
        if (answer.status === 200) send({ type: 'answered' })
      })
    })
})
await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
process.on('message', (message: ToChild) => {
  if (message.type !== 'shutdown') return
  server.closeAllConnections()
  server.close(() => { void queue.close().then(() => { process.disconnect() }) })
})
send({ type: 'ready', port: (server.address() as { port: number }).port })
