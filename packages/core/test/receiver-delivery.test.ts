import t from 'tap'
import { PiopiyWebhookError } from '../src/errors.js'
import { MemoryIdempotencyStore, type ClaimResult, type IdempotencyStore } from '../src/idempotency.js'
import { createReceiver } from '../src/receiver.js'
import type { CallbackContext, ReceiverOptions } from '../src/types.js'
import { deferred, json, post, recordingLogger, seedCdr } from './helpers.js'
import { silentLogger } from '../src/logger.js'

const errorsOf = () => {
  const errors: Array<[PiopiyWebhookError, CallbackContext | undefined]> = []
  return { errors, onError: (err: Error, ctx: CallbackContext | undefined) => { errors.push([err as PiopiyWebhookError, ctx]) } }
}
const receiverWith = (options: ReceiverOptions) => createReceiver({ logger: silentLogger, ...options })

t.test('a re-delivered CDR fires once; copies answer 200 duplicate', async t => {
  let fired = 0
  const receiver = receiverWith({ onInboundAnswered: () => { fired++ } })
  t.same(json(await post(receiver, seedCdr())), { ok: true })
  for (let copy = 0; copy < 3; copy++) {
    const response = await post(receiver, seedCdr())
    t.equal(response.status, 200)
    t.same(json(response), { ok: true, duplicate: true })
  }
  t.equal(fired, 1)
})

t.test('a memory store with a clock of its own keeps time by it, for the receiver\'s claims and completes too', async t => {
  // the receiver hands the memory store the Date.now() it read for the request; a store with its own clock must not take it
  for (const callback of ['sync', 'async'] as const) {
    let now = 0
    let fired = 0
    const store = new MemoryIdempotencyStore({ ttlMs: 1000, now: () => now })
    const receiver = receiverWith({ idempotency: store, onInboundAnswered: callback === 'sync' ? () => { fired++ } : async () => { fired++ } })
    await post(receiver, seedCdr())
    now = 999
    t.same(json(await post(receiver, seedCdr())), { ok: true, duplicate: true }, `${callback}: done until ttlMs by the store's clock`)
    now = 1000
    t.same(json(await post(receiver, seedCdr())), { ok: true }, `${callback}: expired by the store's clock, so the copy runs again`)
    t.equal(fired, 2, callback)
  }
})

t.test('legs, kinds and apps are told apart by the key', async t => {
  const keys: string[] = []
  const receiver = receiverWith({ onNotification: (_, ctx) => { keys.push(ctx.key) } })
  await post(receiver, seedCdr())
  await post(receiver, { ...seedCdr(), leg: 'b' })
  await post(receiver, { ...seedCdr(), appid: 2222224 })
  await post(receiver, { ...seedCdr(), status: 'missed', duration: 0 })
  await post(receiver, { ...seedCdr(), type: 'event', status: 'answered' })
  t.same(keys, [
    'cdr:2222222:inbound:answered:a:55348d77-c515-425d-b22c-f0c6ecd8d780',
    'cdr:2222222:inbound:answered:b:55348d77-c515-425d-b22c-f0c6ecd8d780',
    'cdr:2222224:inbound:answered:a:55348d77-c515-425d-b22c-f0c6ecd8d780',
    'cdr:2222222:inbound:missed:a:55348d77-c515-425d-b22c-f0c6ecd8d780',
    'event:2222222:inbound:answered:a:55348d77-c515-425d-b22c-f0c6ecd8d780'
  ])
})

/** A memory store behind a promise: the receiver cannot call it synchronously, so it claims as it would a Redis store. */
class AsyncMemoryStore extends MemoryIdempotencyStore {
  override async claim (key: string, ttlMs: number, owner: string): Promise<ClaimResult> { return await super.claim(key, ttlMs, owner) }
}

for (const [name, store] of [['the memory store', new MemoryIdempotencyStore()], ['an asynchronous store', new AsyncMemoryStore()]] as const) {
  t.test(`a copy arriving while the first is in flight waits and answers the same (${name})`, async t => {
    const gate = deferred()
    let fired = 0
    const receiver = receiverWith({ idempotency: store, onInboundAnswered: async () => { fired++; await gate.promise } })
    const first = post(receiver, seedCdr())
    const second = post(receiver, seedCdr())
    await new Promise(resolve => setImmediate(resolve))
    const third = post(receiver, seedCdr()) // arrives after the claim: waits on the in-flight answer
    gate.resolve()
    const answers = await Promise.all([first, second, third])
    t.same(answers.map(a => a.status), [200, 200, 200])
    t.equal(answers[1], answers[0], 'the very same answer')
    t.equal(answers[2], answers[0])
    t.equal(fired, 1)
  })
}

t.test('a throwing callback answers 500, releases the claim, and the retry runs it', async t => {
  let attempts = 0
  const { errors, onError } = errorsOf()
  const receiver = receiverWith({ onError, onInboundAnswered: () => { attempts++; if (attempts === 1) throw new Error('db down') } })
  const failed = await post(receiver, seedCdr())
  t.equal(failed.status, 500)
  t.same(json(failed), { error: 'Internal Server Error' })
  t.equal(errors.length, 1)
  const [err, ctx] = errors[0] as [PiopiyWebhookError, CallbackContext]
  t.ok(err instanceof PiopiyWebhookError)
  t.match(err, { code: 'CALLBACK_FAILED', statusCode: 500, message: /onInboundAnswered threw: db down/, cause: { message: 'db down' } })
  t.equal(ctx.key, 'cdr:2222222:inbound:answered:a:55348d77-c515-425d-b22c-f0c6ecd8d780')
  t.equal((await post(receiver, seedCdr())).status, 200, 'the platform retry is processed')
  t.equal((await post(receiver, seedCdr())).status, 200)
  t.equal(attempts, 2)
})

t.test('a rejecting async callback, later in the chain, also answers 500', async t => {
  const { errors, onError } = errorsOf()
  const receiver = receiverWith({ onError, onInboundAnswered: async () => {}, onNotification: async () => { throw 'plain string' } }) // eslint-disable-line no-throw-literal
  t.equal((await post(receiver, seedCdr())).status, 500)
  t.match(errors[0]?.[0], { code: 'CALLBACK_FAILED', message: /onNotification threw: plain string/ })
})

t.test('a callback that throws a PiopiyWebhookError of its own: still CALLBACK_FAILED, with it as the cause', async t => {
  const { errors, onError } = errorsOf()
  const own = new PiopiyWebhookError('CALLBACK_TIMEOUT', 'my own timeout', { statusCode: 503 })
  const receiver = receiverWith({ onError, onInboundAnswered: () => { throw own } })
  t.equal((await post(receiver, seedCdr())).status, 500)
  t.match(errors[0]?.[0], { code: 'CALLBACK_FAILED', statusCode: 500, message: /onInboundAnswered threw: .*my own timeout/ })
  t.equal(errors[0]?.[0].cause, own)
})

t.test('a callback that hands the notification to a store and throws STORE_FAILED (a queue down): 503, the claim released', async t => {
  const { errors, onError } = errorsOf()
  const storeDown = new PiopiyWebhookError('STORE_FAILED', 'the queue did not store it', { statusCode: 503 })
  let down = true
  let stored = 0
  const receiver = receiverWith({ onError, onInboundAnswered: async () => { if (down) throw storeDown; stored++ } })
  const answer = await post(receiver, seedCdr())
  t.equal(answer.status, 503)
  t.equal(answer.headers['retry-after'], '300', 'the platform is asked to retry later')
  t.equal(errors.length, 1)
  t.equal(errors[0]?.[0], storeDown, 'onError gets the store failure itself')
  down = false
  t.equal((await post(receiver, seedCdr())).status, 200, 'the claim was released: the retry runs the callback')
  t.equal(stored, 1)
})

t.test('a sync throw of a non-Error value is reported too', async t => {
  const { errors, onError } = errorsOf()
  const receiver = receiverWith({ onError, onInboundAnswered: () => { throw null } }) // eslint-disable-line no-throw-literal
  t.equal((await post(receiver, seedCdr())).status, 500)
  t.match(errors[0]?.[0], { code: 'CALLBACK_FAILED', message: /onInboundAnswered threw: null/ })
})

t.test('a callback past handlerTimeoutMs answers 503; the claim is kept, then completed', async t => {
  const gate = deferred()
  let fired = 0
  const { errors, onError } = errorsOf()
  const receiver = receiverWith({ handlerTimeoutMs: 20, onError, onInboundAnswered: async () => { fired++; await gate.promise } })
  const slow = await post(receiver, seedCdr())
  t.equal(slow.status, 503)
  t.equal(slow.headers['retry-after'], '300')
  t.match(errors[0]?.[0], { code: 'CALLBACK_TIMEOUT', statusCode: 503, message: /still running after handlerTimeoutMs \(20 ms\)/ })
  t.equal((await post(receiver, seedCdr())).status, 503, 'a copy while it still runs: retry later')
  gate.resolve()
  await new Promise(resolve => setTimeout(resolve, 5))
  const later = await post(receiver, seedCdr())
  t.same(json(later), { ok: true, duplicate: true }, 'it settled well: later copies are duplicates')
  t.equal(fired, 1)
})

t.test('a timed-out callback that then fails releases the claim for the next copy', async t => {
  const gate = deferred()
  let attempts = 0
  const { errors, onError } = errorsOf()
  const receiver = receiverWith({ handlerTimeoutMs: 20, onError, onInboundAnswered: async () => { attempts++; if (attempts === 1) await gate.promise } })
  t.equal((await post(receiver, seedCdr())).status, 503)
  gate.reject(new Error('late failure'))
  await new Promise(resolve => setTimeout(resolve, 5))
  t.match(errors.map(e => e[0].code), ['CALLBACK_TIMEOUT', 'CALLBACK_FAILED'])
  t.equal((await post(receiver, seedCdr())).status, 200)
  t.equal(attempts, 2)
})

/** A store whose methods can be made to fail, around a real memory store. */
class FlakyStore implements IdempotencyStore {
  readonly inner = new MemoryIdempotencyStore()
  failing = new Set<string>()
  answer: ClaimResult | undefined
  async claim (key: string, ttlMs: number, owner: string): Promise<ClaimResult> {
    if (this.failing.has('claim')) throw new Error('store down')
    return this.answer ?? await this.inner.claim(key, ttlMs, owner)
  }

  async complete (key: string, owner: string): Promise<void> {
    if (this.failing.has('complete')) throw new Error('store down')
    await this.inner.complete(key, owner)
  }

  async release (key: string, owner: string): Promise<void> {
    if (this.failing.has('release')) throw new Error('store down')
    await this.inner.release(key, owner)
  }
}

t.test('the store cannot claim: 503, onError, no callback, never 200', async t => {
  const store = new FlakyStore()
  store.failing.add('claim')
  let fired = 0
  const { errors, onError } = errorsOf()
  const receiver = receiverWith({ idempotency: store, onError, onInboundAnswered: () => { fired++ } })
  const response = await post(receiver, seedCdr())
  t.equal(response.status, 503)
  t.equal(fired, 0)
  t.match(errors[0]?.[0], { code: 'STORE_FAILED', statusCode: 503, message: /failed to claim cdr:2222222/, cause: { message: 'store down' } })
  store.failing.clear()
  t.equal((await post(receiver, seedCdr())).status, 200, 'the retry after the outage is processed')
  t.equal(fired, 1)
})

t.test('claimed in another process: 503 so that the platform retries later', async t => {
  const store = new FlakyStore()
  store.answer = 'in-flight'
  let fired = 0
  const receiver = receiverWith({ idempotency: store, onInboundAnswered: () => { fired++ } })
  t.equal((await post(receiver, seedCdr())).status, 503)
  store.answer = 'done'
  t.same(json(await post(receiver, seedCdr())), { ok: true, duplicate: true })
  t.equal(fired, 0)
})

t.test('the store cannot complete: the callback ran, so 200, and onError is told', async t => {
  const store = new FlakyStore()
  store.failing.add('complete')
  const { errors, onError } = errorsOf()
  const receiver = receiverWith({ idempotency: store, onError, onInboundAnswered: () => {} })
  t.equal((await post(receiver, seedCdr())).status, 200)
  t.match(errors[0]?.[0], { code: 'STORE_FAILED', message: /failed to complete/ })
})

t.test('the store cannot release after a failure: still 500, both errors reported', async t => {
  const store = new FlakyStore()
  store.failing.add('release')
  const { errors, onError } = errorsOf()
  const receiver = receiverWith({ idempotency: store, onError, onInboundAnswered: () => { throw new Error('boom') } })
  t.equal((await post(receiver, seedCdr())).status, 500)
  t.same(errors.map(e => e[0].code), ['STORE_FAILED', 'CALLBACK_FAILED'])
})

t.test('idempotency: false fires every copy', async t => {
  let fired = 0
  const receiver = receiverWith({ idempotency: false, onInboundAnswered: () => { fired++ } })
  for (let copy = 0; copy < 4; copy++) t.equal((await post(receiver, seedCdr())).status, 200)
  t.equal(fired, 4)
  const failing = receiverWith({ idempotency: false, onInboundAnswered: () => { throw new Error('x') }, onError: () => {} })
  t.equal((await post(failing, seedCdr())).status, 500)
})

t.test('without onError, failures are logged at error', async t => {
  const logger = recordingLogger()
  const receiver = createReceiver({ logger, auth: { token: 't' }, onInboundAnswered: () => { throw new Error('boom') } })
  t.equal((await post(receiver, seedCdr(), { path: '/webhook/cdr?token=t' })).status, 500)
  t.match(logger.lines, [{ level: 'error', msg: 'piopiy-webhooks: notification not processed', obj: { key: /^cdr:/, err: { code: 'CALLBACK_FAILED' } } }])
})

t.test('an onError that throws is logged', async t => {
  const logger = recordingLogger()
  const receiver = createReceiver({ logger, auth: { token: 't' }, onError: () => { throw new Error('hook broke') }, onInboundAnswered: () => { throw new Error('boom') } })
  t.equal((await post(receiver, seedCdr(), { path: '/webhook/cdr?token=t' })).status, 500)
  t.match(logger.lines, [{ level: 'error', msg: 'piopiy-webhooks: onError threw', obj: { err: { message: 'hook broke' } } }])
})
