// Koa-only behaviour: where the middleware sits relative to the app's body parser.
import { bodyParser } from '@koa/bodyparser'
import type { InvalidInfo } from '@piopiy-webhooks/core'
import Koa from 'koa'
import { once } from 'node:events'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { piopiyMiddleware } from '../src/index.js'
import { silentLogger } from '@piopiy-webhooks/core'
import { closeServer } from '@piopiy-webhooks/contract-tests'

type Tap = Parameters<Parameters<typeof t.test>[0]>[0]
const seed = {
  cmiuuid: 'k0a-0001', appid: 2222222, direction: 'inbound', status: 'answered', leg: 'a',
  from: 919900000001, to: 914400000001, time: 1700000000000, duration: 13, billedsec: 60, rate: 0.5
}

async function serve (t: Tap, build: (app: Koa, webhook: Koa.Middleware) => void) {
  const invalid: InvalidInfo[] = []
  const fired: string[] = []
  const app = new Koa()
  app.silent = true // the parser's own errors are expected here
  build(app, piopiyMiddleware({
    logger: silentLogger,
    onInvalid: info => { invalid.push(info) },
    onNotification: record => { fired.push(record.cmiuuid) }
  }))
  const server = app.listen(0, '127.0.0.1')
  await once(server, 'listening')
  t.teardown(async () => { await closeServer(server) })
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const post = async (path: string, body: string) => {
    const res = await fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: Buffer.from(body) })
    return { status: res.status, body: await res.text() }
  }
  return { post, invalid, fired }
}

t.test('mounted before bodyParser(): malformed JSON gets our 400 and onInvalid, other routes still get parsed bodies', async t => {
  const { post, invalid, fired } = await serve(t, (app, webhook) => {
    app.use(webhook)
    app.use(bodyParser())
    app.use(ctx => { ctx.body = { parsed: ctx.request.body as unknown } })
  })
  const res = await post('/webhook/cdr', '{"cmiuuid": ')
  t.equal(res.status, 400)
  t.same(invalid.map(i => [i.status, i.rawBody]), [[400, '{"cmiuuid": ']])
  t.same(JSON.parse((await post('/other', '{"a":1}')).body), { parsed: { a: 1 } })
  t.equal((await post('/webhook/cdr', JSON.stringify(seed))).status, 200)
  t.same(fired, ['k0a-0001'])
})

t.test('after @koa/bodyparser, the text it kept is what the core validates and onInvalid sees', async t => {
  const { post, invalid, fired } = await serve(t, (app, webhook) => { app.use(bodyParser()); app.use(webhook) })
  const spaced = JSON.stringify({ ...seed, direction: 'sideways' }, null, 2)
  t.equal((await post('/webhook/cdr', spaced)).status, 400)
  t.equal(invalid[0]?.rawBody, spaced, 'byte for byte, not re-serialized')
  t.equal((await post('/webhook/cdr', JSON.stringify(seed))).status, 200)
  t.same(fired, ['k0a-0001'])
})

t.test('after @koa/bodyparser, malformed JSON is answered by the parser: no callback fires (mount before it to get onInvalid)', async t => {
  const { post, invalid, fired } = await serve(t, (app, webhook) => { app.use(bodyParser()); app.use(webhook) })
  t.equal((await post('/webhook/cdr', '{"cmiuuid": ')).status, 400)
  t.same([invalid, fired], [[], []])
})

t.test('after a parser that keeps no raw text, the parsed body is validated', async t => {
  const { post, invalid, fired } = await serve(t, (app, webhook) => {
    app.use(async (ctx, next) => {
      let text = ''
      for await (const chunk of ctx.req) text += String(chunk)
      ;(ctx.request as { body?: unknown }).body = JSON.parse(text)
      await next()
    })
    app.use(webhook)
  })
  t.equal((await post('/webhook/cdr', JSON.stringify(seed))).status, 200)
  t.equal((await post('/webhook/cdr', JSON.stringify({ ...seed, cmiuuid: '' }))).status, 400)
  t.same(JSON.parse(invalid[0]?.rawBody ?? ''), { ...seed, cmiuuid: '' }, 'onInvalid gets the parsed body as JSON')
  t.same(fired, ['k0a-0001'])
})
