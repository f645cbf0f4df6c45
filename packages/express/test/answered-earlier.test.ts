// An earlier middleware (a request timeout, say) already answered: the middleware must not write again.
// Writing would throw ERR_HTTP_HEADERS_SENT as an unhandled rejection, which kills the process under
// Node's default; it is logged instead. Over real Express 5 and 4 servers on 127.0.0.1.
import { closeServer } from '@piopiy-webhooks/contract-tests'
import express from 'express'
import express4 from 'express4'
import { once } from 'node:events'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { piopiyMiddleware } from '../src/index.js'

const cdr = JSON.stringify({ cmiuuid: 'early-1', appid: 2222222, direction: 'inbound', status: 'answered', leg: 'a', from: 919900000001, to: 914400000001, time: 1700000000000, duration: 13 })

for (const [major, lib] of [['express 5', express], ['express 4', express4 as unknown as typeof express]] as const) {
  t.test(`${major}: an answer already sent is not written again; it is logged, nothing is thrown`, async t => {
    const unhandled: unknown[] = []
    const onUnhandled = (reason: unknown): void => { unhandled.push(reason) }
    process.on('unhandledRejection', onUnhandled)
    t.teardown(() => { process.off('unhandledRejection', onUnhandled) })
    const errors: Array<{ obj: unknown, msg: string | undefined }> = []
    const logger = { debug () {}, info () {}, warn () {}, error (obj: unknown, msg?: string) { errors.push({ obj, msg }) } }
    const fired: string[] = []
    const middleware = piopiyMiddleware({ logger, onNotification: n => { fired.push(n.cmiuuid) } })
    const app = lib()
    // what a timeout middleware does when its time is up: answers, and the request goes on
    app.use((_req, res, next) => { res.status(503).end('busy'); next() })
    app.use(middleware)
    const server = app.listen(0, '127.0.0.1')
    await once(server, 'listening')
    t.teardown(async () => { await closeServer(server) })
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook/cdr`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: cdr })
    t.equal(res.status, 503)
    t.equal(await res.text(), 'busy', "the earlier middleware's answer stands")
    for (let i = 0; i < 50 && errors.length === 0; i++) await new Promise(resolve => { setImmediate(resolve) })
    t.match(errors, [{ obj: { status: 200, err: { code: 'ERR_HTTP_HEADERS_SENT' } }, msg: /already sent by an earlier middleware/ }], 'logged at error, with the answer not written')
    t.same(fired, ['early-1'], 'the core still processed it (dedupe answers the retry)')
    t.same(unhandled, [], 'no unhandled rejection')
    t.type(middleware.close, 'function', 'close() is there for the server to call')
  })
}
