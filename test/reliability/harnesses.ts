/** Real servers on 127.0.0.1 with each adapter mounted at the root, for the reliability tests (web: Hono on @hono/node-server). */
import { serve } from '@hono/node-server'
import { getConnInfo } from '@hono/node-server/conninfo'
import type { Harness, MakeHarness } from '@piopiy-webhooks/contract-tests'
import { closeServer } from '@piopiy-webhooks/contract-tests'
import { piopiyMiddleware as expressMiddleware } from '@piopiy-webhooks/express'
import { piopiyPlugin } from '@piopiy-webhooks/fastify'
import { piopiyMiddleware as koaMiddleware } from '@piopiy-webhooks/koa'
import { piopiyHandler } from '@piopiy-webhooks/web'
import express from 'express'
import Fastify from 'fastify'
import { Hono, type Context } from 'hono'
import Koa from 'koa'
import { once } from 'node:events'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { silentLogger } from '@piopiy-webhooks/core'

async function listening (server: Server): Promise<Harness> {
  await once(server, 'listening')
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => { await closeServer(server) }
  }
}

export const harnesses: Record<string, MakeHarness> = {
  fastify: async options => {
    const app = Fastify()
    await app.register(piopiyPlugin, { logger: silentLogger, ...options })
    return { url: await app.listen({ port: 0, host: '127.0.0.1' }), close: () => app.close() }
  },
  express: async options => {
    const app = express()
    app.use(expressMiddleware({ logger: silentLogger, ...options }))
    return await listening(app.listen(0, '127.0.0.1'))
  },
  koa: async options => {
    const app = new Koa()
    app.use(koaMiddleware({ logger: silentLogger, ...options }))
    return await listening(app.listen(0, '127.0.0.1'))
  },
  web: async options => {
    const handle = piopiyHandler({ logger: silentLogger, ...options, getClientIp: (_request, c: Context) => getConnInfo(c).remote.address })
    const app = new Hono()
    app.use((c, next) => handle.matches(c.req.path) ? handle(c.req.raw, c) : next())
    return await listening(serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server)
  }
}
