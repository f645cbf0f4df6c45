import t from 'tap'
import { inboundAnsweredCdr } from '../src/builders.js'
import { samples } from '../src/samples.js'
import { encodeBody, send } from '../src/send.js'
import { receiverServer, recordingServer } from './helpers.js'

t.test('posts an object as JSON, once by default, and resolves with the answer', async t => {
  const server = await recordingServer()
  t.teardown(server.close)
  const payload = inboundAnsweredCdr()
  const deliveries = await send(server.url, payload)
  t.same(deliveries, [{ status: 200, body: '{"n":1}' }])
  t.equal(server.requests.length, 1)
  const [request] = server.requests
  t.equal(request?.method, 'POST')
  t.equal(request?.url, '/webhook/cdr')
  t.equal(request?.headers['content-type'], 'application/json')
  t.same(JSON.parse(String(request?.body)), payload)
})

t.test('times: identical copies, one after another, like the platform retries', async t => {
  const server = await recordingServer()
  t.teardown(server.close)
  const deliveries = await send(new URL(server.url), samples['piopiy.cdr.inbound.missed.leg-a'], { times: 4, intervalMs: 1 })
  t.same(deliveries.map(d => d.body), ['{"n":1}', '{"n":2}', '{"n":3}', '{"n":4}'], 'in order, each answered before the next is sent')
  const bodies = server.requests.map(r => r.body.toString('utf8'))
  t.equal(new Set(bodies).size, 1, 'the copies are byte-identical')
  t.equal(bodies[0], JSON.stringify(samples['piopiy.cdr.inbound.missed.leg-a']))
})

t.test('strings and bytes are sent exactly as given, so invalid bodies can be sent too', async t => {
  const server = await recordingServer(400)
  t.teardown(server.close)
  const bytes = Buffer.from([0x7b, 0xff, 0x00])
  const deliveries = [...await send(server.url, '{"not": closed'), ...await send(server.url, bytes)]
  t.same(deliveries.map(d => d.status), [400, 400], 'non-2xx answers are resolved, not thrown')
  t.equal(server.requests[0]?.body.toString('utf8'), '{"not": closed')
  t.same(server.requests[1]?.body, bytes)
  t.same(encodeBody(bytes), bytes)
  t.equal(encodeBody({ a: 1 }).toString(), '{"a":1}')
})

t.test('headers and content-type', async t => {
  const server = await recordingServer()
  t.teardown(server.close)
  await send(server.url, {}, { headers: { 'x-webhook-token': 'secret' } })
  await send(server.url, {}, { contentType: false })
  await send(server.url, {}, { contentType: 'text/plain; charset=utf-8' })
  await send(server.url, {}, { headers: { 'Content-Type': 'application/vnd.piopiy+json' } })
  const [token, none, plain, custom] = server.requests
  t.equal(token?.headers['x-webhook-token'], 'secret')
  t.equal(token?.headers['content-type'], 'application/json')
  t.equal(none?.headers['content-type'], undefined, 'contentType: false sends no content-type at all')
  t.equal(plain?.headers['content-type'], 'text/plain; charset=utf-8')
  t.equal(custom?.headers['content-type'], 'application/vnd.piopiy+json', 'a content-type header replaces the default')
})

t.test('uses the fetch it is given', async t => {
  const server = await recordingServer()
  t.teardown(server.close)
  const seen: string[] = []
  const fetch: typeof globalThis.fetch = async (input, init) => {
    seen.push(String(input))
    return await globalThis.fetch(input, init)
  }
  await send(server.url, {}, { fetch, times: 2 })
  t.same(seen, [server.url, server.url])
})

t.test('rejects bad options and unreachable receivers', async t => {
  await t.rejects(send('http://127.0.0.1:9/', {}, { times: 0 }), new TypeError('send: times must be a positive integer (got 0)'))
  await t.rejects(send('http://127.0.0.1:9/', {}, { times: 1.5 }), TypeError)
  await t.rejects(send('http://127.0.0.1:9/', {}, { intervalMs: -1 }), new TypeError('send: intervalMs must be a number >= 0 (got -1)'))
  await t.rejects(send('http://127.0.0.1:9/', {}, { intervalMs: Number.NaN }), TypeError)
  const server = await recordingServer()
  await server.close()
  await t.rejects(send(server.url, {}), { message: 'fetch failed' }, 'a closed port rejects')
})

t.test('against the real receiver: four copies of a CDR run the callback once', async t => {
  const server = await receiverServer()
  t.teardown(server.close)
  const deliveries = await send(server.url, inboundAnsweredCdr(), { times: 4 })
  t.same(deliveries.map(d => d.status), [200, 200, 200, 200])
  t.same(deliveries.map(d => JSON.parse(d.body) as unknown), [{ ok: true }, { ok: true, duplicate: true }, { ok: true, duplicate: true }, { ok: true, duplicate: true }])
  t.same(server.calls.map(c => c.callback), ['onInboundAnswered'])
})
