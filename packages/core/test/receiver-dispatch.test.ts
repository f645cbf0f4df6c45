import FakeTimers from '@sinonjs/fake-timers'
import t from 'tap'
import { createReceiver } from '../src/receiver.js'
import type { CallbackContext, Notification } from '../src/index.js'
import { json, post, recordingLogger, seedCdr } from './helpers.js'
import { silentLogger } from '../src/logger.js'

const cdr = (direction: string, status: string) => ({ ...seedCdr(), direction, status, cmiuuid: `${direction}-${status}` })
const events = {
  call: { appid: 2222224, direction: 'inbound', from: 440000000000, leg: 'a', status: 'in_answered', time: 1725886117909, to: 19170000000, cmiuuid: 'ev-1' },
  stream: { appid: 2222224, direction: 'inbound', from: 440000000000, leg: 'b', status: 'stream_connected', time: 1725975496000, cmiuuid: 'st-1', ws_status: '{"status":"connected"}' },
  unknown: { cmuuid: 'dtmf-1', dtmf: '1234', to: 19170000000, from: 440000000000 }
}

function recorder () {
  const calls: Array<[string, Notification, CallbackContext]> = []
  const on = (name: string) => (record: Notification, ctx: CallbackContext) => { calls.push([name, record, ctx]) }
  const receiver = createReceiver({
    logger: silentLogger,
    onInboundAnswered: on('onInboundAnswered'),
    onInboundMissed: on('onInboundMissed'),
    onOutboundAnswered: on('onOutboundAnswered'),
    onOutboundMissed: on('onOutboundMissed'),
    onCallEvent: on('onCallEvent'),
    onStreamEvent: on('onStreamEvent'),
    onNotification: on('onNotification')
  })
  return { receiver, names: () => calls.map(c => c[0]), calls }
}

t.test('each CDR kind reaches its own callback, then onNotification, once', async t => {
  for (const [direction, status, name] of [
    ['inbound', 'answered', 'onInboundAnswered'], ['inbound', 'missed', 'onInboundMissed'],
    ['outbound', 'answered', 'onOutboundAnswered'], ['outbound', 'missed', 'onOutboundMissed']
  ] as const) {
    const { receiver, names } = recorder()
    const response = await post(receiver, cdr(direction, status))
    t.equal(response.status, 200)
    t.same(json(response), { ok: true })
    t.same(names(), [name, 'onNotification'], `${direction} ${status}`)
  }
})

t.test('call, stream and unknown notifications reach theirs', async t => {
  const cases = [[events.call, ['onCallEvent', 'onNotification']], [events.stream, ['onStreamEvent', 'onNotification']], [events.unknown, ['onNotification']]] as const
  for (const [payload, expected] of cases) {
    const { receiver, names } = recorder()
    t.equal((await post(receiver, payload)).status, 200)
    t.same(names(), expected)
  }
})

t.test('an India answered live event never fires onInboundAnswered', async t => {
  const { receiver, names, calls } = recorder()
  const india = { type: 'event', leg: 'a', conversation_uuid: 'f3ab', time: 1571041441000, to: 4461000000, from: 9100000000, cmiuuid: 'f3ab', direction: 'inbound', appid: 2222226, status: 'answered' }
  t.equal((await post(receiver, india)).status, 200)
  t.same(names(), ['onCallEvent', 'onNotification'])
  t.match(calls[0]?.[1], { kind: 'event', status: 'answered', event: 'answered' })
})

t.test('the callback gets the record and a context', async t => {
  const { receiver, calls } = recorder()
  const before = Date.now()
  await post(receiver, seedCdr(), { headers: { 'content-type': 'application/json', 'x-extra': '1' }, ip: '::ffff:127.0.0.1' })
  const [, record, ctx] = calls[0] as [string, Notification, CallbackContext]
  t.match(record, { kind: 'cdr', direction: 'inbound', status: 'answered', leg: 'a', appId: 2222222, from: '440000000001', duration: 13 })
  t.equal(ctx.key, 'cdr:2222222:inbound:answered:a:55348d77-c515-425d-b22c-f0c6ecd8d780')
  t.equal(ctx.kind, 'cdr')
  t.equal(ctx.ip, '127.0.0.1')
  t.equal(ctx.headers['x-extra'], '1')
  t.ok(ctx.receivedAt instanceof Date && ctx.receivedAt.getTime() >= before)
  t.equal(ctx.log, silentLogger)
  t.equal(calls[1]?.[2], ctx, 'onNotification shares the context')
})

t.test('a per-request logger (Fastify request.log) reaches ctx.log', async t => {
  const { receiver, calls } = recorder()
  const log = recordingLogger()
  await post(receiver, seedCdr(), { log })
  t.equal(calls[0]?.[2].log, log)
})

t.test('async callbacks are awaited in order before the answer', async t => {
  const order: string[] = []
  const receiver = createReceiver({
    logger: silentLogger,
    onInboundAnswered: async () => { await new Promise(resolve => setImmediate(resolve)); order.push('answered') },
    onNotification: async () => { order.push('notification') }
  })
  t.equal((await post(receiver, seedCdr())).status, 200)
  t.same(order, ['answered', 'notification'])
})

t.test('a kind with no callback is still acknowledged', async t => {
  const receiver = createReceiver({ logger: silentLogger })
  t.equal((await post(receiver, seedCdr())).status, 200)
  t.equal((await post(receiver, events.stream)).status, 200)
})

t.test('an unknown kind is logged at info', async t => {
  const logger = recordingLogger()
  const receiver = createReceiver({ logger, auth: { token: 't' } })
  t.equal((await post(receiver, events.unknown, { path: '/webhook/cdr?token=t' })).status, 200)
  t.same(logger.lines, [{ level: 'info', obj: { cmiuuid: 'dtmf-1', status: undefined }, msg: 'piopiy-webhooks: notification of unknown kind, acknowledged' }])
})

t.test('ctx: key, kind, headers, ip and log are own properties; receivedAt and signal are made when first read, and a callback may replace either', async t => {
  const clock = FakeTimers.install({ toFake: ['Date'], now: 1_700_000_000_000 })
  t.teardown(() => { clock.uninstall() })
  const seen: CallbackContext[] = []
  const mine = new AbortController().signal
  const then = new Date(0)
  const receiver = createReceiver({ logger: silentLogger, onInboundAnswered: (_, ctx) => { seen.push(ctx); ctx.signal = mine; ctx.receivedAt = then }, onNotification: (_, ctx) => { seen.push(ctx) } })
  t.equal((await post(receiver, seedCdr())).status, 200)
  const ctx = seen[0] as CallbackContext
  t.same(Object.keys(ctx).slice(0, 5), ['key', 'kind', 'headers', 'ip', 'log'])
  t.equal(ctx.signal, mine, 'the signal the callback set')
  t.equal(ctx.receivedAt, then, 'the date the callback set')
  t.same(Object.keys(ctx).slice(5), ['signal', 'receivedAt'], 'own properties once set')
  const untouched = createReceiver({ logger: silentLogger, onInboundAnswered: (_, ctx) => { seen.push(ctx) } })
  await post(untouched, seedCdr())
  clock.tick(5_000)
  const later = seen[2] as CallbackContext
  t.ok(later.signal instanceof AbortSignal, 'a signal of its own otherwise')
  t.equal(later.signal.aborted, false)
  t.ok(later.receivedAt instanceof Date)
  t.equal(later.receivedAt.getTime(), 1_700_000_000_000, 'when the request arrived, not when it was first read')
  t.equal(later.receivedAt, later.receivedAt, 'the same Date at every read')
  t.notOk(Object.keys(later).includes('receivedAt'), 'read from the prototype')
})
