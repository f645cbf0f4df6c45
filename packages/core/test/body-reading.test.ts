import { AsyncLocalStorage } from 'node:async_hooks'
import { randomUUID } from 'node:crypto'
import { PassThrough, Readable } from 'node:stream'
import t from 'tap'
import { readBody } from '../src/body.js'
import { createReceiver } from '../src/receiver.js'
import { recordingLogger, seedCdr } from './helpers.js'
import { silentLogger } from '../src/logger.js'

const bytes = (): Buffer => Buffer.from(JSON.stringify(seedCdr()))

t.test('buffers, typed arrays and strings', async t => {
  t.same(await readBody(bytes(), 10_000), { bytes: bytes(), tooLarge: false })
  const typed = new Uint8Array(bytes())
  t.same((await readBody(typed, 10_000)).bytes, bytes())
  t.same((await readBody('héllo', 10_000)).bytes, Buffer.from('héllo'))
  t.same(await readBody(undefined, 10), { bytes: Buffer.alloc(0), tooLarge: false })
  t.same(await readBody('0123456789abc', 10), { bytes: Buffer.from('0123456789'), tooLarge: true })
})

t.test('a Node stream in several chunks', async t => {
  const stream = Readable.from([Buffer.from('{"a":'), '1', new Uint8Array([125])], { objectMode: true })
  t.same(await readBody(stream, 100), { bytes: Buffer.from('{"a":1}'), tooLarge: false })
})

t.test('a Node stream over the limit is paused, not destroyed, so the answer can still be written', async t => {
  const stream = new PassThrough()
  const reading = readBody(stream, 8)
  stream.write('0123456')
  stream.write('789')
  const body = await reading
  t.same(body, { bytes: Buffer.from('01234567'), tooLarge: true })
  t.equal(stream.destroyed, false)
  t.equal(stream.isPaused(), true)
  stream.end()
})

t.test('a stream someone already read gives an empty body at once (no hang)', async t => {
  const stream = Readable.from(['{}'])
  for await (const chunk of stream) t.ok(chunk)
  t.equal(stream.readableEnded, true)
  t.same(await readBody(stream, 100), { bytes: Buffer.alloc(0), tooLarge: false })
})

t.test('a stream error rejects', async t => {
  const stream = new PassThrough()
  const reading = readBody(stream, 100)
  stream.destroy(new Error('aborted'))
  await t.rejects(async () => await reading, { message: 'aborted' })
})

t.test('any async iterable (web streams, generators), stopped at the limit', async t => {
  async function * chunks (): AsyncGenerator<Uint8Array | string> { yield '{"a":'; yield new TextEncoder().encode('1}') }
  t.same(await readBody(chunks(), 100), { bytes: Buffer.from('{"a":1}'), tooLarge: false })
  let pulled = 0
  async function * endless (): AsyncGenerator<string> { for (;;) { pulled++; yield 'xxxx' } }
  t.same(await readBody(endless(), 10), { bytes: Buffer.from('xxxxxxxxxx'), tooLarge: true })
  t.equal(pulled, 3, 'stops pulling once over the limit')
})

t.test('the receiver reads a stream body and answers 200', async t => {
  let fired = 0
  const receiver = createReceiver({ logger: silentLogger, onInboundAnswered: () => { fired++ } })
  const response = await receiver.handle({ method: 'POST', path: '/webhook/cdr', headers: {}, rawBody: Readable.from([bytes()]) })
  t.equal(response.status, 200)
  t.equal(fired, 1)
})

t.test('a body that cannot be read (client gone) answers 500 and is logged, never rejects', async t => {
  const logger = recordingLogger()
  const receiver = createReceiver({ logger, auth: { token: 't' } })
  const stream = new PassThrough()
  const answer = receiver.handle({ method: 'POST', path: '/webhook/cdr?token=t', headers: {}, rawBody: stream })
  stream.destroy(new Error('socket hang up'))
  const response = await answer
  t.equal(response.status, 500)
  t.equal(response.body, '{"error":"Internal Server Error"}')
  t.match(logger.lines, [{ level: 'error', msg: 'piopiy-webhooks: request failed', obj: { err: { message: 'socket hang up' } } }])
})

t.test('a log that throws while a streamed body is rejected: 500, never a rejection', async t => {
  let tried = 0
  const throwing = { ...silentLogger, warn () { tried++; throw new Error('log sink down') }, error () { tried++; throw new Error('log sink down') } }
  const receiver = createReceiver({ logger: throwing, auth: { token: 't' } })
  const stream = new PassThrough()
  const answer = receiver.handle({ method: 'POST', path: '/webhook/cdr', headers: {}, rawBody: stream })
  stream.end(bytes())
  const response = await answer
  t.equal(response.status, 500, 'the 401 could not be reported: answered as a failure')
  t.equal(tried, 2, 'the rejection, then the failure, offered to the log')
  t.equal(stream.listenerCount('error'), 0, 'the stream was let go')
  const inMemory = await receiver.handle({ method: 'POST', path: '/webhook/cdr', headers: {}, rawBody: bytes() })
  t.equal(inMemory.status, 500, 'the same answer for a body in memory')
})

t.test('callbacks and onInvalid run in the request\'s async context (AsyncLocalStorage), body in memory or streamed', async t => {
  const context = new AsyncLocalStorage<string>()
  const seen: Array<string | undefined> = []
  const receiver = createReceiver({
    logger: silentLogger,
    auth: { token: 't' },
    onInboundAnswered: async () => { seen.push(context.getStore()); await Promise.resolve(); seen.push(context.getStore()) },
    onInvalid: () => { seen.push(context.getStore()) }
  })
  const streamed = (chunks: Buffer[]): PassThrough => {
    const stream = new PassThrough()
    setTimeout(() => { stream.end(Buffer.concat(chunks)) }, 5) // ends in a timer's turn, outside the request's context
    return stream
  }
  const fresh = (): Buffer => Buffer.from(JSON.stringify({ ...seedCdr(), cmiuuid: randomUUID() }))
  const requests = [
    ['in memory', '/webhook/cdr?token=t', fresh()],
    ['streamed', '/webhook/cdr?token=t', streamed([fresh()])],
    ['rejected, streamed', '/webhook/cdr', streamed([fresh()])]
  ] as const
  for (const [name, path, rawBody] of requests) {
    const answer = await context.run(name, async () => await receiver.handle({ method: 'POST', path, headers: {}, rawBody }))
    t.ok(answer.status === 200 || answer.status === 401, `${name}: ${answer.status}`)
  }
  t.same(seen, ['in memory', 'in memory', 'streamed', 'streamed', 'rejected, streamed'])
})

t.test('a rejected request reads its body once, for onInvalid', async t => {
  const seen: string[] = []
  const receiver = createReceiver({ logger: silentLogger, auth: { token: 't' }, onInvalid: info => { seen.push(info.rawBody) } })
  const response = await receiver.handle({ method: 'POST', path: '/webhook/cdr', headers: {}, rawBody: Readable.from([bytes()]) })
  t.equal(response.status, 401)
  t.same(seen, [bytes().toString()])
})

t.test('a Node stream that stops short of its end gives what came, timed out, and is paused (not destroyed)', async t => {
  const stream = new PassThrough()
  const reading = readBody(stream, 100, 20)
  stream.write('{"a":')
  t.same(await reading, { bytes: Buffer.from('{"a":'), tooLarge: false, timedOut: true })
  t.equal(stream.destroyed, false)
  t.equal(stream.isPaused(), true)
  stream.end()
})

t.test('an async iterable that fails rejects; one that fails after the time allowed stays timed out', async t => {
  async function * failing (): AsyncGenerator<string> { yield '{"a":'; throw new Error('aborted') }
  await t.rejects(async () => await readBody(failing(), 100, 1000), { message: 'aborted' })
  let fail = (): void => {}
  async function * late (): AsyncGenerator<string> { yield '{"a":'; await new Promise<void>((_resolve, reject) => { fail = () => { reject(new Error('late')) } }) }
  t.same(await readBody(late(), 100, 20), { bytes: Buffer.from('{"a":'), tooLarge: false, timedOut: true })
  fail()
  let more = (): void => {}
  async function * slow (): AsyncGenerator<string> { yield '{"a":'; await new Promise<void>(resolve => { more = resolve }); yield '1}' }
  t.same(await readBody(slow(), 100, 20), { bytes: Buffer.from('{"a":'), tooLarge: false, timedOut: true }, 'a chunk after the deadline is not added')
  more()
  await new Promise(resolve => setImmediate(resolve))
})

t.test('an async iterable that never yields again times out too', async t => {
  async function * stalled (): AsyncGenerator<string> { yield '{"a":'; await new Promise(() => {}) }
  t.same(await readBody(stalled(), 100, 20), { bytes: Buffer.from('{"a":'), tooLarge: false, timedOut: true })
})

t.test('a body not received within bodyTimeoutMs answers 408, closes the connection and tells onInvalid', async t => {
  const seen: Array<{ status: number, rawBody: string }> = []
  const receiver = createReceiver({ logger: silentLogger, bodyTimeoutMs: 20, onInvalid: info => { seen.push(info) } })
  const stream = new PassThrough()
  stream.write('{"cmiuuid":')
  const response = await receiver.handle({ method: 'POST', path: '/webhook/cdr', headers: {}, rawBody: stream })
  t.equal(response.status, 408)
  t.equal(response.headers['connection'], 'close')
  t.match(JSON.parse(response.body), { error: 'Request Timeout', reasons: ['body: not received within bodyTimeoutMs (20 ms)'] })
  t.same(seen.map(i => [i.status, i.rawBody]), [[408, '{"cmiuuid":']])
})

t.test('a declared content-length over bodyLimit answers 413 at once, unread, and closes the connection', async t => {
  const seen: Array<{ status: number, rawBody: string }> = []
  const receiver = createReceiver({ logger: silentLogger, bodyLimit: 100, onInvalid: info => { seen.push(info) } })
  const stream = new PassThrough() // nothing is ever sent: the answer must not wait for it
  const response = await receiver.handle({ method: 'POST', path: '/webhook/cdr', headers: { 'content-length': '101' }, rawBody: stream })
  t.equal(response.status, 413)
  t.equal(response.headers['connection'], 'close')
  t.same(seen.map(i => [i.status, i.rawBody]), [[413, '']])
  t.equal(stream.readableFlowing, null, 'the body was never read')
  // a failed auth on such a request closes too: the body is still unread
  const guarded = createReceiver({ logger: silentLogger, bodyLimit: 100, auth: { token: 't' }, onInvalid: () => {} })
  const denied = await guarded.handle({ method: 'POST', path: '/webhook/cdr', headers: { 'content-length': '101' }, rawBody: new PassThrough() })
  t.equal(denied.status, 401)
  t.equal(denied.headers['connection'], 'close')
})

t.test('a body of exactly bodyLimit bytes is read; one byte more is 413 (declared or streamed)', async t => {
  const receiver = createReceiver({ logger: silentLogger, bodyLimit: 8, onInvalid: () => {} })
  const post = async (body: string, headers: Record<string, string>): Promise<number> =>
    (await receiver.handle({ method: 'POST', path: '/webhook/cdr', headers, rawBody: Readable.from([Buffer.from(body)]) })).status
  t.equal(await post('12345678', { 'content-length': '8' }), 400, 'exactly the limit: read, then 400 (not an object)')
  t.equal(await post('123456789', { 'content-length': '9' }), 413, 'declared one byte over: 413')
  t.equal(await post('12345678', {}), 400, 'streamed, exactly the limit: read')
  t.equal(await post('123456789', {}), 413, 'streamed, one byte over: 413')
})
