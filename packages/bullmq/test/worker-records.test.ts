/**
 * Every documented sample and variant, through the receiver into a real queue and out of a real
 * worker: each callback gets exactly the record `parseNotification` gives for the same bytes, field
 * by field (Dates as Dates, decimal strings as strings, extra_params parsed, raw frozen).
 */
import t from 'tap'
import { dedupeKey, parseNotification, type Notification } from '@piopiy-webhooks/core'
import { bytes, SAMPLE_NAMES, VARIANT_NAMES } from '../../core/test/fixtures/index.js'
import { type PiopiyJob } from '../src/index.js'
import { post, queueOn, receiverFor, redisFor, until, workerOn } from './helpers.js'

t.test('records arrive in the worker exactly as parseNotification gives them', async t => {
  const redis = await redisFor(t)
  const queue = queueOn(t, redis)
  const receiver = receiverFor(queue)
  const expected = new Map<string, { name: string, record: Notification }>()
  for (const name of [...SAMPLE_NAMES, ...VARIANT_NAMES]) {
    const body = bytes(name)
    const parsed = parseNotification(body)
    const answer = await post(receiver, body.toString('utf8'))
    if (!parsed.ok) { t.equal(answer.status, 400, `${name}: invalid, no job`); continue }
    t.equal(answer.status, 200, name)
    const key = dedupeKey(parsed.notification)
    if (!expected.has(key)) expected.set(key, { name, record: parsed.notification })
  }
  t.ok(expected.size >= 20, `${expected.size} distinct notifications enqueued`)

  const seen = new Map<string, Array<[string, Notification, PiopiyJob]>>()
  const keep = (cb: string) => (record: Notification, job: PiopiyJob): void => {
    seen.set(job.data.key, [...seen.get(job.data.key) ?? [], [cb, record, job]])
  }
  workerOn(t, redis, queue.name, {
    onInboundAnswered: keep('onInboundAnswered'),
    onInboundMissed: keep('onInboundMissed'),
    onOutboundAnswered: keep('onOutboundAnswered'),
    onOutboundMissed: keep('onOutboundMissed'),
    onCallEvent: keep('onCallEvent'),
    onStreamEvent: keep('onStreamEvent'),
    onNotification: keep('onNotification')
  })
  t.ok(await until(async () => await queue.getCompletedCount() === expected.size), 'every job completed')

  for (const [key, { name, record }] of expected) {
    const calls = seen.get(key) ?? []
    const specific = record.kind === 'cdr'
      ? `on${record.direction === 'inbound' ? 'Inbound' : 'Outbound'}${record.status === 'answered' ? 'Answered' : 'Missed'}`
      : record.kind === 'event' ? 'onCallEvent' : record.kind === 'stream' ? 'onStreamEvent' : undefined
    t.same(calls.map(([cb]) => cb), specific === undefined ? ['onNotification'] : [specific, 'onNotification'], `${name}: the receiver's callbacks, in its order`)
    const got = calls[0]?.[1] as unknown as Record<string, unknown>
    const want = record as unknown as Record<string, unknown>
    t.same(Object.keys(got).sort(), Object.keys(want).sort(), `${name}: the same fields`)
    for (const field of Object.keys(want)) {
      if (want[field] instanceof Date) {
        t.ok(got[field] instanceof Date, `${name}.${field} is a Date`)
        t.equal((got[field] as Date).getTime(), (want[field] as Date).getTime(), `${name}.${field}: ${(want[field] as Date).toISOString()}`)
      } else {
        t.strictSame(got[field], want[field], `${name}.${field}`)
      }
    }
    t.ok(Object.isFrozen(got['raw']), `${name}: raw is frozen`)
    t.equal(calls.at(-1)?.[1], calls[0]?.[1], `${name}: onNotification gets the same record`)
    t.equal(calls[0]?.[2].id, calls[0]?.[2].data.key.replace(/[%:]/g, c => c === '%' ? '%25' : '%3A'), `${name}: job.id is the encoded key`)
  }
})
