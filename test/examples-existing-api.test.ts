// examples/existing-api over a real server on 127.0.0.1: the API's own routes, its global
// express.json(), its 404 and error handler keep working, and the webhook mounted among them
// answers, dedupes and rejects as the core decides. Then server.ts as `npm run example:existing-api` starts it.
import type { InvalidInfo } from '@piopiy-webhooks/core'
import { inboundAnsweredCdr, inboundMissedCdr, outboundAnsweredCdr, send } from '@piopiy-webhooks/testing'
import { once } from 'node:events'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { createApp } from '../examples/existing-api/app.js'
import { runNode } from '../packages/testing/test/helpers.js'
import { silentLogger } from '@piopiy-webhooks/core'
import { closeServer } from '@piopiy-webhooks/contract-tests'


type Tap = Parameters<Parameters<typeof t.test>[0]>[0]

async function start (t: Tap) {
  const invalid: InvalidInfo[] = []
  const server = createApp({ logger: silentLogger, onInvalid: info => { invalid.push(info) } }).listen(0, '127.0.0.1')
  await once(server, 'listening')
  t.teardown(async () => { await closeServer(server) })
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const request = async (path: string, init: RequestInit = {}) => {
    const res = await fetch(base + path, init)
    return { status: res.status, headers: res.headers, body: await res.json() as unknown }
  }
  const postJson = async (path: string, body: string) => await request(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
  return { base, request, postJson, invalid }
}

t.test('the API keeps its own routes, body parser, 404 and error handler beside the webhook', async t => {
  const { base, request, postJson, invalid } = await start(t)
  t.same(await request('/health').then(r => [r.status, r.body]), [200, { ok: true }])
  t.same((await request('/api/orders')).body, [{ id: 1, item: 'tea', phone: '919900000001' }])
  t.same(await postJson('/api/orders', '{"item":"coffee","phone":"04471000000"}').then(r => [r.status, r.body]),
    [201, { id: 2, item: 'coffee', phone: '04471000000' }], 'express.json() parsed the API request')
  t.same(await postJson('/api/orders', '{"item":').then(r => [r.status, r.body]),
    [400, { error: 'the API could not handle this request' }], "malformed JSON on an API route reaches the API's error handler")
  t.same(await postJson('/api/orders', '{"item":1}').then(r => [r.status, r.body]), [422, { error: 'item and phone are required strings' }])
  t.same(await request('/nope').then(r => [r.status, r.body]), [404, { error: 'no such route' }])
  const text = await fetch(`${base}/api/orders`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'tea' })
  t.same([text.status, await text.json()], [500, { error: 'the API could not handle this request' }],
    'a route that throws (no JSON body to destructure) reaches the error handler: an error without a status is a 500')
  t.same(invalid, [], 'the webhook saw none of these')
})

t.test('the webhook beside them: a CDR sent 4 times is stored once, missed calls are not stored, bad bodies get the core\'s 400', async t => {
  const { base, request, postJson, invalid } = await start(t)
  const hook = `${base}/webhook/cdr`
  const answered = inboundAnsweredCdr({ from: '09900000002', to: 914400000001, duration: 42, extra_params: "{ 'orderId': 2 }" })
  const copies = await send(hook, answered, { times: 4 })
  t.same(copies.map(d => [d.status, JSON.parse(d.body)]), [
    [200, { ok: true }], [200, { ok: true, duplicate: true }], [200, { ok: true, duplicate: true }], [200, { ok: true, duplicate: true }]
  ])
  const outbound = outboundAnsweredCdr()
  t.same((await send(hook, outbound)).map(d => d.status), [200])
  t.same((await send(hook, inboundMissedCdr())).map(d => d.status), [200], 'a missed CDR is acknowledged (no callback for it here)')
  t.same((await request('/api/calls')).body, [
    {
      key: `cdr:${answered.appid}:inbound:answered:a:${answered.cmiuuid}`,
      from: '09900000002',
      to: '914400000001',
      durationSeconds: 42,
      answeredAt: new Date(Number(answered.answer_time) * 1000).toISOString(),
      orderId: 2
    },
    {
      key: `cdr:${outbound.appid}:outbound:answered:a:${outbound.cmiuuid}`,
      from: String(outbound.from),
      to: String(outbound.to),
      durationSeconds: outbound.duration,
      answeredAt: new Date(Number(outbound.answer_time) * 1000).toISOString()
    }
  ], 'one row per CDR leg; orderId from extra_params when the call carried one')

  const bad = await postJson('/webhook/cdr', '{"cmiuuid": ')
  t.equal(bad.status, 400, "malformed JSON on the webhook: the core's 400, although express.json() ran first")
  t.match(bad.body, { error: 'Bad Request', reasons: [/^body: is not valid JSON/] })
  const wrongBody = JSON.stringify({ ...inboundAnsweredCdr(), duration: '13' })
  const wrong = await postJson('/webhook/cdr', wrongBody)
  t.same([wrong.status, wrong.body], [400, { error: 'Bad Request', reasons: ['duration: must be a number (got string "13")'] }])
  t.same(invalid.map(i => [i.status, i.rawBody]), [[400, '{"cmiuuid": '], [400, wrongBody]], 'onInvalid told each time, with the body as sent')
  const get = await request('/webhook/cdr')
  t.same([get.status, get.headers.get('allow'), get.body], [405, 'POST', { error: 'Method Not Allowed' }])
})

t.test('examples/existing-api/server.ts: serves the API and the webhook, requires PIOPIY_TOKEN when set, stops on SIGTERM', async t => {
  const server = runNode(fileURLToPath(new URL('../examples/existing-api/server.ts', import.meta.url)), [], { PORT: '0', PIOPIY_TOKEN: 'example-secret' })
  const [, base] = await server.waitFor(/Existing API on (\S+) /) as [string, string]
  t.equal((await fetch(`${base}/api/orders`)).status, 200, 'the API answers')
  t.same((await send(`${base}/webhook/cdr`, inboundAnsweredCdr())).map(d => d.status), [401], 'no token: 401')
  t.same((await send(`${base}/webhook/cdr?token=example-secret`, inboundAnsweredCdr({ from: 919900000009 }))).map(d => d.status), [200], 'with the token: 200')
  t.match(await (await fetch(`${base}/api/calls`)).json(), [{ from: '919900000009' }], 'the call is stored')
  server.process.kill('SIGTERM')
  t.equal(await server.exit, 0, 'exits cleanly')
})
