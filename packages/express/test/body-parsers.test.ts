// Express-only behaviour: whatever body parser the app mounted before the middleware, the core
// still decides (malformed JSON 400, the parser's own size limit 413, text and raw bodies), and
// errors that are not ours go on to the app's error handler.
import type { InvalidInfo, ReceiverOptions } from '@piopiy-webhooks/core'
import express, { type ErrorRequestHandler, type RequestHandler } from 'express'
import express4 from 'express4'
import { once } from 'node:events'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { piopiyMiddleware } from '../src/index.js'
import { silentLogger } from '@piopiy-webhooks/core'
import { closeServer } from '@piopiy-webhooks/contract-tests'

const seed = JSON.stringify({
  cmiuuid: 'b1f8c0de-0001', appid: 2222222, direction: 'inbound', status: 'answered', leg: 'a',
  from: 919900000001, to: 914400000001, time: 1700000000000, duration: 13, billedsec: 60, rate: 0.5
})

async function serve (t: Tap, lib: typeof express, parsers: RequestHandler[], options: ReceiverOptions = {}) {
  const invalid: InvalidInfo[] = []
  const fired: string[] = []
  const app = lib()
  for (const parser of parsers) app.use(parser)
  app.use(piopiyMiddleware({
    logger: silentLogger,
    ...options,
    onInvalid: info => { invalid.push(info) },
    onNotification: record => { fired.push(record.cmiuuid) }
  }))
  const appErrors: unknown[] = []
  const errorHandler: ErrorRequestHandler = (err, _req, res, _next) => { appErrors.push(err); res.status(499).send('app error handler') }
  app.use(errorHandler)
  const server = app.listen(0, '127.0.0.1')
  await once(server, 'listening')
  t.teardown(async () => { await closeServer(server) })
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const post = async (path: string, body: string, contentType = 'application/json') => {
    const res = await fetch(base + path, { method: 'POST', headers: { 'content-type': contentType }, body: Buffer.from(body) })
    return { status: res.status, body: await res.text() }
  }
  return { post, invalid, fired, appErrors }
}
type Tap = Parameters<Parameters<typeof t.test>[0]>[0]

for (const [major, lib] of [['express 5', express], ['express 4', express4 as unknown as typeof express]] as const) {
  t.test(`${major}: malformed JSON after express.json() answers the core's 400, and onInvalid gets the text as sent`, async t => {
    const { post, invalid, fired, appErrors } = await serve(t, lib, [lib.json()])
    const res = await post('/webhook/cdr', '{"cmiuuid": "x", ')
    t.equal(res.status, 400)
    t.match(JSON.parse(res.body), { error: 'Bad Request', reasons: [/^body: is not valid JSON/] })
    t.same(invalid.map(i => [i.status, i.rawBody]), [[400, '{"cmiuuid": "x", ']])
    t.same(fired, [])
    t.same(appErrors, [], "the app's error handler never saw it")
  })

  t.test(`${major}: a body over express.json()'s own limit answers 413 and reaches onInvalid`, async t => {
    const { post, invalid, fired } = await serve(t, lib, [lib.json({ limit: 100 })])
    const res = await post('/webhook/cdr', seed)
    t.equal(res.status, 413)
    t.same(JSON.parse(res.body).reasons, ["body: larger than the body parser's limit"])
    t.same(invalid.map(i => i.status), [413])
    t.same(fired, [])
  })

  t.test(`${major}: bodies parsed by express.text() and express.raw() are validated as the text they are`, async t => {
    const { post, invalid, fired } = await serve(t, lib, [lib.text(), lib.raw({ type: 'application/octet-stream' })])
    t.equal((await post('/webhook/cdr', seed, 'text/plain')).status, 200, 'text/plain parsed by express.text()')
    t.equal((await post('/webhook/cdr', '{"nope', 'text/plain')).status, 400)
    t.equal(invalid[0]?.rawBody, '{"nope', 'onInvalid gets the text')
    t.equal((await post('/webhook/cdr', seed, 'application/octet-stream')).status, 415, 'a raw octet-stream is still not JSON')
    t.equal(invalid[1]?.rawBody, seed, 'onInvalid gets the raw bytes as text')
    t.same(fired, ['b1f8c0de-0001'])
  })

  t.test(`${major}: body-parser errors on other paths, and other errors on ours, go on to the app`, async t => {
    const unsupported: RequestHandler = (_req, _res, next) => { next(Object.assign(new Error('nope'), { type: 'charset.unsupported' })) }
    const broken = await serve(t, lib, [lib.json()])
    t.equal((await broken.post('/elsewhere', '{"a": ')).status, 499, 'malformed JSON elsewhere: the app answers')
    t.equal(broken.appErrors.length, 1)
    const other = await serve(t, lib, [unsupported])
    t.equal((await other.post('/webhook/cdr', seed)).status, 499, 'an unrelated error on our path: the app answers')
    t.same([other.invalid, other.fired], [[], []])
    const thrown: RequestHandler = (_req, _res, next) => { next('a string, not an Error') }
    const strings = await serve(t, lib, [thrown])
    t.equal((await strings.post('/webhook/cdr', seed)).status, 499, 'an error that is not an object: the app answers')
    t.same(strings.appErrors, ['a string, not an Error'])
  })
}
