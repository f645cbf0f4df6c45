// npm run example:bullmq   (needs a Redis: REDIS_URL, default redis://127.0.0.1:6379; PORT=3000 by default)
// One process runs both sides for the demo; in production, run the worker in processes of its own.
import { portFrom } from '../port.js'
import { createApp, createQueue, createWorker, redisUrlFrom } from './app.js'

const connection = { url: redisUrlFrom(process.env) }
const queue = createQueue(connection)
const worker = createWorker(connection)
const app = await createApp(queue)
await app.listen({ port: portFrom(process.env), host: '127.0.0.1' })
console.log(`BullMQ: PIOPIY webhooks on http://127.0.0.1:${(app.server.address() as { port: number }).port}/webhook/cdr`)
const stop = (): void => {
  void app.close().then(async () => { await worker.close(); await queue.close() })
}
process.once('SIGTERM', stop)
process.once('SIGINT', stop)
