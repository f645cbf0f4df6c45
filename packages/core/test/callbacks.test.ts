/**
 * Running a notification's callbacks (callbacks.ts): synchronous ones without a promise, an asynchronous run
 * described by one object that lives as long as the callbacks.
 */
import t from 'tap'
import { type Callback, type CallbackEntry, invoke } from '../src/callbacks.js'
import type { Notification } from '../src/records.js'
import type { CallbackContext } from '../src/types.js'

const record = { kind: 'cdr' } as Notification
const ctx = {} as CallbackContext
const entry = (name: CallbackEntry[0], fn: Callback): CallbackEntry => [name, fn]

t.test('synchronous callbacks run at once and leave nothing running', async t => {
  const seen: string[] = []
  const running = invoke([entry('onInboundAnswered', () => { seen.push('first') }), entry('onNotification', () => { seen.push('second') })], record, ctx)
  t.equal(running, undefined)
  t.same(seen, ['first', 'second'])
})

t.test('an asynchronous run is made by a constructor, not as an object literal (which V8 may allocate old: bench/findings.md, ninth round)', async t => {
  let resolveFirst = (): void => {}
  const first = new Promise<void>(resolve => { resolveFirst = resolve })
  const seen: string[] = []
  const one = invoke([entry('onInboundAnswered', async () => await first)], record, ctx)
  const two = invoke([entry('onInboundAnswered', async () => await first), entry('onNotification', () => { seen.push('second') })], record, ctx)
  if (one === undefined || two === undefined) throw new Error('an async callback gives a run')
  t.not(Object.getPrototypeOf(one), Object.prototype, 'not a plain object')
  t.equal(Object.getPrototypeOf(one), Object.getPrototypeOf(two), 'one class for every run')
  t.equal(one.name, 'onInboundAnswered', 'names the callback awaited')
  t.same(seen, [], 'the next callback waits for the first')
  resolveFirst()
  await Promise.all([one.promise, two.promise])
  t.same(seen, ['second'])
})
