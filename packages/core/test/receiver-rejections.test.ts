import t from 'tap'
import { createReceiver } from '../src/receiver.js'
import type { InvalidInfo } from '../src/types.js'
import { json, post, recordingLogger, seedCdr } from './helpers.js'
import { silentLogger } from '../src/logger.js'

function receiverWith (options: { bodyLimit?: number } = {}) {
  const invalid: InvalidInfo[] = []
  let fired = 0
  const receiver = createReceiver({ ...options, logger: silentLogger, onInvalid: info => { invalid.push(info) }, onNotification: () => { fired++ } })
  return { receiver, invalid, fired: () => fired }
}

t.test('bad bodies answer 400 with reasons, onInvalid gets the raw body, nothing fires', async t => {
  const cases: Array<[string, string]> = [
    ['{"cmiuuid": ', "body: is not valid JSON (Unexpected end of JSON input)"],
    ['[1,2]', 'body: must be a JSON object (got an array)'],
    ['', 'body: is empty'],
    ['null', 'body: must be a JSON object (got null)'],
    ['"text"', 'body: must be a JSON object (got string "text")'],
    [JSON.stringify({ ...seedCdr(), duration: '13' }), 'duration: must be a number (got string "13")'],
    [JSON.stringify({ ...seedCdr(), cmiuuid: undefined }), 'cmiuuid: is required']
  ]
  const { receiver, invalid, fired } = receiverWith()
  for (const [body, reason] of cases) {
    const response = await post(receiver, body)
    t.equal(response.status, 400, body)
    t.same(json(response), { error: 'Bad Request', reasons: [reason] })
    t.same(invalid.at(-1), { rawBody: body, reasons: [reason], status: 400, headers: { 'content-type': 'application/json' }, ip: '127.0.0.1' })
  }
  t.equal(fired(), 0)
})

t.test('content types: JSON, +json and text/plain in any charset, or none; others 415', async t => {
  const { receiver, invalid } = receiverWith()
  for (const type of ['application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON', 'application/vnd.piopiy+json', 'text/plain; charset=ISO-8859-1', '', undefined]) {
    const headers = type === undefined ? {} : { 'content-type': type }
    t.equal((await post(receiver, { ...seedCdr(), cmiuuid: `ct-${String(type)}` }, { headers })).status, 200, String(type))
  }
  for (const type of ['application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'text/html', 'application/xml']) {
    const response = await post(receiver, seedCdr(), { headers: { 'content-type': type } })
    t.equal(response.status, 415, type)
    t.same(json(response), { error: 'Unsupported Media Type', reasons: [`content-type: '${type}' is not accepted (send application/json)`] })
  }
  t.equal(invalid.length, 4)
  t.equal(invalid[0]?.rawBody, JSON.stringify(seedCdr()))
})

t.test('a body over bodyLimit answers 413 with the truncated raw body', async t => {
  const { receiver, invalid, fired } = receiverWith({ bodyLimit: 100 })
  const body = JSON.stringify({ ...seedCdr(), pad: 'x'.repeat(200) })
  const response = await post(receiver, body)
  t.equal(response.status, 413)
  t.same(json(response), { error: 'Payload Too Large', reasons: ['body: larger than bodyLimit (100 bytes)'] })
  t.equal(invalid[0]?.rawBody, body.slice(0, 100))
  t.equal((await post(receiver, '{"a":1}'.padEnd(100))).status, 400, 'exactly the limit is read and parsed')
  t.equal(fired(), 0)
})

t.test("a body a framework parser refused for its own size limit answers 413 and reaches onInvalid", async t => {
  const { receiver, invalid, fired } = receiverWith()
  const response = await post(receiver, '', { tooLarge: true })
  t.equal(response.status, 413)
  t.same(json(response), { error: 'Payload Too Large', reasons: ["body: larger than the body parser's limit"] })
  t.same(invalid.map(i => [i.status, i.rawBody]), [[413, '']])
  t.equal(fired(), 0)
})

t.test('the default limit is 64 KiB', async t => {
  const { receiver } = receiverWith()
  const pad = (size: number) => JSON.stringify({ ...seedCdr(), pad: '' }).replace('"pad":""', `"pad":"${'x'.repeat(size)}"`)
  const base = pad(0).length
  t.equal((await post(receiver, pad(65_536 - base))).status, 200)
  t.equal((await post(receiver, pad(65_537 - base))).status, 413)
})

t.test('a body a framework already parsed is validated the same way', async t => {
  const { receiver, invalid, fired } = receiverWith({ bodyLimit: 1000 })
  t.equal((await receiver.handle({ method: 'POST', path: '/webhook/cdr', headers: {}, parsedBody: seedCdr() })).status, 200)
  t.equal(fired(), 1)
  const bad = await receiver.handle({ method: 'POST', path: '/webhook/cdr', headers: {}, parsedBody: [1] })
  t.equal(bad.status, 400)
  t.equal(invalid[0]?.rawBody, '[1]')
  const big = await receiver.handle({ method: 'POST', path: '/webhook/cdr', headers: { 'content-length': '5000' }, parsedBody: { ...seedCdr(), pad: 'x'.repeat(5000) } })
  t.equal(big.status, 413, 'content-length tells the size of a parsed body')
  t.equal(invalid[1]?.rawBody.length, 1000)
  const chunked = await receiver.handle({ method: 'POST', path: '/webhook/cdr', headers: {}, parsedBody: { ...seedCdr(), pad: 'x'.repeat(5000) } })
  t.equal(chunked.status, 413, 'without content-length (chunked), the size of its text')
  t.equal(invalid[2]?.rawBody.length, 1000)
  const form = await receiver.handle({ method: 'POST', path: '/webhook/cdr', headers: { 'content-type': 'application/x-www-form-urlencoded' }, parsedBody: { a: '1' } })
  t.equal(form.status, 415, 'a urlencoded parser result is refused too')
  t.equal(invalid[3]?.rawBody, '{"a":"1"}')
})

t.test('headers given as arrays are read like Node joins them', async t => {
  const receiver = createReceiver({ logger: silentLogger })
  const ok = await receiver.handle({ method: 'POST', path: '/webhook/cdr', headers: { 'content-type': ['application/json'] }, rawBody: JSON.stringify(seedCdr()) })
  t.equal(ok.status, 200, "['application/json'] reads as 'application/json'")
  const html = await receiver.handle({ method: 'POST', path: '/webhook/cdr', headers: { 'content-type': ['text/html', 'application/json'] }, rawBody: '{}' })
  t.equal(html.status, 415, "['text/html', 'application/json'] reads as 'text/html, application/json': not JSON")
})

t.test('a parsed body that JSON cannot write (a function) is a 400 with an empty raw body', async t => {
  const invalid: InvalidInfo[] = []
  const receiver = createReceiver({ logger: silentLogger, onInvalid: info => { invalid.push(info) } })
  const answer = await receiver.handle({ method: 'POST', path: '/webhook/cdr', headers: {}, parsedBody: () => 1 })
  t.equal(answer.status, 400)
  t.same(invalid.map(i => [i.rawBody, i.reasons]), [['', ['body: must be a JSON object (got a function)']]])
})

t.test('without onInvalid, rejections are logged at warn with the raw body', async t => {
  const logger = recordingLogger()
  const receiver = createReceiver({ logger, auth: { token: 't' } })
  await post(receiver, '{oops', { path: '/webhook/cdr?token=t' })
  await post(receiver, '{}', { headers: { 'x-webhook-token': 'wrong-secret', authorization: 'Basic c2VjcmV0' } })
  t.equal(logger.lines.length, 2)
  t.match(logger.lines[0], { level: 'warn', msg: 'piopiy-webhooks: request rejected', obj: { rawBody: '{oops', status: 400, reasons: [/not valid JSON/], ip: '127.0.0.1' } })
  t.match(logger.lines[1], { level: 'warn', obj: { status: 403 } })
  t.notMatch(JSON.stringify(logger.lines), /wrong-secret|c2VjcmV0|"headers"/, 'no header (no credential) in the default log')
})

t.test('an onInvalid that throws is logged; the answer stands', async t => {
  const logger = recordingLogger()
  const receiver = createReceiver({ logger, auth: { token: 't' }, onInvalid: async () => { throw new Error('db down') } })
  const response = await post(receiver, '[]', { path: '/webhook/cdr?token=t' })
  t.equal(response.status, 400)
  t.match(logger.lines, [{ level: 'error', msg: 'piopiy-webhooks: onInvalid threw', obj: { err: { message: 'db down' } } }])
})

t.test('no error answer leaks a stack or an internal message', async t => {
  const receiver = createReceiver({ logger: silentLogger, onInboundAnswered: () => { throw new Error('SECRET internal detail') } })
  const response = await post(receiver, seedCdr())
  t.equal(response.status, 500)
  t.equal(response.body, '{"error":"Internal Server Error"}')
})

t.test('a text or raw parser result is parsed as the raw body it is', async t => {
  const { receiver, invalid, fired } = receiverWith()
  const text = JSON.stringify(seedCdr())
  t.equal((await receiver.handle({ method: 'POST', path: '/webhook/cdr', headers: { 'content-type': 'text/plain' }, parsedBody: text })).status, 200)
  t.equal((await receiver.handle({ method: 'POST', path: '/webhook/cdr', headers: {}, parsedBody: Buffer.from(JSON.stringify({ ...seedCdr(), leg: 'b' })) })).status, 200)
  t.equal(fired(), 2)
  t.equal((await receiver.handle({ method: 'POST', path: '/webhook/cdr', headers: {}, parsedBody: '{bad' })).status, 400)
  t.equal((await receiver.handle({ method: 'POST', path: '/webhook/cdr', headers: {}, parsedBody: Buffer.from('{worse') })).status, 400)
  t.same(invalid.map(i => i.rawBody), ['{bad', '{worse'], 'onInvalid gets the text as it came')
})

t.test('a request object that fails when read (a broken adapter) answers 500 and is logged; handle never rejects', async t => {
  const logger = recordingLogger()
  const receiver = createReceiver({ logger, auth: { token: 't' } })
  const broken = { method: 'POST', path: '/webhook/cdr?token=t', get headers (): never { throw new Error('headers gone') } }
  const answer = await receiver.handle(broken)
  t.equal(answer.status, 500)
  t.match(logger.lines, [{ level: 'error', obj: { err: { message: 'headers gone' } }, msg: 'piopiy-webhooks: request failed' }])
})

t.test('a logger that throws while a failure is reported still gets a 500 answer, and a retry runs', async t => {
  const throwing = { ...silentLogger, error () { throw new Error('log sink down') } }
  let runs = 0
  const receiver = createReceiver({ logger: throwing, onInboundAnswered: async () => { runs++; if (runs === 1) throw new Error('db down') } })
  t.equal((await post(receiver, seedCdr())).status, 500)
  t.equal((await post(receiver, seedCdr())).status, 200, 'the claim was given back: the retry runs')
  t.equal(runs, 2)
})

t.test('a request object that fails when read, with a logger that throws too, still answers 500: handle never rejects', async t => {
  let tried = 0
  const throwing = { ...silentLogger, error () { tried++; throw new Error('log sink down') } }
  const receiver = createReceiver({ logger: throwing, auth: { token: 't' } })
  const broken = { method: 'POST', path: '/webhook/cdr?token=t', get headers (): never { throw new Error('headers gone') } }
  t.equal((await receiver.handle(broken)).status, 500)
  t.equal(tried, 1, 'the failure was offered to the log')
})
