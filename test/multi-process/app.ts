/**
 * One app instance of the multi-process test: an HTTP server (node:http + the core, or a framework
 * adapter) on 127.0.0.1, with a RedisIdempotencyStore on the shared Redis. Its callback reports
 * every run to the parent, which answers whether this run fails (some do, once).
 * Run with the parent's execArgv (TypeScript loader, source condition); env: REDIS_URL, ADAPTER.
 */
import { createServer, type Server } from 'node:http'
import { createReceiver, silentLogger, type ReceiverOptions } from '@piopiy-webhooks/core'
import { RedisIdempotencyStore } from '@piopiy-webhooks/redis'
import type { Adapter, ToApp, ToParent } from './protocol.js'

const send = (message: ToParent): void => { process.send?.(message) }
const url = process.env['REDIS_URL'] as string
const adapter = (process.env['ADAPTER'] ?? 'node') as Adapter

const store = new RedisIdempotencyStore({ url })
const verdicts = new Map<number, (fail: boolean) => void>()
let seq = 0

const options: ReceiverOptions = {
  idempotency: store,
  logger: silentLogger,
  async onInboundAnswered (cdr, ctx) {
    const id = ++seq
    const fail = await new Promise<boolean>(resolve => { verdicts.set(id, resolve); send({ type: 'fire', id, key: ctx.key }) })
    if (fail) throw new Error('planned failure: the platform will retry')
  },
  onError (err) { send({ type: 'error', code: 'code' in err ? String(err.code) : err.name }) }
}

async function listen (): Promise<{ port: number, close: () => Promise<void> }> {
  if (adapter === 'fastify') {
    const { default: Fastify } = await import('fastify')
    const { piopiyPlugin } = await import('@piopiy-webhooks/fastify')
    const app = Fastify()
    await app.register(piopiyPlugin, options)
    await app.listen({ host: '127.0.0.1', port: 0 })
    return { port: (app.server.address() as { port: number }).port, close: async () => { await app.close() } }
  }
  let server: Server
  if (adapter === 'express' || adapter === 'koa') {
    const { piopiyMiddleware } = await import(`@piopiy-webhooks/${adapter}`) as { piopiyMiddleware: (o: ReceiverOptions) => unknown }
    if (adapter === 'express') {
      const { default: express } = await import('express')
      const app = express()
      app.use(piopiyMiddleware(options) as Parameters<typeof app.use>[0])
      server = createServer(app)
    } else {
      const { default: Koa } = await import('koa')
      const app = new Koa()
      app.use(piopiyMiddleware(options) as Parameters<typeof app.use>[0])
      server = createServer(app.callback())
    }
  } else {
    const receiver = createReceiver(options)
    server = createServer((req, res) => {
      void receiver.handle({ method: req.method as string, path: req.url as string, headers: req.headers, rawBody: req, ip: req.socket.remoteAddress })
        .then(answer => { res.writeHead(answer.status, answer.headers).end(answer.body) })
    })
  }
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as { port: number }).port,
    close: async () => { server.closeAllConnections(); await new Promise(resolve => server.close(resolve)) }
  }
}

const { port, close } = await listen()
process.on('message', (message: ToApp) => {
  if (message.type === 'verdict') {
    verdicts.get(message.id)?.(message.fail)
    verdicts.delete(message.id)
  } else {
    void close().then(async () => { await store.close() }).then(() => { process.disconnect() })
  }
})
send({ type: 'ready', port, adapter })
