/**
 * Classification (design.md, "Classification"): `type` decides when present; otherwise the status
 * vocabulary, with `duration` marking a CDR; a JSON object naming a call that fits no kind is unknown.
 */
import t from 'tap'
import { classify } from '../src/classify.js'
import { parseNotification } from '../src/parse.js'
import { createReceiver } from '../src/receiver.js'
import type { Notification } from '../src/records.js'
import { payload, SAMPLE_NAMES, VARIANT_NAMES, type FixtureName } from './fixtures/index.js'
import { post } from './helpers.js'
import { silentLogger } from '../src/logger.js'

t.test('type present: cdr or event decides, in any case', async t => {
  t.equal(classify({ type: 'cdr', status: 'answered', duration: 1 }), 'cdr')
  t.equal(classify({ type: 'cdr' }), 'cdr', 'no status: still a CDR (then validated as one)')
  t.equal(classify({ type: 'cdr', status: 'hangup' }), 'cdr', 'type wins over an event status')
  t.equal(classify({ type: 'CDR', status: 'missed', duration: 0 }), 'cdr', 'upper-case type')
  t.equal(classify({ type: 'event', status: 'answered' }), 'event', "India live event: type 'event', status 'answered'")
  t.equal(classify({ type: 'event', status: 'answered', duration: 13 }), 'event', 'type event wins over duration')
  t.equal(classify({ type: 'Event', status: 'missed' }), 'event')
  t.equal(classify({ type: 'event' }), 'event', 'no status: still an event (then validated as one)')
  t.equal(classify({ type: 'event', status: 'stream_connected' }), 'stream', 'an event with a stream status is a stream event')
  t.equal(classify({ type: 'event', status: 'STREAM_DISCONNECTED' }), 'stream')
})

t.test('type of another value or not a string: ignored, the status decides', async t => {
  t.equal(classify({ type: 'call', status: 'hangup' }), 'event')
  t.equal(classify({ type: 'stream', status: 'answered', duration: 1 }), 'cdr')
  t.equal(classify({ type: 1, status: 'missed', duration: 0 }), 'cdr')
  t.equal(classify({ type: ['cdr'], status: 'in_answered' }), 'event')
  t.equal(classify({ type: 'other' }), 'unknown')
})

t.test('no type: stream statuses in any case', async t => {
  for (const status of ['stream_connected', 'stream_disconnected', 'STREAM_CONNECTED', 'STREAM_DISCONNECTED', 'Stream_Connected']) {
    t.equal(classify({ status }), 'stream', status)
  }
  t.equal(classify({ status: 'stream_connected', duration: 5 }), 'stream', 'a stream status wins over duration')
  t.equal(classify({ status: 'stream_paused' }), 'unknown', 'another stream_ word is not a documented stream status')
})

t.test('no type: in_/out_ prefixes and the bare event words are call events', async t => {
  for (const status of ['in_answered', 'out_started', 'out_answered', 'out_bridged', 'in_anything', 'OUT_RINGING', 'hangup', 'started', 'ringing', 'HANGUP']) {
    t.equal(classify({ status }), 'event', status)
    t.equal(classify({ status, duration: 13 }), 'event', `${status} with a duration`)
  }
  for (const status of ['in', 'out', 'inbound_x', 'outer', 'bridged', 'hang_up', 'ringing ', '']) {
    t.equal(classify({ status }), 'unknown', JSON.stringify(status))
  }
})

t.test('no type: answered/missed with a duration are CDRs; without one they are unknown', async t => {
  for (const status of ['answered', 'missed', 'ANSWERED', 'Missed']) {
    t.equal(classify({ status, duration: 0 }), 'cdr', `${status} + duration`)
    t.equal(classify({ status }), 'unknown', `${status} alone`)
  }
  t.equal(classify({ status: 'answered', duration: null }), 'cdr', 'duration present (null): a CDR, which validation then rejects')
  t.equal(classify({ status: 'answered', start_time: 1, end_time: 2, call_rate: 0, balance: '1' }), 'unknown',
    'other CDR-only fields without duration do not make a CDR (a CDR always carries duration)')
  t.equal(classify({ status: 'busy', duration: 5 }), 'unknown', 'duration with another status')
})

t.test('no status, or a status that is not a string: unknown', async t => {
  t.equal(classify({}), 'unknown')
  t.equal(classify({ cmiuuid: 'x', duration: 5 }), 'unknown')
  t.equal(classify({ status: 1, duration: 5 }), 'unknown')
  t.equal(classify({ status: ['answered'], duration: 5 }), 'unknown')
  t.equal(classify({ status: null }), 'unknown')
})

t.test("India {type:'event', status:'answered'} parses to a call event, never a CDR", async t => {
  const result = parseNotification(payload('piopiy-india.event.inbound.answered.leg-a'))
  t.equal(result.ok && result.notification.kind, 'event')
  const withDuration = parseNotification({ ...payload('piopiy-india.event.inbound.answered.leg-a'), duration: 13 })
  t.equal(withDuration.ok && withDuration.notification.kind, 'event', 'even with a duration')
  const withoutType = parseNotification({ ...payload('piopiy-india.event.inbound.answered.leg-a'), type: undefined })
  t.equal(withoutType.ok && withoutType.notification.kind, 'unknown', 'without type and duration: acknowledged as unknown, not a CDR')
})

t.test('a valid JSON object with a cmiuuid that fits no kind is an unknown notification', async t => {
  const cases: Array<Record<string, unknown>> = [
    { cmiuuid: 'x' },
    { cmuuid: 'x', dtmf: '1234' },
    { cmiuuid: 'x', status: 'transferred', direction: 'sideways', leg: 'c' },
    { cmiuuid: 'x', status: 'answered' },
    { cmiuuid: 'x', type: 'recording', url: 'https://example.com/r.mp3' }
  ]
  for (const body of cases) {
    const result = parseNotification(body)
    t.equal(result.ok && result.notification.kind, 'unknown', JSON.stringify(body))
  }
  t.strictSame(parseNotification({ status: 'transferred' }), { ok: false, status: 400, reasons: ['cmiuuid: is required'] }, 'without cmiuuid: rejected')
})

/** The callback each fixture reaches through a receiver (besides onNotification). */
const callbackOf: Record<FixtureName, string> = {
  'piopiy.cdr.inbound.answered.leg-a.legacy': 'onInboundAnswered',
  'piopiy.cdr.inbound.missed.leg-a': 'onInboundMissed',
  'piopiy.cdr.outbound.missed.leg-a': 'onOutboundMissed',
  'piopiy.cdr.outbound.missed.leg-a.legacy': 'onOutboundMissed',
  'piopiy-india.cdr.outbound.answered.leg-a': 'onOutboundAnswered',
  'piopiy.event.inbound.answered.leg-a': 'onCallEvent',
  'piopiy.event.outbound.started.leg-a': 'onCallEvent',
  'piopiy.event.outbound.started.leg-b': 'onCallEvent',
  'piopiy-india.event.inbound.hangup.leg-a': 'onCallEvent',
  'piopiy.event.stream.connected': 'onStreamEvent',
  'piopiy.cdr.inbound.missed.leg-a.legacy': 'onInboundMissed',
  'piopiy.cdr.inbound.missed.leg-b': 'onOutboundMissed', // leg b of an inbound call says direction 'outbound'
  'piopiy.cdr.outbound.missed.leg-b': 'onOutboundMissed',
  'piopiy-india.cdr.inbound.answered.leg-a': 'onInboundAnswered',
  'piopiy-india.cdr.inbound.missed.leg-a': 'onInboundMissed',
  'piopiy.event.inbound.hangup.leg-a.legacy': 'onCallEvent',
  'piopiy.event.outbound.answered.leg-a': 'onCallEvent',
  'piopiy.event.outbound.answered.leg-b': 'onCallEvent',
  'piopiy-india.event.inbound.answered.leg-a': 'onCallEvent',
  'piopiy-india.event.outbound.started.leg-a': 'onCallEvent',
  'piopiy-india.event.outbound.ringing.leg-a': 'onCallEvent',
  'piopiy.event.stream.disconnected': 'onStreamEvent',
  'piopiy.answer_url.request.inbound': 'none',
  'piopiy-india.answer_url.request': 'none',
  'piopiy.action_url.dtmf': 'none',
  'piopiy.action_url.dtmf.with-param': 'none'
}

t.test('through a receiver, each fixture reaches its one callback, then onNotification', async t => {
  const calls: Array<[string, Notification]> = []
  const at = (name: string) => (n: Notification): void => { calls.push([name, n]) }
  const receiver = createReceiver({
    logger: silentLogger,
    idempotency: false,
    onInboundAnswered: at('onInboundAnswered'),
    onInboundMissed: at('onInboundMissed'),
    onOutboundAnswered: at('onOutboundAnswered'),
    onOutboundMissed: at('onOutboundMissed'),
    onCallEvent: at('onCallEvent'),
    onStreamEvent: at('onStreamEvent'),
    onNotification: at('onNotification')
  })
  for (const name of [...SAMPLE_NAMES, ...VARIANT_NAMES]) {
    calls.length = 0
    const response = await post(receiver, payload(name))
    t.equal(response.status, 200, `${name}: 200`)
    const want = callbackOf[name] === 'none' ? ['onNotification'] : [callbackOf[name], 'onNotification']
    t.strictSame(calls.map(([callback]) => callback), want, `${name}: ${want.join(', ')}`)
  }
})
