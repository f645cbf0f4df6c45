// Never hung (issue 12): ctx.signal aborts at the timeout and when the receiver closes; every store call is
// bounded by handlerTimeoutMs (503 STORE_FAILED), and a claim that answers late is given back; onInvalid and
// onError are called before the answer and never waited for.
import t from 'tap'
import type { CallControlContext } from '../src/call-control.js'
import type { PiopiyWebhookError } from '../src/errors.js'
import { type ClaimResult, type IdempotencyStore, MemoryIdempotencyStore } from '../src/idempotency.js'
import { silentLogger } from '../src/logger.js'
import { createReceiver } from '../src/receiver.js'
import type { CallbackContext, ReceiverOptions } from '../src/types.js'
import { answerUrlSample } from './fixtures/index.js'
import { deferred, post, recordingLogger, seedCdr } from './helpers.js'

const receiverWith = (options: ReceiverOptions) => createReceiver({ logger: silentLogger, ...options })
const turn = (): Promise<void> => new Promise(resolve => { setImmediate(resolve) })
const answerSample = answerUrlSample('piopiy.answer_url.request.inbound')

t.test('ctx.signal: a live signal while the callback runs; aborted with a TimeoutError when handlerTimeoutMs passes', async t => {
  const gate = deferred()
  t.teardown(() => { gate.resolve() })
  const seen: AbortSignal[] = []
  const receiver = receiverWith({ handlerTimeoutMs: 20, onInboundAnswered: async (_, ctx) => { seen.push(ctx.signal); await gate.promise } })
  const answered = post(receiver, seedCdr())
  await turn()
  t.equal(seen[0]?.aborted, false, 'not aborted while within the time')
  t.equal((await answered).status, 503)
  t.equal(seen[0]?.aborted, true, 'aborted once the answer is 503')
  t.match(seen[0]?.reason, { name: 'TimeoutError', message: /handlerTimeoutMs \(20 ms\)/ })
})

t.test('ctx.signal: close() aborts the callbacks still running (AbortError), and requests after it start aborted', async t => {
  const gate = deferred()
  const seen: CallbackContext[] = []
  const receiver = receiverWith({ onNotification: async (n, ctx) => { seen.push(ctx); if (n.kind === 'cdr') await gate.promise } })
  const running = post(receiver, seedCdr())
  await turn()
  receiver.close()
  t.match(seen[0]?.signal.reason, { name: 'AbortError', message: /the receiver closed/ })
  gate.resolve()
  t.equal((await running).status, 200, 'the callback still decides its own outcome')
  t.equal((await post(receiver, { ...seedCdr(), type: 'event' })).status, 200)
  t.equal(seen[1]?.signal.aborted, true, 'a request after close() gets an aborted signal')
  receiver.close() // twice is harmless
})

t.test('close() aborts exactly the callbacks still running: not one that settled, not one whose time was up (its TimeoutError stays)', async t => {
  const gates = new Map<string, ReturnType<typeof deferred<void>>>()
  t.teardown(() => { for (const gate of gates.values()) gate.resolve() })
  const seen = new Map<string, AbortSignal>()
  const receiver = receiverWith({
    handlerTimeoutMs: 1_000,
    onInboundAnswered: async (record, ctx) => {
      seen.set(record.cmiuuid, ctx.signal)
      const gate = deferred()
      gates.set(record.cmiuuid, gate)
      await gate.promise
    }
  })
  const fast = receiverWith({ handlerTimeoutMs: 20, onInboundAnswered: async (_, ctx) => { seen.set('timed-out', ctx.signal); await new Promise(resolve => setTimeout(resolve, 200)) } })
  // 'done' behind a callback still running, in the timeout queue: its entry is cancelled, not yet dropped
  const answers = ['running-1', 'done', 'running-2', 'running-3'].map(cmiuuid => post(receiver, { ...seedCdr(), cmiuuid }))
  await turn()
  gates.get('done')?.resolve()
  t.equal((await answers[1])?.status, 200, 'the second has settled')
  t.equal((await post(fast, { ...seedCdr(), cmiuuid: 'timed-out' })).status, 503, 'the other receiver\'s callback ran out of time')
  receiver.close()
  fast.close()
  t.equal(seen.get('done')?.aborted, false, 'a callback that settled is not aborted')
  for (const cmiuuid of ['running-1', 'running-2', 'running-3']) t.match(seen.get(cmiuuid)?.reason, { name: 'AbortError', message: /the receiver closed/ }, `${cmiuuid} is aborted`)
  t.match(seen.get('timed-out')?.reason, { name: 'TimeoutError' }, 'a callback whose time was up keeps its reason')
  for (const gate of gates.values()) gate.resolve()
  t.same((await Promise.all(answers)).map(answer => answer.status), [200, 200, 200, 200])
})

t.test('ctx.signal of onAnswer: aborted at callControlTimeoutMs (the fallback answered) and by close()', async t => {
  const gate = deferred()
  t.teardown(() => { gate.resolve() })
  const seen: CallControlContext[] = []
  const receiver = receiverWith({ callControlTimeoutMs: 20, onAnswer: async (_, ctx) => { seen.push(ctx); await gate.promise; return [{ action: 'hangup' }] } })
  t.equal((await post(receiver, answerSample, { path: '/webhook/answer' })).status, 200)
  t.match(seen[0]?.signal.reason, { name: 'TimeoutError', message: /callControlTimeoutMs \(20 ms\)/ })
  const patient = receiverWith({ onAnswer: async (_, ctx) => { seen.push(ctx); await gate.promise; return [{ action: 'hangup' }] } })
  const running = post(patient, answerSample, { path: '/webhook/answer' })
  await turn()
  patient.close()
  t.match(seen[1]?.signal.reason, { name: 'AbortError' })
  gate.resolve()
  t.equal((await running).body, '[{"action":"hangup"}]')
})

/** A store whose calls can be held (never settling, until the test settles them), around a real memory store. */
class HeldStore implements IdempotencyStore {
  readonly inner = new MemoryIdempotencyStore()
  readonly held = new Set<'claim' | 'complete' | 'release'>()
  readonly pending: Array<() => void> = []
  releases: string[] = []
  async #maybeHold (op: 'claim' | 'complete' | 'release'): Promise<void> {
    if (!this.held.has(op)) return
    const gate = deferred()
    this.pending.push(gate.resolve)
    await gate.promise
  }

  async claim (key: string, ttlMs: number, owner: string): Promise<ClaimResult> { await this.#maybeHold('claim'); return await this.inner.claim(key, ttlMs, owner) }
  async complete (key: string, owner: string): Promise<void> { await this.#maybeHold('complete'); await this.inner.complete(key, owner) }
  async release (key: string, owner: string): Promise<void> {
    this.releases.push(owner)
    await this.#maybeHold('release')
    await this.inner.release(key, owner)
  }
}

const errorsOf = () => {
  const errors: PiopiyWebhookError[] = []
  return { errors, onError: (err: Error) => { errors.push(err as PiopiyWebhookError) } }
}

t.test('a claim that never settles: 503 and onError STORE_FAILED, no callback; settling late as claimed, it is given back', async t => {
  const store = new HeldStore()
  store.held.add('claim')
  let fired = 0
  const { errors, onError } = errorsOf()
  const receiver = receiverWith({ idempotency: store, handlerTimeoutMs: 20, onError, onInboundAnswered: () => { fired++ } })
  const answer = await post(receiver, seedCdr())
  t.equal(answer.status, 503, 'answered, not hung')
  t.match(errors, [{ code: 'STORE_FAILED', statusCode: 503, message: /did not answer claim within handlerTimeoutMs \(20 ms\)/ }])
  t.equal(fired, 0)
  store.held.clear()
  for (const settle of store.pending.splice(0)) settle() // the store answers at last: it did claim the key
  await turn()
  t.equal(store.releases.length, 1, 'the late claim was released with its owner token')
  t.equal((await post(receiver, seedCdr())).status, 200, 'the key is not stuck: the retry is processed')
  t.equal(fired, 1)
})

t.test('a claim settling late as in-flight or done is left alone; a late release that fails is logged', async t => {
  const logger = recordingLogger()
  const store = new HeldStore()
  await store.inner.claim('k-done', 60_000, 'x:1')
  await store.inner.complete('k-done', 'x:1')
  store.held.add('claim')
  const receiver = createReceiver({ logger, idempotency: store, handlerTimeoutMs: 20, onError: () => {} })
  t.equal((await post(receiver, seedCdr())).status, 503)
  store.held.clear()
  // the late answer: the key was claimed meanwhile by someone else
  await store.inner.claim(`cdr:2222222:inbound:answered:a:${String(seedCdr().cmiuuid)}`, 60_000, 'other:1')
  for (const settle of store.pending.splice(0)) settle()
  await turn()
  t.same(store.releases, [], 'in-flight elsewhere: nothing to give back')
  const failing = new HeldStore()
  failing.held.add('claim')
  const failed = createReceiver({ logger, idempotency: { ...bind(failing), release: async () => { throw new Error('store down') } }, handlerTimeoutMs: 20, onError: () => {} })
  t.equal((await post(failed, seedCdr())).status, 503)
  for (const settle of failing.pending.splice(0)) settle()
  await turn()
  await turn()
  t.match(logger.lines.filter(l => /answered late/.test(l.msg ?? '')), [{ level: 'warn', msg: /answered late could not be released; its lease will lapse/ }])
})

/** The store's methods, bound, for a store object that replaces one of them. */
const bind = (store: IdempotencyStore): IdempotencyStore => ({
  claim: store.claim.bind(store), complete: store.complete.bind(store), release: store.release.bind(store)
})

t.test('complete or release that never settles: the answer comes (200 or 500), onError STORE_FAILED; a claim never settled lapses', async t => {
  const store = new HeldStore()
  store.held.add('complete')
  const { errors, onError } = errorsOf()
  let attempts = 0
  const receiver = receiverWith({ idempotency: store, handlerTimeoutMs: 20, onError, onNotification: n => { if (n.kind === 'event' && ++attempts === 1) throw new Error('boom') } })
  t.equal((await post(receiver, seedCdr())).status, 200, 'the callbacks ran: 200')
  t.match(errors, [{ code: 'STORE_FAILED', message: /did not answer complete within handlerTimeoutMs/ }])
  store.held.add('release')
  t.equal((await post(receiver, { ...seedCdr(), type: 'event' })).status, 500, 'the callback failed: 500')
  t.same(errors.map(e => e.code), ['STORE_FAILED', 'STORE_FAILED', 'CALLBACK_FAILED'], 'the release not answered, then the failure')
  t.match(errors[1]?.message, /did not answer release within handlerTimeoutMs/)
  for (const settle of store.pending.splice(0)) settle()
})

t.test('a slow onInvalid does not delay the 400; it is called for every rejection; its rejection is logged', async t => {
  const logger = recordingLogger()
  const never = deferred()
  t.teardown(() => { never.resolve() })
  const seen: number[] = []
  const receiver = createReceiver({ logger, onInvalid: async info => { seen.push(info.status); await never.promise } })
  for (let i = 0; i < 3; i++) t.equal((await post(receiver, '{"nope"')).status, 400, 'answered while onInvalid still runs')
  t.same(seen, [400, 400, 400], 'onInvalid saw each of them')
  const rejecting = createReceiver({ logger, onInvalid: async () => { throw new Error('hook down') } })
  t.equal((await post(rejecting, '[]')).status, 400)
  await turn()
  t.match(logger.lines.filter(l => l.level === 'error'), [{ msg: 'piopiy-webhooks: onInvalid threw', obj: { err: { message: 'hook down' } } }])
})

t.test('a slow onError does not delay the 500; a rejecting one is logged', async t => {
  const logger = recordingLogger()
  const never = deferred()
  t.teardown(() => { never.resolve() })
  const slow = createReceiver({ logger, onError: async () => { await never.promise }, onInboundAnswered: () => { throw new Error('boom') } })
  t.equal((await post(slow, seedCdr())).status, 500)
  const rejecting = createReceiver({ logger, onError: async () => { throw new Error('hook down') }, onInboundAnswered: () => { throw new Error('boom') } })
  t.equal((await post(rejecting, seedCdr())).status, 500)
  await turn()
  t.match(logger.lines.filter(l => l.level === 'error'), [{ msg: 'piopiy-webhooks: onError threw', obj: { err: { message: 'hook down' } } }])
})
