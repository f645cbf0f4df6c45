/**
 * The deadline queue (one timer for every callback timeout or lease renewal), on a fake clock: entries fire
 * in order once due and never after a cancel, the timer holds the process only while an entry is live, and
 * long runs of cancelled entries are dropped in batches.
 */
import FakeTimers from '@sinonjs/fake-timers'
import t from 'tap'
import { Deadlines } from '../src/deadlines.js'

type Tap = Parameters<Parameters<typeof t.test>[0]>[0]
const fakeClock = (t: Tap): ReturnType<typeof FakeTimers.install> => {
  const clock = FakeTimers.install({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
  t.teardown(() => { clock.uninstall() })
  return clock
}

t.test('each entry fires once, its delay after it was added, in order; a cancelled one never', async t => {
  const clock = fakeClock(t)
  const queue = new Deadlines(100)
  const fired: string[] = []
  const a = queue.add(() => fired.push('a'))
  clock.tick(30)
  const b = queue.add(() => fired.push('b'))
  const c = queue.add(() => fired.push('c'))
  clock.tick(69)
  t.same(fired, [], 'nothing before its time')
  clock.tick(1)
  t.same(fired, ['a'])
  t.notOk(queue.cancel(a), 'a fired: too late to cancel')
  t.ok(queue.cancel(b))
  t.notOk(queue.cancel(b), 'cancelled once')
  clock.tick(30)
  t.same(fired, ['a', 'c'], 'b never fires; c at 130')
  t.equal(clock.countTimers(), 0, 'no timer left when nothing is live')
})

t.test('the timer is unref\'d while nothing is live and ref\'d again by the next entry, which still fires on time', async t => {
  const clock = fakeClock(t)
  const queue = new Deadlines(100)
  const fired: number[] = []
  queue.cancel(queue.add(() => fired.push(0)))
  t.equal(clock.countTimers(), 1, 'the timer stays armed (unref\'d)')
  clock.tick(50)
  queue.add(() => fired.push(1))
  clock.tick(50) // the first entry's time: the timer fires, finds the second not due, and arms for it
  t.same(fired, [])
  t.equal(clock.countTimers(), 1)
  clock.tick(50)
  t.same(fired, [1])
  t.equal(clock.countTimers(), 0)
})

t.test('an entry that fires may add the next one (a renewal re-arms itself)', async t => {
  const clock = fakeClock(t)
  const queue = new Deadlines(10)
  let ticks = 0
  let next = queue.add(function tick () { ticks++; next = queue.add(tick) })
  clock.tick(35)
  t.equal(ticks, 3)
  t.ok(queue.cancel(next))
  clock.tick(100)
  t.equal(ticks, 3)
  t.equal(clock.countTimers(), 0)
})

t.test('thousands of entries cancelled out of order: dropped in batches, and the live ones all fire on time', async t => {
  const clock = fakeClock(t)
  const queue = new Deadlines(1000)
  const fired: number[] = []
  const entries = Array.from({ length: 5000 }, (_, i) => queue.add(() => fired.push(i)))
  // the first 3000 cancelled last first: the head stays until the very first goes, then moves 3000 at once
  let cancelled = 0
  for (let i = 2999; i >= 0; i--) if (queue.cancel(entries[i] as never)) cancelled++
  t.equal(cancelled, 3000)
  for (let i = 3000; i < 5000; i++) if (i % 7 !== 0) queue.cancel(entries[i] as never)
  clock.tick(999)
  t.same(fired, [])
  clock.tick(1)
  t.same(fired, Array.from({ length: 2000 }, (_, i) => i + 3000).filter(i => i % 7 === 0))
  // and the queue still works after the batches were dropped
  const more: number[] = []
  for (let i = 0; i < 2100; i++) queue.cancel(queue.add(() => more.push(i)))
  queue.add(() => more.push(-1))
  clock.tick(1000)
  t.same(more, [-1])
  t.equal(clock.countTimers(), 0)
})

t.test('entries are made by a constructor, not as object literals (which V8 may allocate old: bench/findings.md, eighth round)', async t => {
  const queue = new Deadlines(100)
  const a = queue.add(() => {}, 0)
  const b = queue.add(() => {}, 5)
  t.not(Object.getPrototypeOf(a), Object.prototype, 'not a plain object')
  t.equal(Object.getPrototypeOf(a), Object.getPrototypeOf(b), 'one class for every entry')
  t.same({ at: a.at, cancelled: queue.cancel(a) }, { at: 100, cancelled: true }, 'due its delay after `now`, and cancellable')
  t.equal(b.at, 105)
  queue.cancel(b)
})

t.test('an entry that fired or was cancelled holds neither its callback nor its controller (it may wait for its batch to be dropped)', async t => {
  const clock = fakeClock(t)
  const queue = new Deadlines(100)
  const first = queue.add(() => {}, Date.now(), new AbortController())
  const second = queue.add(() => {}, Date.now(), new AbortController())
  t.ok(second.controller instanceof AbortController, 'held while it waits')
  t.ok(queue.cancel(second))
  clock.tick(100)
  t.same([first.fire, first.controller, second.fire, second.controller], [undefined, undefined, undefined, undefined])
})
