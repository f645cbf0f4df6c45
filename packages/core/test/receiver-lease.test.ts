/**
 * Claims with owners and leases that hold, through the receiver, on a fake clock (@sinonjs/fake-timers:
 * minutes pass in no time). test/reliability/lease.test.ts runs the lease case once in real time.
 */
import FakeTimers from '@sinonjs/fake-timers'
import t from 'tap'
import { MemoryIdempotencyStore, type ClaimResult, type IdempotencyStore } from '../src/idempotency.js'
import { createReceiver } from '../src/receiver.js'
import type { ReceiverOptions } from '../src/types.js'
import { deferred, json, post, recordingLogger, seedCdr } from './helpers.js'
import { silentLogger as silent } from '../src/index.js'

type Tap = Parameters<Parameters<typeof t.test>[0]>[0]
type Clock = ReturnType<typeof FakeTimers.install>
const MINUTE = 60_000

/** Fakes the timers and Date for this test; the receiver's timeout and its lease renewals run on it. */
const fakeClock = (t: Tap): Clock => {
  const clock = FakeTimers.install({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] })
  t.teardown(() => { clock.uninstall() })
  return clock
}
/** POSTs the seed CDR (or `body`) while `ms` pass on the clock, and gives the answer. */
const postDuring = async (clock: Clock, receiver: ReturnType<typeof createReceiver>, ms: number, body: unknown = seedCdr()) => {
  const answer = post(receiver, body)
  await clock.tickAsync(ms)
  return await answer
}
/** The memory store without renew: the store of the reproduction, whose leases cannot be kept. */
class NoRenewStore implements IdempotencyStore {
  readonly inner = new MemoryIdempotencyStore()
  async claim (key: string, ttlMs: number, owner: string): Promise<ClaimResult> { return await this.inner.claim(key, ttlMs, owner) }
  async complete (key: string, owner: string): Promise<void> { await this.inner.complete(key, owner) }
  async release (key: string, owner: string): Promise<void> { await this.inner.release(key, owner) }
}

t.test('a callback that outlives its lease keeps its claim: copies answer 503 until it ends, then duplicate', async t => {
  const clock = fakeClock(t)
  const gate = deferred()
  let fired = 0
  const receiver = createReceiver({ logger: silent, onError () {}, onInboundAnswered: async () => { fired++; await gate.promise } })
  t.equal((await postDuring(clock, receiver, 10_000)).status, 503, 'handlerTimeoutMs passed')
  await clock.tickAsync(MINUTE) // 70 s: past the 60 s lease, which the receiver renewed
  t.equal((await postDuring(clock, receiver, 10_000)).status, 503, 'the copy at 70 s does not start it again')
  await clock.tickAsync(10 * MINUTE)
  t.equal((await postDuring(clock, receiver, 10_000)).status, 503, 'nor one at 11 min')
  gate.resolve()
  await clock.tickAsync(0)
  t.same(json(await postDuring(clock, receiver, 0)), { ok: true, duplicate: true })
  t.equal(fired, 1)
})

t.test('without renew, a late first run\'s release does not free the key its retry holds (no third run)', async t => {
  const clock = fakeClock(t)
  const gate = deferred()
  const logger = recordingLogger()
  let fired = 0
  const receiver = createReceiver({ logger, auth: { token: 't' }, idempotency: new NoRenewStore(), onError () {}, onInboundAnswered: async () => { fired++; if (fired === 1) await gate.promise; if (fired === 2) await new Promise(() => {}) } })
  t.match(logger.lines, [{ level: 'warn', obj: /has no renew\(\): a callback that runs longer than its lease \(60000 ms\)/ }])
  const send = async () => await post(receiver, seedCdr(), { path: '/webhook/cdr?token=t' })
  const first = send()
  await clock.tickAsync(10_000)
  t.equal((await first).status, 503)
  await clock.tickAsync(MINUTE) // the unrenewed lease lapsed
  const second = send()
  await clock.tickAsync(10_000)
  t.equal((await second).status, 503, 'the retry took the key over: a second run (the store could not renew)')
  gate.reject(new Error('the first run fails, late'))
  await clock.tickAsync(0)
  const third = send()
  await clock.tickAsync(10_000)
  t.equal((await third).status, 503, 'the second run still holds its claim')
  t.equal(fired, 2, 'never a third run')
})

t.test('maxKeys: 3 never forgets a claim in flight: the retry does not run it again', async t => {
  const clock = fakeClock(t)
  const gate = deferred()
  const ran: string[] = []
  const receiver = createReceiver({
    logger: silent,
    onError () {},
    idempotency: new MemoryIdempotencyStore({ maxKeys: 3 }),
    onInboundAnswered: async cdr => { ran.push(cdr.cmiuuid); if (cdr.cmiuuid === 'slow') await gate.promise }
  })
  t.equal((await postDuring(clock, receiver, 10_000, { ...seedCdr(), cmiuuid: 'slow' })).status, 503)
  for (const id of ['b', 'c', 'd', 'e']) t.equal((await postDuring(clock, receiver, 0, { ...seedCdr(), cmiuuid: id })).status, 200)
  t.equal((await postDuring(clock, receiver, 10_000, { ...seedCdr(), cmiuuid: 'slow' })).status, 503, 'the retry finds it in flight')
  gate.resolve()
  await clock.tickAsync(0)
  t.same(json(await postDuring(clock, receiver, 0, { ...seedCdr(), cmiuuid: 'slow' })), { ok: true, duplicate: true })
  t.same(ran, ['slow', 'b', 'c', 'd', 'e'], 'slow ran once')
})

t.test('the memory store warns through the receiver\'s logger when maxKeys forces it to forget a live key', async t => {
  const logger = recordingLogger()
  const receiver = createReceiver({ logger, auth: { token: 't' }, idempotency: new MemoryIdempotencyStore({ maxKeys: 1 }) })
  for (const id of ['a', 'b']) await post(receiver, { ...seedCdr(), cmiuuid: id }, { path: '/webhook/cdr?token=t' })
  t.match(logger.lines, [{ level: 'warn', obj: { forgotten: 1, maxKeys: 1 }, msg: /Raise maxKeys, or use the Redis store/ }])
})

t.test('a renewal that fails is tried again; a claim found lost is reported once and no longer renewed', async t => {
  const clock = fakeClock(t)
  const logger = recordingLogger()
  const store = new MemoryIdempotencyStore()
  const renewals: string[] = []
  let next: 'fail' | 'lost' | 'ok' = 'fail'
  const watched: IdempotencyStore = {
    claim: async (key, ttlMs, owner) => await store.claim(key, ttlMs, owner),
    complete: async (key, owner) => { await store.complete(key, owner) },
    release: async (key, owner) => { await store.release(key, owner) },
    renew: async (key, owner, ttlMs) => {
      renewals.push(next)
      if (next === 'fail') { next = 'ok'; throw new Error('store down') }
      if (next === 'lost') return false
      next = 'lost'
      return await store.renew(key, owner, ttlMs)
    }
  }
  const gate = deferred()
  const options: ReceiverOptions = { logger, auth: { token: 't' }, idempotency: watched, leaseMs: 3000, onError () {}, onInboundAnswered: async () => { await gate.promise } }
  const receiver = createReceiver(options)
  const answer = post(receiver, seedCdr(), { path: '/webhook/cdr?token=t' })
  await clock.tickAsync(10_000) // renewals every 1000 ms: fail, ok, lost, then none
  t.equal((await answer).status, 503)
  t.same(renewals, ['fail', 'ok', 'lost'])
  t.match(logger.lines.filter(l => l.level === 'warn'), [
    { obj: { key: /^cdr:/, err: { message: 'store down' } }, msg: /could not renew a claim; trying again/ },
    { obj: { key: /^cdr:/ }, msg: /the claim was lost while its callbacks ran/ }
  ])
  gate.resolve()
  await clock.tickAsync(0)
})

t.test('a lost claim found after the callbacks ended is not reported', async t => {
  const clock = fakeClock(t)
  const logger = recordingLogger()
  const late = deferred<boolean>()
  const store = new MemoryIdempotencyStore()
  const watched: IdempotencyStore = {
    claim: async (key, ttlMs, owner) => await store.claim(key, ttlMs, owner),
    complete: async (key, owner) => { await store.complete(key, owner) },
    release: async (key, owner) => { await store.release(key, owner) },
    renew: async () => await late.promise
  }
  const gate = deferred()
  const receiver = createReceiver({ logger, auth: { token: 't' }, idempotency: watched, leaseMs: 300, onInboundAnswered: async () => { await gate.promise } })
  const answer = post(receiver, seedCdr(), { path: '/webhook/cdr?token=t' })
  await clock.tickAsync(100) // one renewal starts
  gate.resolve()
  t.equal((await answer).status, 200)
  late.resolve(false) // it answers after the claim was completed
  await clock.tickAsync(1000)
  t.same(logger.lines.filter(l => l.level === 'warn'), [])
})

t.test('leaseMs is checked', async t => {
  t.throws(() => createReceiver({ logger: silent, leaseMs: 0 }), { code: 'INVALID_OPTIONS', message: /leaseMs must be a positive number/ })
  t.throws(() => createReceiver({ logger: silent, leaseMs: Number.NaN }), { code: 'INVALID_OPTIONS' })
})
