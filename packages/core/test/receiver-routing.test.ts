import t from 'tap'
import { createReceiver } from '../src/receiver.js'
import { json, post, seedCdr } from './helpers.js'
import { silentLogger } from '../src/logger.js'

t.test('matches its path, with or without a query or trailing slash', async t => {
  const receiver = createReceiver({ logger: silentLogger })
  for (const path of ['/webhook/cdr', '/webhook/cdr/', '/webhook/cdr?token=x', '/webhook/cdr/?a=1']) t.ok(receiver.matches(path), path)
  for (const path of ['/', '/webhook', '/webhook/cdrs', '/other/webhook/cdr', '/webhook/cdr/x']) t.notOk(receiver.matches(path), path)
  const custom = createReceiver({ path: '/hooks/piopiy', logger: silentLogger })
  t.ok(custom.matches('/hooks/piopiy'))
  t.notOk(custom.matches('/webhook/cdr'))
})

t.test('a path that is not ours answers 404 (adapters call next() before this)', async t => {
  let fired = 0
  const receiver = createReceiver({ logger: silentLogger, onNotification: () => { fired++ } })
  const response = await post(receiver, seedCdr(), { path: '/elsewhere' })
  t.equal(response.status, 404)
  t.same(json(response), { error: 'Not Found' })
  t.equal(fired, 0)
})

t.test('any method but POST answers 405 with Allow: POST and calls nothing', async t => {
  let called = 0
  const receiver = createReceiver({ logger: silentLogger, onNotification: () => { called++ }, onInvalid: () => { called++ } })
  for (const method of ['GET', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']) {
    const response = await receiver.handle({ method, path: '/webhook/cdr', headers: {} })
    t.equal(response.status, 405, method)
    t.equal(response.headers.allow, 'POST')
    t.equal(response.headers['content-type'], 'application/json; charset=utf-8')
  }
  t.equal((await post(receiver, seedCdr(), { method: 'post' })).status, 200, 'method names are case-insensitive')
  t.equal(called, 1)
})
