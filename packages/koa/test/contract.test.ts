// The shared HTTP contract, over a real Koa server on 127.0.0.1.
import { bodyParser } from '@koa/bodyparser'
import Router from '@koa/router'
import { PREFIX, runAdapterContract, closeServer } from '@piopiy-webhooks/contract-tests'
import Koa from 'koa'
import mount from 'koa-mount'
import { once } from 'node:events'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { piopiyMiddleware } from '../src/index.js'

void runAdapterContract(t, 'koa', async (options, where) => {
  const app = new Koa()
  const router = new Router()
  router.get('/health', ctx => { ctx.body = 'ok' })
  router.post('/echo', bodyParser(), ctx => { ctx.body = { type: typeof ctx.request.body, body: ctx.request.body as unknown } })
  if (where === 'after-body-parser') app.use(bodyParser())
  app.use(router.routes())
  if (where === 'prefix') {
    const hooks = new Koa()
    hooks.use(piopiyMiddleware(options))
    app.use(mount(PREFIX, hooks))
  } else {
    app.use(piopiyMiddleware(options))
  }
  const server = app.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}${where === 'prefix' ? PREFIX : ''}`,
    close: async () => { await closeServer(server) }
  }
})
