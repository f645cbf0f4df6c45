// One benchmark server, in its own process: `node bench/server.mjs <target>`.
// Listens on 127.0.0.1 (random port), tells the parent the port over IPC, counts the requests its
// handler or callback saw (the parent asks with 'stats' and gets its CPU time and resource usage too), and exits on 'exit'.
// BENCH_TREE=<dir> loads our packages from another built checkout (bench:compare); frameworks come from here.
import http from 'node:http'
import { pathToFileURL } from 'node:url'
import { OCTOKIT_SECRET } from './frameworks.mjs'

/** One of our packages: this checkout's, or the one in BENCH_TREE. */
const ours = name => process.env.BENCH_TREE === undefined ? import(`@piopiy-webhooks/${name}`)
  : import(pathToFileURL(`${process.env.BENCH_TREE}/packages/${name}/dist/esm/index.js`).href)

const PATH = '/webhook/cdr'
const OK_BODY = '{"ok":true}'
const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' }
let calls = 0
/** What the adapters' users write: an async callback (here it only counts). */
const onInboundAnswered = async () => { calls++ }
/** A wait of SLOW_MS (default 10) ms, as a database write takes (the `-slow` servers); the setting read once, not per request. */
const SLOW_MS = Number(process.env.SLOW_MS ?? 10)
const slowWrite = () => new Promise(resolve => setTimeout(resolve, SLOW_MS))
/** A synchronous callback (the steps that leave out the async callback's promise and timeout). */
const countSync = () => { calls++ }
/** Fastify with the adapter, registered with `options`. */
async function fastifyAdapter (options) {
  const { default: Fastify } = await import('fastify')
  const { piopiyPlugin } = await ours('fastify')
  const app = Fastify({ logger: false })
  await app.register(piopiyPlugin, options)
  return app
}
/** The Fastify adapter with a synchronous callback and a memory store of `maxKeys` keys. */
async function fastifyAdapterWithStore (maxKeys) {
  const { MemoryIdempotencyStore } = await ours('core')
  return await fastifyAdapter({ onInboundAnswered: countSync, idempotency: new MemoryIdempotencyStore({ maxKeys }) })
}

/** Hono on @hono/node-server with the web adapter, mounted as the README mounts it. */
async function honoAdapter (options) {
  const { Hono } = await import('hono')
  const { createAdaptorServer } = await import('@hono/node-server')
  const { piopiyHandler } = await ours('web')
  const handle = piopiyHandler(options)
  const app = new Hono()
  app.use((c, next) => handle.matches(c.req.path) ? handle(c.req.raw, c) : next())
  return createAdaptorServer({ fetch: app.fetch })
}
/**
 * Fastify with the adapter's plumbing and no core: the route answers from its own `onRequest` hook, as the adapter
 * does (`fromHandler`: from its handler, behind a catch-all content-type parser, as the adapter did before the tenth
 * round), the stream read with listeners (as the core reads it), `parse(bytes)`, and a prepared JSON string answered
 * with its headers.
 */
async function fastifyOwnReader (parse, counts, fromHandler = false) {
  const { default: Fastify } = await import('fastify')
  const app = Fastify({ logger: false })
  const respond = (request, reply) => {
    const chunks = []
    request.raw.on('data', chunk => chunks.push(chunk))
    request.raw.on('end', () => {
      if (counts(parse(Buffer.concat(chunks)))) calls++
      reply.code(200).headers(JSON_HEADERS).send(OK_BODY)
    })
  }
  if (fromHandler) {
    app.removeAllContentTypeParsers()
    app.addContentTypeParser('*', (_request, payload, done) => { done(null, payload) })
    app.post(PATH, respond)
  } else {
    app.post(PATH, { onRequest: respond }, respond)
  }
  return app
}

const targets = {
  async node () {
    return http.createServer((req, res) => {
      if (req.method !== 'POST' || req.url !== PATH) { res.writeHead(404).end(); return }
      const chunks = []
      req.on('data', chunk => chunks.push(chunk))
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8'))
        if (typeof body.cmiuuid === 'string') calls++
        res.writeHead(200, JSON_HEADERS).end(OK_BODY)
      })
    })
  },
  async octokit () {
    // GitHub's webhook middleware, the way its docs mount it: HMAC-SHA256 check of the body, JSON parse, an async handler
    const { Webhooks, createNodeMiddleware } = await import('@octokit/webhooks')
    const webhooks = new Webhooks({ secret: OCTOKIT_SECRET })
    webhooks.on('ping', async () => { calls++ })
    const middleware = createNodeMiddleware(webhooks, { path: PATH })
    return http.createServer((req, res) => middleware(req, res))
  },
  async 'fastify-bare' () {
    const { default: Fastify } = await import('fastify')
    const app = Fastify({ logger: false })
    app.post(PATH, async request => {
      if (typeof request.body.cmiuuid === 'string') calls++
      return { ok: true }
    })
    return app
  },
  async 'fastify-adapter' () {
    return await fastifyAdapter({ onInboundAnswered })
  },
  // bench/tools/steps.mjs slow: the route and the callback wait SLOW_MS (default 10) before answering, as a database write does
  async 'fastify-bare-slow' () {
    const { default: Fastify } = await import('fastify')
    const app = Fastify({ logger: false })
    app.post(PATH, async request => {
      await slowWrite()
      if (typeof request.body.cmiuuid === 'string') calls++
      return { ok: true }
    })
    return app
  },
  async 'fastify-adapter-slow' () {
    return await fastifyAdapter({ onInboundAnswered: async () => { await slowWrite(); calls++ } })
  },
  // The steps between fastify-bare and fastify-adapter, for bench/steps.mjs: one more piece of the adapter each
  async 'fastify-own-reader-handler' () {
    return await fastifyOwnReader(bytes => JSON.parse(bytes.toString('utf8')), body => typeof body.cmiuuid === 'string', true)
  },
  async 'fastify-own-reader' () {
    return await fastifyOwnReader(bytes => JSON.parse(bytes.toString('utf8')), body => typeof body.cmiuuid === 'string')
  },
  async 'fastify-own-reader-parse' () {
    // the same, with parseNotification (parse, classify, validate, normalize) instead of JSON.parse
    const { parseNotification } = await ours('core')
    return await fastifyOwnReader(parseNotification, result => result.ok)
  },
  async 'fastify-own-reader-parse-twice' () {
    // parseNotification twice on the same bytes: the second call runs with its code and data just used (bench/tools/steps.mjs parse)
    const { parseNotification } = await ours('core')
    return await fastifyOwnReader(bytes => { parseNotification(bytes); return parseNotification(bytes) }, result => result.ok)
  },
  async 'fastify-adapter-no-dedupe-sync' () {
    return await fastifyAdapter({ onInboundAnswered: countSync, idempotency: false })
  },
  // the memory store at 1,000 and 10,000 keys (bench/tools/steps.mjs store): what its size costs, against the default 100,000
  async 'fastify-adapter-sync-1k' () {
    return await fastifyAdapterWithStore(1000)
  },
  async 'fastify-adapter-sync-10k' () {
    return await fastifyAdapterWithStore(10_000)
  },
  async 'fastify-adapter-sync' () {
    return await fastifyAdapter({ onInboundAnswered: countSync })
  },
  async 'express-bare' () {
    const { default: express } = await import('express')
    const app = express()
    app.use(express.json())
    app.post(PATH, (req, res) => {
      if (typeof req.body.cmiuuid === 'string') calls++
      res.json({ ok: true })
    })
    return http.createServer(app)
  },
  async 'express-adapter' () {
    const { default: express } = await import('express')
    const { piopiyMiddleware } = await ours('express')
    if (typeof piopiyMiddleware !== 'function') throw new Error('@piopiy-webhooks/express has no piopiyMiddleware yet')
    const app = express()
    app.use(piopiyMiddleware({ onInboundAnswered }))
    return http.createServer(app)
  },
  async 'koa-bare' () {
    const { default: Koa } = await import('koa')
    const { bodyParser } = await import('@koa/bodyparser')
    const app = new Koa()
    app.use(bodyParser())
    app.use(async ctx => {
      if (ctx.method !== 'POST' || ctx.path !== PATH) return
      if (typeof ctx.request.body.cmiuuid === 'string') calls++
      ctx.body = { ok: true }
    })
    return http.createServer(app.callback())
  },
  async 'koa-adapter' () {
    const { default: Koa } = await import('koa')
    const { piopiyMiddleware } = await ours('koa')
    if (typeof piopiyMiddleware !== 'function') throw new Error('@piopiy-webhooks/koa has no piopiyMiddleware yet')
    const app = new Koa()
    app.use(piopiyMiddleware({ onInboundAnswered }))
    return http.createServer(app.callback())
  },
  async 'hono-bare' () {
    const { Hono } = await import('hono')
    const { createAdaptorServer } = await import('@hono/node-server')
    const app = new Hono()
    app.post(PATH, async c => {
      if (typeof (await c.req.json()).cmiuuid === 'string') calls++
      return c.json({ ok: true })
    })
    return createAdaptorServer({ fetch: app.fetch })
  },
  async 'hono-adapter' () {
    return await honoAdapter({ onInboundAnswered })
  },
  // steps between hono-bare and hono-adapter (bench/tools/steps.mjs hono)
  async 'hono-adapter-no-dedupe-sync' () {
    return await honoAdapter({ onInboundAnswered: countSync, idempotency: false })
  },
  async 'hono-adapter-sync' () {
    return await honoAdapter({ onInboundAnswered: countSync })
  }
}

const name = process.argv[2]
try {
  if (!Object.hasOwn(targets, name)) throw new Error(`unknown target ${name}`)
  const server = await targets[name]()
  let port
  if (typeof server.listen === 'function' && server instanceof http.Server) {
    await new Promise((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve))
    port = server.address().port
  } else { // fastify
    await server.listen({ port: 0, host: '127.0.0.1' })
    port = server.server.address().port
  }
  process.on('disconnect', () => process.exit(0)) // the parent went away: never leave a server behind
  process.on('message', message => {
    if (message === 'stats') process.send({ calls, cpu: process.cpuUsage(), ru: process.resourceUsage() })
    else if (message === 'exit') process.exit(0)
  })
  process.send({ ready: true, port })
} catch (err) {
  process.send({ error: String(err?.stack ?? err) })
  process.exitCode = 1
  setTimeout(() => process.exit(1), 100)
}
