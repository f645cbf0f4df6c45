// Mounted on a route (`app.post('/pbx/cdr', piopiyMiddleware(options))`), the middleware answers
// that route, whatever its `path` option says, over real Express 5 and 4 servers on 127.0.0.1.
import type { InvalidInfo } from '@piopiy-webhooks/core'
import express from 'express'
import express4 from 'express4'
import { once } from 'node:events'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { piopiyMiddleware } from '../src/index.js'

const cdr = (cmiuuid: string): string => JSON.stringify({
  cmiuuid, appid: 2222222, direction: 'inbound', status: 'answered', leg: 'a', from: 919900000001, to: 914400000001, time: 1700000000000, duration: 13
})
const silent = { debug () {}, info () {}, warn () {}, error () {} }

for (const [major, lib] of [['express 5', express], ['express 4', express4 as unknown as typeof express]] as const) {
  t.test(`${major}: app.post(route, piopiyMiddleware()) answers that route, token and body parsers included`, async t => {
    const fired: string[] = []
    const invalid: InvalidInfo[] = []
    const options = { logger: silent, auth: { token: 's3cret' }, onNotification: (n: { cmiuuid: string }) => { fired.push(n.cmiuuid) }, onInvalid: (info: InvalidInfo) => { invalid.push(info) } }
    const app = lib()
    app.post('/pbx/cdr', piopiyMiddleware(options))
    app.post('/tenants/:tenant/cdr', lib.json(), piopiyMiddleware({ ...options, path: '/elsewhere' }))
    app.get('/health', (_req, res) => { res.send('up') })
    const server = app.listen(0, '127.0.0.1')
    await once(server, 'listening')
    t.teardown(async () => { server.closeAllConnections(); server.close(); await once(server, 'close') })
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    const post = async (path: string, body: string) => {
      const res = await fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
      return { status: res.status, body: await res.text() }
    }

    t.same(await post('/pbx/cdr?token=s3cret', cdr('r-1')), { status: 200, body: '{"ok":true}' }, 'the route answers, the default path does not matter')
    t.same(await post('/pbx/cdr?token=s3cret', cdr('r-1')), { status: 200, body: '{"ok":true,"duplicate":true}' }, 'the core dedupes there too')
    t.equal((await post('/pbx/cdr', cdr('r-2'))).status, 401, 'the token is still required (it rides in the query)')
    t.equal((await post('/tenants/acme/cdr?token=s3cret', cdr('r-3'))).status, 200, 'a route with params and express.json() before it; path is ignored')
    const bad = await post('/tenants/acme/cdr?token=s3cret', '{"cmiuuid": ')
    t.equal(bad.status, 400, "malformed JSON after the route's express.json() gets the core's 400")
    t.equal((await post('/webhook/cdr?token=s3cret', cdr('r-4'))).status, 404, 'nothing is mounted on the default path')
    t.equal(await (await fetch(`${base}/health`)).text(), 'up', 'other routes are untouched')
    t.same(fired, ['r-1', 'r-3'])
    t.same(invalid.map(i => [i.status, i.rawBody]), [[401, cdr('r-2')], [400, '{"cmiuuid": ']])
  })

  t.test(`${major}: on routes, the answer and action URLs get their flows; any other route stays the notification route`, async t => {
    const options = { logger: silent, onAnswer: () => [{ action: 'hangup' as const }], onDtmf: () => [{ action: 'record' as const }] }
    const app = lib()
    app.post('/webhook/answer', piopiyMiddleware(options))
    app.post(['/pbx/cdr', '/webhook/action'], lib.json(), piopiyMiddleware(options))
    const server = app.listen(0, '127.0.0.1')
    await once(server, 'listening')
    t.teardown(async () => { server.closeAllConnections(); server.close(); await once(server, 'close') })
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    const post = async (path: string, body: object) => {
      const res = await fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
      return { status: res.status, body: await res.text() }
    }
    const answer = { action: 'inbound', from: '19170000001', to: '19170000000', time: 1670568234000, cmiuuid: 'call-1' }
    t.same(await post('/webhook/answer?x=1', answer), { status: 200, body: '[{"action":"hangup"}]' }, 'the answer URL route')
    t.same(await post('/webhook/action', { from: 1, to: 2, dtmf: '1', cmuuid: 'call-1' }), { status: 200, body: '[{"action":"record"}]' }, 'the action URL, after express.json()')
    t.same(await post('/pbx/cdr', JSON.parse(cdr('r-5')) as object), { status: 200, body: '{"ok":true}' }, 'the other route of the same handler: notifications')
  })
}
