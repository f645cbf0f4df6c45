// Fastify-only behaviour: inject(), @fastify/swagger, request.log, the app's hooks around the routes, the exports and register options.
import swagger from '@fastify/swagger'
import Fastify, { type FastifyRequest } from 'fastify'
import { Writable } from 'node:stream'
import t from 'tap'
import piopiyDefault, { piopiyPlugin } from '../src/index.js'

const seed = {
  cmiuuid: 'f4571f7-0001', appid: 2222222, direction: 'inbound', status: 'answered', leg: 'a',
  from: 919900000001, to: 914400000001, time: 1700000000000, duration: 13, billedsec: 60, rate: 0.5
}

t.test('named and default export are the same plugin, named for Fastify', async t => {
  t.equal(piopiyDefault, piopiyPlugin)
  t.equal((piopiyPlugin as unknown as Record<symbol, unknown>)[Symbol.for('fastify.display-name')], '@piopiy-webhooks/fastify')
})

t.test('Fastify knows the plugin by name and version range, and keeps it encapsulated (fastify-plugin)', async t => {
  t.same((piopiyPlugin as unknown as Record<symbol, unknown>)[Symbol.for('plugin-meta')], { name: '@piopiy-webhooks/fastify', fastify: '5.x', encapsulate: true })
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(async scope => {
    await scope.register(piopiyPlugin, { onInboundAnswered () {} })
    t.ok(scope.hasPlugin('@piopiy-webhooks/fastify'), 'hasPlugin() finds it by its name')
  })
  await app.ready()
  t.ok(app.hasContentTypeParser('application/json'), "the app keeps Fastify's JSON parser")
  t.notOk(app.hasContentTypeParser('*'), 'and gets no catch-all parser')
})

t.test('inject(): a CDR reaches onInboundAnswered once; the copy answers 200 without firing', async t => {
  const fired: string[] = []
  const app = Fastify()
  await app.register(piopiyPlugin, { onInboundAnswered: cdr => { fired.push(cdr.from) }, auth: { token: 'tok' } })
  t.teardown(() => app.close())
  for (const answer of [{ ok: true }, { ok: true, duplicate: true }]) {
    const res = await app.inject({ method: 'POST', url: '/webhook/cdr?token=tok', payload: seed })
    t.equal(res.statusCode, 200)
    t.same(res.json(), answer)
  }
  t.same(fired, ['919900000001'])
  t.equal((await app.inject({ method: 'GET', url: '/webhook/cdr' })).headers.allow, 'POST')
})

t.test("rejections are logged through request.log (with the request's id) unless a logger is given", async t => {
  const lines: Array<{ level: number, msg: string, reqId?: string, reasons?: string[] }> = []
  const stream = new Writable({ write (chunk: Buffer, _encoding, done) { lines.push(JSON.parse(chunk.toString())); done() } })
  const app = Fastify({ logger: { level: 'warn', stream } })
  await app.register(piopiyPlugin, { auth: { token: 'tok' } })
  t.teardown(() => app.close())
  const res = await app.inject({ method: 'POST', url: '/webhook/cdr?token=tok', payload: '{"a": ', headers: { 'content-type': 'application/json' } })
  t.equal(res.statusCode, 400)
  const rejected = lines.find(line => line.msg === 'piopiy-webhooks: request rejected')
  t.ok(rejected, 'logged at warn')
  t.type(rejected?.reqId, 'string', "with Fastify's request id: it came through request.log")
  t.match(rejected?.reasons, [/^body: is not valid JSON/])
})

t.test('@fastify/swagger documents the POST route with the four payload kinds, and hides the 405 route', async t => {
  const app = Fastify()
  await app.register(swagger, { openapi: { info: { title: 'test', version: '1' } } })
  await app.register(piopiyPlugin, { prefix: '/hooks', logLevel: 'warn', idempotency: false, auth: { token: 'tok' } })
  await app.ready()
  t.teardown(() => app.close())
  const paths = (app.swagger() as { paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { anyOf: unknown[] } }> } }>> }).paths
  t.same(Object.keys(paths), ['/hooks/webhook/cdr'], 'prefix applies; logLevel is taken by Fastify, not passed to the receiver')
  t.same(Object.keys(paths['/hooks/webhook/cdr'] ?? {}), ['post'], 'only POST is documented')
  const body = paths['/hooks/webhook/cdr']?.post?.requestBody?.content['application/json']?.schema
  t.equal(body?.anyOf.length, 4, 'cdr, call event, stream event, other notification')
})

t.test("the route answers from its onRequest hook: the app's onRequest, onSend and onResponse hooks run, its preParsing, preValidation and preHandler hooks do not", async t => {
  const ran: string[] = []
  const app = Fastify()
  for (const hook of ['onRequest', 'preParsing', 'preValidation', 'preHandler', 'onSend', 'onResponse'] as const) {
    app.addHook(hook, async (request: FastifyRequest) => { ran.push(`${hook} ${request.url}`) })
  }
  app.post('/api/items', async () => ({ ok: true }))
  await app.register(piopiyPlugin, { onInboundAnswered () {}, auth: { token: 'tok' } })
  t.teardown(() => app.close())
  const res = await app.inject({ method: 'POST', url: '/webhook/cdr?token=tok', payload: seed })
  t.equal(res.statusCode, 200)
  t.same(ran, ['onRequest /webhook/cdr?token=tok', 'onSend /webhook/cdr?token=tok', 'onResponse /webhook/cdr?token=tok'])
  ran.length = 0
  t.equal((await app.inject({ method: 'POST', url: '/api/items', payload: { a: 1 } })).statusCode, 200)
  t.same(ran.map(line => line.split(' ')[0]), ['onRequest', 'preParsing', 'preValidation', 'preHandler', 'onSend', 'onResponse'], "the app's own routes keep every hook")
})

t.test('other JSON routes of the app still get parsed objects from Fastify', async t => {
  const app = Fastify()
  app.post('/api/items', async request => ({ got: request.body }))
  await app.register(piopiyPlugin, { auth: { token: 'tok' } })
  t.teardown(() => app.close())
  t.same((await app.inject({ method: 'POST', url: '/api/items', payload: { a: 1 } })).json(), { got: { a: 1 } })
})

t.test("an app with ignoreTrailingSlash routes path/ to the plugin's one route", async t => {
  const app = Fastify({ routerOptions: { ignoreTrailingSlash: true } })
  await app.register(piopiyPlugin, { auth: { token: 'tok' } })
  t.teardown(() => app.close())
  t.equal((await app.inject({ method: 'POST', url: '/webhook/cdr/?token=tok', payload: seed })).statusCode, 200)
  t.equal((await app.inject({ method: 'PUT', url: '/webhook/cdr/' })).statusCode, 405)
})

t.test('an error of the path/ route other than a duplicate route is not swallowed', async t => {
  const app = Fastify()
  app.addHook('onRoute', route => {
    if (route.url === '/webhook/cdr/') throw new Error('no trailing-slash routes in this app')
  })
  t.teardown(() => app.close())
  await t.rejects(async () => { await app.register(piopiyPlugin, { auth: { token: 'tok' } }) }, /no trailing-slash routes in this app/)
})

t.test("an error of the app's own on the webhook route goes to the app's error handler; a malformed content-type to the core", async t => {
  const handled: string[] = []
  const invalid: number[] = []
  const app = Fastify()
  app.setErrorHandler<Error>(async (err, _request, reply) => {
    handled.push(err.message)
    return await reply.code(418).send({ app: true })
  })
  app.addHook('onRequest', async request => {
    if (request.headers['x-fail'] === '1') throw new Error('refused by the app')
  })
  await app.register(piopiyPlugin, { auth: { token: 'tok' }, onInvalid: info => { invalid.push(info.status) } })
  t.teardown(() => app.close())
  const failed = await app.inject({ method: 'POST', url: '/webhook/cdr?token=tok', payload: seed, headers: { 'x-fail': '1' } })
  t.equal(failed.statusCode, 418)
  t.same(failed.json(), { app: true })
  t.same(handled, ['refused by the app'])
  const malformed = await app.inject({ method: 'POST', url: '/webhook/cdr?token=tok', payload: JSON.stringify(seed), headers: { 'content-type': 'json' } })
  t.equal(malformed.statusCode, 415)
  t.match(malformed.json(), { error: 'Unsupported Media Type', reasons: [/content-type: 'json'/] })
  t.same(handled, ['refused by the app'], "the malformed content-type did not reach the app's handler")
  t.same(invalid, [415])
})
