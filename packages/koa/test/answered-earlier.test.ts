// An earlier middleware wrote the response to ctx.res itself: Koa would drop our answer without a word;
// the middleware logs it instead, and nothing is thrown. Over a real Koa server on 127.0.0.1.
import { closeServer } from '@piopiy-webhooks/contract-tests'
import Koa from 'koa'
import { once } from 'node:events'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { piopiyMiddleware } from '../src/index.js'

const cdr = JSON.stringify({ cmiuuid: 'early-1', appid: 2222222, direction: 'inbound', status: 'answered', leg: 'a', from: 919900000001, to: 914400000001, time: 1700000000000, duration: 13 })

t.test('an answer already written is reported, not thrown', async t => {
  const errors: Array<{ obj: unknown, msg: string | undefined }> = []
  const logger = { debug () {}, info () {}, warn () {}, error (obj: unknown, msg?: string) { errors.push({ obj, msg }) } }
  const appErrors: unknown[] = []
  const middleware = piopiyMiddleware({ logger })
  const app = new Koa()
  app.on('error', err => { appErrors.push(err) })
  app.use(async (ctx, next) => { ctx.res.writeHead(503).end('busy'); await next() })
  app.use(middleware)
  const server = app.listen(0, '127.0.0.1')
  await once(server, 'listening')
  t.teardown(async () => { await closeServer(server) })
  const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook/cdr`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: cdr })
  t.equal(res.status, 503)
  t.equal(await res.text(), 'busy')
  t.match(errors, [{ obj: { status: 200 }, msg: /already sent by an earlier middleware/ }])
  t.same(appErrors, [], 'no error reached Koa')
  t.type(middleware.close, 'function')
})
