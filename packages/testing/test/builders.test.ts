import t, { type Test } from 'tap'
import { parseNotification, type Notification } from '@piopiy-webhooks/core'
import {
  callEvent, inboundAnsweredCdr, inboundMissedCdr, outboundAnsweredCdr, outboundMissedCdr, streamEvent,
  type CallEventStatus, type Variant
} from '../src/builders.js'
import { newCmiuuid, newRequestId } from '../src/ids.js'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
const REQUEST_ID = /^[A-Za-z0-9]{43}$/
const VARIANTS: Variant[] = ['current', 'legacy', 'india']
const STATUSES: CallEventStatus[] = ['in_answered', 'out_started', 'out_answered', 'out_bridged', 'hangup', 'started', 'ringing', 'answered']

/** Parses a built payload as the receiver would (from its JSON bytes), or fails the test. */
function parsed (t: Test, payload: object): Notification {
  const result = parseNotification(Buffer.from(JSON.stringify(payload)))
  if (!result.ok) throw new Error(`rejected: ${result.reasons.join('; ')}`)
  t.pass('accepted by parseNotification')
  return result.notification
}

const CDR_BUILDERS = [
  ['inboundAnsweredCdr', inboundAnsweredCdr, 'inbound', 'answered'],
  ['inboundMissedCdr', inboundMissedCdr, 'inbound', 'missed'],
  ['outboundAnsweredCdr', outboundAnsweredCdr, 'outbound', 'answered'],
  ['outboundMissedCdr', outboundMissedCdr, 'outbound', 'missed']
] as const

t.test('ids are fresh and shaped like the documented ones', async t => {
  const ids = Array.from({ length: 50 }, () => [newCmiuuid(), newRequestId()] as const)
  for (const [cmiuuid, requestId] of ids) {
    t.match(cmiuuid, UUID)
    t.match(requestId, REQUEST_ID)
  }
  t.equal(new Set(ids.map(([c]) => c)).size, 50)
  t.equal(new Set(ids.map(([, r]) => r)).size, 50)
})

t.test('CDR builders: every variant is a CDR of its direction and status, with fresh ids and the current time', async t => {
  for (const [name, build, direction, status] of CDR_BUILDERS) {
    for (const variant of VARIANTS) {
      t.test(`${name} ${variant}`, async t => {
        const before = Date.now()
        const payload = build({}, { variant })
        const after = Date.now()
        const n = parsed(t, payload)
        t.match(n, { kind: 'cdr', direction, status, leg: 'a' })
        if (n.kind !== 'cdr') return
        t.match(payload.cmiuuid, UUID)
        t.ok(payload.time >= before && payload.time <= after, 'time is now, in ms')
        t.not(build({}, { variant }).cmiuuid, payload.cmiuuid, 'a second build is a new notification')
        t.equal(payload.type, variant === 'current' ? undefined : 'cdr', 'type only in legacy and India formats')
        t.equal(n.duration, status === 'answered' ? (direction === 'inbound' ? 13 : 8) : 0)
        if (direction === 'outbound') t.match(payload.request_id, REQUEST_ID, 'outbound calls carry a 43-character request_id')
        else t.equal(payload.request_id, undefined)
        if (variant === 'india') {
          t.equal(payload.start_time, undefined, 'India CDRs have no start_time')
          t.equal(payload.balance, undefined, 'nor balance')
          t.equal(payload.conversation_uuid, payload.cmiuuid)
          if (direction === 'outbound') t.match(payload, { callerid: '04471000000', vn: 4471000000, out: true })
        } else {
          const end = payload.end_time as number
          t.ok(end >= Math.floor(before / 1000) && end <= Math.floor(after / 1000), 'the call ends now, in seconds')
          t.equal(end - (payload.start_time as number), status === 'answered' ? n.duration + 5 : 5, 'rang 5 s, then talked duration s')
          t.equal(payload.answer_time, status === 'answered' ? end - n.duration : undefined)
          t.equal(payload.call_rate, status === 'answered' ? '0.450000' : 0, 'billed rate as a string, unbilled as 0')
          t.equal(payload.conversation_uuid, direction === 'inbound' ? payload.cmiuuid : payload.request_id)
          t.equal(payload.out, variant === 'legacy' && direction === 'outbound' ? true : undefined)
        }
      })
    }
  }
})

t.test('overrides set wire fields, and undefined removes one', async t => {
  const payload = inboundAnsweredCdr({ appid: 7, duration: 60, to: '04400000000', extra_params: undefined, leg: 'b' })
  const n = parsed(t, payload)
  t.match(n, { kind: 'cdr', appId: 7, duration: 60, to: '04400000000', leg: 'b' })
  t.notOk('extra_params' in payload)
  t.equal(payload.end_time as number - (payload.answer_time as number), 60, 'the times follow the overridden duration')
  const missed = inboundMissedCdr({ start_time: undefined, end_time: undefined })
  t.notOk('start_time' in missed || 'end_time' in missed)
  parsed(t, missed)
})

t.test('an override can put a __proto__ key on the wire (to test hostile payloads)', async t => {
  const payload = outboundMissedCdr(JSON.parse('{"__proto__": {"polluted": true}}') as object)
  t.equal(Object.getPrototypeOf(payload), Object.prototype, 'the built object itself is not polluted')
  t.match(JSON.stringify(payload), /"__proto__":\{"polluted":true\}/)
  const n = parsed(t, payload)
  t.equal(({} as Record<string, unknown>).polluted, undefined)
  t.notOk(Object.hasOwn(n.raw, '__proto__'), 'the core strips it')
})

t.test('callEvent builds every documented status as a call event', async t => {
  for (const status of STATUSES) {
    t.test(status, async t => {
      const payload = callEvent(status)
      const n = parsed(t, payload)
      const inbound = ['in_answered', 'answered', 'hangup'].includes(status)
      t.match(n, { kind: 'event', status, direction: inbound ? 'inbound' : 'outbound', leg: status === 'out_bridged' ? 'b' : 'a' })
      t.match(payload.cmiuuid, UUID)
      const bare = !status.includes('_')
      t.equal(payload.type, bare ? 'event' : undefined, 'bare statuses carry type: event, in_/out_ ones none')
      const defaultVariant = bare ? (status === 'hangup' ? 'legacy' : 'india') : 'current'
      t.equal(payload.appid, defaultVariant === 'india' ? 2222226 : 2222224)
      if (!inbound && defaultVariant === 'current') {
        t.match(payload.request_id, REQUEST_ID)
        t.equal(payload.conversation_uuid, payload.request_id)
      }
    })
  }
})

t.test('callEvent variants', async t => {
  for (const status of STATUSES) {
    for (const variant of VARIANTS) {
      const payload = callEvent(status, {}, { variant })
      const n = parsed(t, payload)
      t.equal(n.kind, 'event', `${status} ${variant} is an event`)
      t.equal(payload.type, variant === 'current' && status.includes('_') ? undefined : 'event', `${status} ${variant}: type`)
      if (variant === 'india') {
        t.equal(payload.extra_params, undefined, 'India events carry no extra_params')
        t.equal(payload.conversation_uuid, payload.cmiuuid)
      }
    }
  }
  const leg = callEvent('out_bridged', {}, { variant: 'india' })
  t.match(leg, { leg: 'b', to: 9200000001, callerid: '04471000000' })
  t.match(callEvent('hangup', { to: '19170000000', from: '440000000000' }), { type: 'event', to: '19170000000' }, 'the legacy string numbers, on request')
})

t.test('India answered event is an event, never an inbound answered CDR', async t => {
  const n = parsed(t, callEvent('answered'))
  t.match(n, { kind: 'event', status: 'answered', direction: 'inbound' })
  t.match(parsed(t, callEvent('answered', { type: undefined })), { kind: 'unknown' }, 'without type the status is ambiguous')
})

t.test('streamEvent builds both documented stream statuses', async t => {
  const connected = streamEvent('connected')
  t.match(parsed(t, connected), { kind: 'stream', status: 'stream_connected', wsStatus: { status: 'connected' }, leg: 'b' })
  const disconnected = streamEvent('disconnected', { appid: 42 })
  t.equal(disconnected.status, 'STREAM_DISCONNECTED')
  t.match(parsed(t, disconnected), { kind: 'stream', status: 'stream_disconnected', appId: 42, wsStatus: { status: 'disconnected', message: { code: 1006 } } })
  t.not(connected.cmiuuid, disconnected.cmiuuid)
})
