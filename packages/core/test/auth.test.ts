import t from 'tap'
import { createReceiver } from '../src/receiver.js'
import type { AuthOptions, InvalidInfo } from '../src/types.js'
import { json, post, seedCdr } from './helpers.js'
import { silentLogger } from '../src/logger.js'

const receiverWith = (auth: AuthOptions) => {
  const invalid: InvalidInfo[] = []
  let fired = 0
  const receiver = createReceiver({ auth, logger: silentLogger, idempotency: false, onInvalid: info => { invalid.push(info) }, onInboundAnswered: () => { fired++ } })
  return { receiver, invalid, fired: () => fired }
}
const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`

t.test('token in the query string or the header, compared exactly', async t => {
  const { receiver, invalid, fired } = receiverWith({ token: 's3cret' })
  t.equal((await post(receiver, seedCdr(), { path: '/webhook/cdr?token=s3cret' })).status, 200)
  t.equal((await post(receiver, seedCdr(), { headers: { 'x-webhook-token': 's3cret' } })).status, 200)
  t.equal(fired(), 2)
  const missing = await post(receiver, seedCdr())
  t.equal(missing.status, 401)
  t.same(json(missing), { error: 'Unauthorized', reasons: ['token: missing (send it as ?token= or the x-webhook-token header)'] })
  const wrong = await post(receiver, seedCdr(), { path: '/webhook/cdr?token=s3cre' })
  t.equal(wrong.status, 403)
  t.same(json(wrong), { error: 'Forbidden', reasons: ['token: does not match'] })
  t.equal((await post(receiver, seedCdr(), { path: '/webhook/cdr?token=s3cret-and-more' })).status, 403)
  t.equal((await post(receiver, seedCdr(), { headers: { 'x-webhook-token': ['wrong', 's3cret'] } })).status, 403, 'the first header value counts')
  t.equal(fired(), 2, 'no callback for a rejected request')
  t.equal(invalid.length, 4)
  t.match(invalid[0], { status: 401, reasons: [/token: missing/], ip: '127.0.0.1' })
  t.equal(invalid[0]?.rawBody, JSON.stringify(seedCdr()), 'onInvalid gets the raw body')
})

t.test('token header and query names can be changed', async t => {
  const { receiver } = receiverWith({ token: { token: 'abc', header: 'X-PIOPIY-Key', query: 'key' } })
  t.equal((await post(receiver, seedCdr(), { path: '/webhook/cdr?key=abc' })).status, 200)
  t.equal((await post(receiver, seedCdr(), { headers: { 'x-piopiy-key': 'abc' } })).status, 200)
  t.equal((await post(receiver, seedCdr(), { path: '/webhook/cdr?token=abc' })).status, 401, 'the default name no longer works')
})

t.test('HTTP Basic credentials', async t => {
  const { receiver, invalid } = receiverWith({ basic: { username: 'piopiy', password: 'pa:ss' } })
  t.equal((await post(receiver, seedCdr(), { headers: { authorization: basic('piopiy', 'pa:ss') } })).status, 200)
  const missing = await post(receiver, seedCdr())
  t.equal(missing.status, 401)
  t.equal(missing.headers['www-authenticate'], 'Basic realm="piopiy-webhooks", charset="UTF-8"')
  t.equal((await post(receiver, seedCdr(), { headers: { authorization: 'Bearer x' } })).status, 401)
  t.equal((await post(receiver, seedCdr(), { headers: { authorization: basic('piopiy', 'pass') } })).status, 403)
  t.equal((await post(receiver, seedCdr(), { headers: { authorization: basic('other', 'pa:ss') } })).status, 403)
  t.equal((await post(receiver, seedCdr(), { headers: { authorization: `Basic ${Buffer.from('no-colon').toString('base64')}` } })).status, 403)
  t.same(invalid.map(i => i.reasons[0]), ['basic: credentials missing', 'basic: credentials missing', 'basic: wrong username or password', 'basic: wrong username or password', 'basic: wrong username or password'])
})

t.test('IP allowlist with CIDR ranges, IPv4 and IPv6', async t => {
  const { receiver, invalid } = receiverWith({ allowIps: ['10.1.0.0/16', '192.0.2.7', '2001:db8::/32'] })
  for (const ip of ['10.1.2.3', '::ffff:10.1.255.255', '192.0.2.7', '2001:db8::42']) {
    t.equal((await post(receiver, seedCdr(), { ip })).status, 200, `${ip} allowed`)
  }
  for (const ip of ['10.2.0.1', '192.0.2.8', '2001:db9::1', '127.0.0.1']) {
    t.equal((await post(receiver, seedCdr(), { ip })).status, 403, `${ip} refused`)
  }
  t.equal((await post(receiver, seedCdr(), { ip: undefined })).status, 403, 'an unknown address is refused')
  t.equal(invalid.at(-1)?.reasons[0], 'ip: unknown is not in auth.allowIps')
  t.equal(invalid[0]?.reasons[0], 'ip: 10.2.0.1 is not in auth.allowIps')
})

t.test('X-Forwarded-For is ignored unless trustProxy says so (no spoofing)', async t => {
  const spoofed = { 'content-type': 'application/json', 'x-forwarded-for': '10.1.0.1' }
  const untrusting = receiverWith({ allowIps: ['10.1.0.0/16'] })
  t.equal((await post(untrusting.receiver, seedCdr(), { ip: '203.0.113.9', headers: spoofed })).status, 403)
  t.equal(untrusting.invalid[0]?.ip, '203.0.113.9')

  const trustAll = receiverWith({ allowIps: ['10.1.0.0/16'], trustProxy: true })
  t.equal((await post(trustAll.receiver, seedCdr(), { ip: '127.0.0.1', headers: { 'x-forwarded-for': '10.1.0.1, 172.16.0.1' } })).status, 200, 'left-most address')
  t.equal((await post(trustAll.receiver, seedCdr(), { ip: '10.1.0.9', headers: {} })).status, 200, 'socket address without the header')

  const oneHop = receiverWith({ allowIps: ['10.1.0.0/16'], trustProxy: 1 })
  // the client forged the first entry; our one proxy appended the real client address
  t.equal((await post(oneHop.receiver, seedCdr(), { ip: '127.0.0.1', headers: { 'x-forwarded-for': '10.1.0.1, 203.0.113.9' } })).status, 403)
  t.equal(oneHop.invalid[0]?.ip, '203.0.113.9')
  t.equal((await post(oneHop.receiver, seedCdr(), { ip: '127.0.0.1', headers: { 'x-forwarded-for': '203.0.113.9, 10.1.0.1' } })).status, 200)
  const manyHops = receiverWith({ allowIps: ['10.1.0.0/16'], trustProxy: 5 })
  t.equal((await post(manyHops.receiver, seedCdr(), { ip: '127.0.0.1', headers: { 'x-forwarded-for': '10.1.0.1,  ,' } })).status, 200, 'more hops than entries: the left-most')
  const noSocket = receiverWith({ allowIps: ['10.1.0.0/16'], trustProxy: true })
  t.equal((await post(noSocket.receiver, seedCdr(), { ip: undefined, headers: { 'x-forwarded-for': '10.1.0.1' } })).status, 200)
})

t.test('app-id allowlist: other apps get 403 after parsing', async t => {
  const { receiver, invalid, fired } = receiverWith({ appIds: [2222222, '2222224'] })
  t.equal((await post(receiver, seedCdr())).status, 200)
  t.equal((await post(receiver, { ...seedCdr(), appid: 2222224 })).status, 200)
  const other = await post(receiver, { ...seedCdr(), appid: 9999999 })
  t.equal(other.status, 403)
  t.same(json(other), { error: 'Forbidden', reasons: ['appid: 9999999 is not in auth.appIds'] })
  const unknownWithoutApp = await post(receiver, { cmuuid: 'x-1', dtmf: '1234' })
  t.equal(unknownWithoutApp.status, 403, 'a notification without an app id cannot prove it is ours')
  t.equal(fired(), 2)
  t.equal(invalid.length, 2)
})

t.test('every configured check must pass', async t => {
  const { receiver, invalid } = receiverWith({ token: 't', basic: { username: 'u', password: 'p' }, allowIps: ['127.0.0.1'], appIds: [2222222] })
  const headers = { 'content-type': 'application/json', 'x-webhook-token': 't', authorization: basic('u', 'p') }
  t.equal((await post(receiver, seedCdr(), { headers })).status, 200)
  t.equal((await post(receiver, seedCdr(), { headers, ip: '127.0.0.2' })).status, 403)
  t.equal((await post(receiver, seedCdr(), { headers: { ...headers, 'x-webhook-token': 'x' } })).status, 403)
  t.equal((await post(receiver, seedCdr(), { headers: { 'content-type': 'application/json', 'x-webhook-token': 't' } })).status, 401)
  t.equal((await post(receiver, { ...seedCdr(), appid: 1 }, { headers })).status, 403)
  t.equal(invalid.length, 4)
})
