/**
 * What a documentation snippet leaves to the reader's app, made real for docs-programs.test.ts, which
 * loads this file (`node --import`) before running a snippet: the globals of doc-snippets.ts's `app.d.ts`
 * (an in-memory `db`, `save`, an Express `app` with the receiver mounted, `Bun.serve`/`Deno.serve` on
 * node:http, …), and every server made to listen on a free port of 127.0.0.1 instead of the documented
 * 3000, announced on stdout as `@@snippet listening PORT`. With DOCS_SNIPPET_UNREF=1 (a snippet that is a
 * test) servers and their connections do not keep the process alive, so it exits when its test ends.
 */
import { createRequire } from 'node:module'
import net from 'node:net'

const require = createRequire(import.meta.url)
const report = (name, value) => { console.log(`@@snippet called ${name} ${JSON.stringify(value)}`) }
const unref = process.env.DOCS_SNIPPET_UNREF === '1'

const listen = net.Server.prototype.listen
net.Server.prototype.listen = function (...args) {
  const callback = typeof args.at(-1) === 'function' ? [args.pop()] : []
  const options = typeof args[0] === 'object' && args[0] !== null ? { ...args[0] } : {}
  this.once('listening', () => { console.log(`@@snippet listening ${this.address().port}`) })
  if (unref) {
    this.once('listening', () => { this.unref() })
    this.on('connection', socket => { socket.unref() })
  }
  return listen.call(this, { ...options, port: 0, host: '127.0.0.1' }, ...callback)
}

const rows = []
const serveOnNode = fetch => { void import('@hono/node-server').then(({ serve }) => serve({ fetch, port: 0 })) }
let app
Object.assign(globalThis, {
  db: { calls: {
    async upsert (row) { rows.push(row); report('db.calls.upsert', row) },
    async insert (row) { rows.push(row); report('db.calls.insert', row) },
    async findAll () { return rows }
  } },
  async save (record) { report('save', record) },
  calls: { async upsert (key, record) { report('calls.upsert', { key, record }) } },
  sql: { async query (text, values) { report('sql.query', { text, values }) } },
  log: { warn (obj, msg) { report('log.warn', { obj, msg }) } },
  token: process.env.PIOPIY_TOKEN,
  piopiyToken: process.env.PIOPIY_TOKEN,
  password: 'docs-password',
  piopiyPassword: 'docs-password',
  router: { routes: () => (ctx, next) => next() },
  Bun: { serve: ({ fetch }) => serveOnNode(fetch) },
  Deno: { serve: (options, handler) => serveOnNode(handler) }
})
Object.defineProperties(globalThis, {
  /** An Express app with the receiver mounted (testing.md's "Express or Koa: a real server"). */
  app: {
    get () {
      if (app === undefined) {
        app = require('express')()
        app.use(require('@piopiy-webhooks/express').piopiyMiddleware({ auth: { token: process.env.PIOPIY_TOKEN }, onInboundAnswered: globalThis.save, onInvalid () {} }))
      }
      return app
    }
  },
  t: { get: () => require('tap').t },
  bytes: { get: () => Buffer.from(JSON.stringify(require('@piopiy-webhooks/testing').inboundAnsweredCdr())) }
})
