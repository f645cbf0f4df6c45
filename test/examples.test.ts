// Each framework example, as users run it: its app over a real server on 127.0.0.1, fed built
// notifications with the testing kit; and its server.ts started the way `npm run example:*` does.
import { serve as honoServe } from '@hono/node-server'
import { MemoryIdempotencyStore, silentLogger } from '@piopiy-webhooks/core'
import { inboundAnsweredCdr, inboundMissedCdr, send } from '@piopiy-webhooks/testing'
import { once } from 'node:events'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { createApp as expressApp } from '../examples/express/app.js'
import { createApp as fastifyApp } from '../examples/fastify/app.js'
import { createApp as honoApp } from '../examples/hono/app.js'
import { createApp as koaApp } from '../examples/koa/app.js'
import { portFrom } from '../examples/port.js'
import { runNode } from '../packages/testing/test/helpers.js'
import { closeServer } from '@piopiy-webhooks/contract-tests'

type Start = (log: (line: string) => void) => Promise<{ url: string, close: () => Promise<void> }>
const serve = async (server: Server) => {
  await once(server, 'listening')
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => { await closeServer(server) }
  }
}
const options = { logger: silentLogger, idempotency: new MemoryIdempotencyStore() }
const examples: Record<string, Start> = {
  fastify: async log => {
    const app = await fastifyApp(log, options)
    return { url: await app.listen({ port: 0, host: '127.0.0.1' }), close: () => app.close() }
  },
  express: async log => await serve(expressApp(log, options).listen(0, '127.0.0.1')),
  koa: async log => await serve(koaApp(log, options).listen(0, '127.0.0.1')),
  hono: async log => await serve(honoServe({ fetch: honoApp(log, options).fetch, port: 0, hostname: '127.0.0.1' }) as Server)
}

for (const [name, start] of Object.entries(examples)) {
  t.test(`examples/${name}: an answered CDR (sent 4 times) is logged once, a missed one once, a broken body is rejected`, async t => {
    const lines: string[] = []
    const app = await start(line => { lines.push(line) })
    t.teardown(app.close)
    const hook = `${app.url}/webhook/cdr`
    const answered = inboundAnsweredCdr({ from: 919900000001, to: 914400000001, duration: 42 })
    t.same((await send(hook, answered, { times: 4 })).map(d => d.status), [200, 200, 200, 200])
    t.same((await send(hook, inboundMissedCdr({ from: '09900000002', to: 914400000009, time: 1700000000000 }))).map(d => d.status), [200])
    t.same((await send(hook, '{"cmiuuid": ')).map(d => d.status), [400])
    t.equal((await fetch(`${app.url}/health`)).status, 200, 'the app keeps its own routes')
    t.same(lines, [
      `answered: 919900000001 → 914400000001, 42 s (cdr:${answered.appid}:inbound:answered:a:${answered.cmiuuid})`,
      'missed: 09900000002 called 914400000009 at 2023-11-14T22:13:20.000Z',
      'rejected with 400: body: is not valid JSON (Unexpected end of JSON input)'
    ])
  })

  t.test(`examples/${name}/server.ts: listens, requires PIOPIY_TOKEN when set, and stops on SIGTERM`, async t => {
    const server = runNode(fileURLToPath(new URL(`../examples/${name}/server.ts`, import.meta.url)), [], { PORT: '0', PIOPIY_TOKEN: 'example-secret' })
    const [, url] = await server.waitFor(/PIOPIY webhooks on (\S+)\n/) as [string, string]
    t.same((await send(url, inboundAnsweredCdr())).map(d => d.status), [401], 'no token: 401')
    t.same((await send(`${url}?token=example-secret`, inboundAnsweredCdr())).map(d => d.status), [200], 'with the token: 200')
    server.process.kill('SIGTERM')
    t.equal(await server.exit, 0, 'exits cleanly')
    t.match(server.stdout(), /answered: /)
  })
}

t.test('the example servers listen on PORT, or 3000 without it', async t => {
  t.equal(portFrom({}), 3000)
  t.equal(portFrom({ PORT: '8080' }), 8080)
})
