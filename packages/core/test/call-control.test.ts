// The answer URL and action URL routes of the core receiver: routing, validation and normalization
// of the documented request samples (packages/testing/samples/answer-url), the flow answered,
// and the fallback flow for a callback that throws, is too slow, or returns an invalid flow.
import FakeTimers from '@sinonjs/fake-timers'
import t from 'tap'
import { FALLBACK_TEXT, type CallControlContext } from '../src/call-control.js'
import type { AnswerCall, DtmfInput } from '../src/call-control-schemas.js'
import { pcmo } from '../src/pcmo.js'
import { createReceiver } from '../src/receiver.js'
import type { ReceiverOptions } from '../src/types.js'
import { answerUrlSample } from './fixtures/index.js'
import { deferred, json, post, seedCdr } from './helpers.js'
import { silentLogger as silent } from '../src/logger.js'

const globalAnswer = answerUrlSample('piopiy.answer_url.request.inbound')
const indiaAnswer = answerUrlSample('piopiy-india.answer_url.request')
const dtmf = answerUrlSample('piopiy.action_url.dtmf')
const FALLBACK = [{ action: 'speak', text: FALLBACK_TEXT }, { action: 'hangup' }]
const menu = pcmo().speak('Press 1 for sales').input({ actionUrl: 'https://example.com/webhook/action', maxDigit: 1 })

interface Seen { calls: Array<AnswerCall | DtmfInput>, contexts: CallControlContext[], errors: Array<[Error & { code?: string }, unknown]>, invalid: unknown[] }
function receiver (options: ReceiverOptions = {}) {
  const seen: Seen = { calls: [], contexts: [], errors: [], invalid: [] }
  const r = createReceiver({
    logger: silent,
    onAnswer: (call, ctx) => { seen.calls.push(call); seen.contexts.push(ctx); return menu },
    onDtmf: (input, ctx) => { seen.calls.push(input); seen.contexts.push(ctx); return [{ action: 'hangup' }] },
    onError: (err, ctx) => { seen.errors.push([err, ctx]) },
    onInvalid: info => { seen.invalid.push(info) },
    ...options
  })
  return { r, seen }
}

t.test('the answer and action paths are mounted only when their callback is given, and matched like path', async t => {
  t.same(createReceiver({ logger: silent }).paths, ['/webhook/cdr'])
  const both = receiver().r
  t.same(both.paths, ['/webhook/cdr', '/webhook/answer', '/webhook/action'])
  for (const path of ['/webhook/answer', '/webhook/answer/', '/webhook/action?token=x', '/webhook/action/?a=1', '/webhook/cdr']) t.ok(both.matches(path), path)
  for (const path of ['/webhook/answers', '/webhook', '/', '/webhook/action/x']) t.notOk(both.matches(path), path)
  const onlyAnswer = createReceiver({ logger: silent, onAnswer: () => menu, answerPath: '/ivr/answer' })
  t.same(onlyAnswer.paths, ['/webhook/cdr', '/ivr/answer'])
  t.notOk(onlyAnswer.matches('/webhook/action'), 'actionPath is not mounted without onDtmf')
  t.equal((await post(onlyAnswer, dtmf, { path: '/webhook/action' })).status, 404)
})

t.test('the documented answer samples (global and India) answer the flow, with the call normalized', async t => {
  const { r, seen } = receiver()
  for (const sample of [globalAnswer, indiaAnswer]) {
    const response = await post(r, sample, { path: '/webhook/answer' })
    t.equal(response.status, 200)
    t.equal(response.headers['content-type'], 'application/json; charset=utf-8')
    t.equal(response.body, JSON.stringify(menu))
  }
  t.same(seen.calls, [
    { kind: 'answer', direction: 'inbound', time: new Date(1670568234000), from: '19170000001', to: '19170000000', cmiuuid: '28b9fc5f-b147-47e1-80a4-1edf1339efe1', raw: globalAnswer },
    { kind: 'answer', time: new Date(1571800398000), from: '919100000000', to: '4471000000', cmiuuid: '00c6a018-a912-4f1a-a0a0-e522c1851f07', raw: indiaAnswer }
  ])
  const ctx = seen.contexts[0] as CallControlContext
  t.equal(ctx.key, 'answer:28b9fc5f-b147-47e1-80a4-1edf1339efe1')
  t.equal(ctx.kind, 'answer')
  t.equal(ctx.ip, '127.0.0.1')
  t.ok(ctx.receivedAt instanceof Date)
  t.ok(Object.isFrozen(seen.calls[0]?.raw), 'raw is frozen')
})

t.test('ctx: key, kind, headers, ip and log are own properties; receivedAt and signal are made when first read, and a callback may replace either', async t => {
  const clock = FakeTimers.install({ toFake: ['Date'], now: 1_700_000_000_000 })
  t.teardown(() => { clock.uninstall() })
  const mine = new AbortController().signal
  const then = new Date(0)
  const { r, seen } = receiver({ onDtmf: (_, ctx) => { seen.contexts.push(ctx); ctx.signal = mine; ctx.receivedAt = then; return [{ action: 'hangup' }] } })
  t.equal((await post(r, globalAnswer, { path: '/webhook/answer' })).status, 200)
  t.equal((await post(r, dtmf, { path: '/webhook/action' })).status, 200)
  clock.tick(5_000)
  const [answered, pressed] = seen.contexts as [CallControlContext, CallControlContext]
  t.same(Object.keys(answered), ['key', 'kind', 'headers', 'ip', 'log'])
  t.ok(answered.signal instanceof AbortSignal, 'a signal of its own')
  t.equal(answered.signal.aborted, false, 'not aborted: the callback answered in time')
  t.equal(answered.receivedAt.getTime(), 1_700_000_000_000, 'when the request arrived, not when it was first read')
  t.equal(answered.receivedAt, answered.receivedAt, 'the same Date at every read')
  t.equal(pressed.signal, mine, 'the signal the callback set')
  t.equal(pressed.receivedAt, then, 'the date the callback set')
  t.same(Object.keys(pressed), ['key', 'kind', 'headers', 'ip', 'log', 'signal', 'receivedAt'], 'own properties once set')
})

t.test('the documented DTMF sample (cmuuid spelling) reaches onDtmf with dtmf as a string; extra_params are parsed', async t => {
  const { r, seen } = receiver()
  t.equal((await post(r, dtmf, { path: '/webhook/action' })).body, '[{"action":"hangup"}]')
  t.same(seen.calls[0], { kind: 'dtmf', dtmf: '1234', from: '919100000000', to: '4471000000', cmiuuid: '41aa4bb1-d693-415e-82ce-bdf2e8814aeb', raw: dtmf })
  t.equal(seen.contexts[0]?.key, 'dtmf:41aa4bb1-d693-415e-82ce-bdf2e8814aeb')
  // piopiy/docs/param: the DTMF request after a param action carries its text as extra_params
  await post(r, { from: 440000000000, to: 440000000001, dtmf: 2, cmiuuid: 'c', extra_params: '{ Name=Akil, ID=8915726 }' }, { path: '/webhook/action' })
  t.match(seen.calls[1], { dtmf: '2', cmiuuid: 'c', extraParams: { Name: 'Akil', ID: 8915726 }, extraParamsRaw: '{ Name=Akil, ID=8915726 }' })
  await post(r, { from: 1, to: 2, dtmf: '', cmiuuid: 'd', extra_params: { a: 1 } }, { path: '/webhook/action' })
  t.match(seen.calls[2], { dtmf: '', extraParams: { a: 1 } })
  t.notOk('extraParamsRaw' in (seen.calls[2] as object))
  await post(r, { from: 1, to: 2, dtmf: '9', cmiuuid: 'e', extra_params: 'not params' }, { path: '/webhook/action' })
  t.notOk('extraParams' in (seen.calls[3] as object), 'extra_params in no known style: raw only')
  t.equal(seen.calls[3]?.extraParamsRaw, 'not params')
  const answered = await post(r, { ...globalAnswer, time: '1670568234000' }, { path: '/webhook/answer' })
  t.equal(answered.status, 200, "time as a string (the table's type) is read too")
  t.same((seen.calls[4] as AnswerCall).time, new Date(1670568234000))
})

t.test('bad input answers 400 with reasons and reaches onInvalid; no callback runs', async t => {
  const { r, seen } = receiver()
  const cases: Array<[string, unknown, string[]]> = [
    ['/webhook/answer', '{"from": ', ['body: is not valid JSON']],
    ['/webhook/answer', '[]', ['body: must be a JSON object (got an array)']],
    ['/webhook/answer', { from: '1', to: '2', time: 1 }, ['cmiuuid: is required (cmuuid is accepted too)']],
    ['/webhook/answer', { ...globalAnswer, time: 'yesterday' }, ['time: has an unexpected format (got string "yesterday")']],
    ['/webhook/answer', { ...globalAnswer, from: undefined }, ['from: is required']],
    ['/webhook/action', { ...dtmf, dtmf: '12a' }, ['dtmf: has an unexpected format (got string "12a")']],
    ['/webhook/action', { ...dtmf, dtmf: undefined }, ['dtmf: is required']]
  ]
  for (const [path, body, reasons] of cases) {
    const response = await post(r, body, { path })
    t.equal(response.status, 400, `${path} ${JSON.stringify(body)}`)
    t.match(json(response), { error: 'Bad Request', reasons: reasons.map(reason => new RegExp(reason.replace(/[()[\]]/g, '\\$&'))) })
  }
  t.equal(seen.invalid.length, cases.length, 'onInvalid for each')
  t.same(seen.calls, [], 'no callback')
})

t.test('the shared checks apply: 405, 415, 413, auth; app ids are checked only where the body carries one', async t => {
  const { r } = receiver({ bodyLimit: 200 })
  t.equal((await r.handle({ method: 'GET', path: '/webhook/answer', headers: {} })).status, 405)
  t.equal((await post(r, globalAnswer, { path: '/webhook/answer', headers: { 'content-type': 'application/xml' } })).status, 415)
  t.equal((await post(r, { ...globalAnswer, pad: 'x'.repeat(300) }, { path: '/webhook/answer' })).status, 413)
  const secured = receiver({ auth: { token: 's3cret', appIds: [2222222] } }).r
  t.equal((await post(secured, globalAnswer, { path: '/webhook/answer' })).status, 401)
  t.equal((await post(secured, globalAnswer, { path: '/webhook/answer?token=nope' })).status, 403)
  t.equal((await post(secured, globalAnswer, { path: '/webhook/answer?token=s3cret' })).status, 200, 'no appid in the body: the token decides')
  t.equal((await post(secured, { ...globalAnswer, appid: 2222222 }, { path: '/webhook/answer?token=s3cret' })).status, 200)
  t.equal((await post(secured, { ...dtmf, appid: 1 }, { path: '/webhook/action?token=s3cret' })).status, 403)
})

t.test('no dedupe: the same request twice runs the callback twice and answers the flow twice', async t => {
  const { r, seen } = receiver()
  for (let i = 0; i < 2; i++) t.equal((await post(r, globalAnswer, { path: '/webhook/answer' })).body, JSON.stringify(menu))
  t.equal(seen.calls.length, 2)
  t.equal((await post(r, seedCdr())).status, 200, 'the CDR route is untouched')
})

t.test('a callback that throws, rejects, times out or returns an invalid flow gets the fallback, and onError is told', async t => {
  const gate = deferred()
  t.teardown(() => { gate.resolve() })
  const cases: Array<[string, NonNullable<ReceiverOptions['onAnswer']>, string, RegExp]> = [
    ['throws', () => { throw new Error('db down') }, 'CALLBACK_FAILED', /onAnswer threw: db down; answered the fallback flow/],
    ['throws a non-error', () => { throw 'text' as unknown as Error }, 'CALLBACK_FAILED', /onAnswer threw: text/],
    ['rejects', async () => { throw new Error('later') }, 'CALLBACK_FAILED', /onAnswer threw: later/],
    ['is too slow', async () => { await gate.promise; return menu }, 'CALLBACK_TIMEOUT', /onAnswer still running after callControlTimeoutMs \(20 ms\) for answer:28b9/],
    ['is too slow and then fails', async () => { await gate.promise; throw new Error('late') }, 'CALLBACK_TIMEOUT', /still running/],
    ['returns nothing', () => undefined as never, 'INVALID_PCMO', /onAnswer returned an invalid call flow for answer:28b9[^:]*: flow: must be a pcmo\(\) builder or an array of actions \(got nothing\)/],
    ['returns a bad action', () => [{ action: 'speak' }] as never, 'INVALID_PCMO', /\[0\] \(speak\): text: is required/]
  ]
  for (const [name, onAnswer, code, message] of cases) {
    const { r, seen } = receiver({ onAnswer, callControlTimeoutMs: 20 })
    const response = await post(r, globalAnswer, { path: '/webhook/answer' })
    t.equal(response.status, 200, `${name}: 200`)
    t.same(json(response), FALLBACK, `${name}: the fallback flow`)
    t.equal(seen.errors.length, 1, `${name}: onError once`)
    const [err, ctx] = seen.errors[0] as [Error & { code?: string }, CallControlContext]
    t.equal(err.code, code)
    t.match(err.message, message)
    t.equal(ctx.kind, 'answer')
  }
  gate.resolve()
})

t.test('the fallback is configurable, checked at start-up; onDtmf failures get it too; a throwing onError is logged', async t => {
  const lines: unknown[] = []
  const logger = { ...silent, error: (obj: unknown) => { lines.push(obj) } }
  const fallback = pcmo().speak('Please call back later').hangup()
  const r = createReceiver({ logger, fallback, onDtmf: () => { throw new Error('x') }, onError: () => { throw new Error('hook') } })
  t.equal((await post(r, dtmf, { path: '/webhook/action' })).body, JSON.stringify(fallback))
  t.equal(lines.length, 1, 'onError threw: logged')
  const plain = createReceiver({ logger, fallback: [{ action: 'hangup' }], onDtmf: () => { throw new Error('x') } })
  t.equal((await post(plain, dtmf, { path: '/webhook/action' })).body, '[{"action":"hangup"}]', 'a plain array works as fallback')
  t.equal(lines.length, 2, 'without onError: logged at error')
  t.throws(() => createReceiver({ logger, fallback: [] }), { code: 'INVALID_OPTIONS', message: /fallback is not a valid call flow: flow: must hold at least one action/ })
})

t.test('call-control options are checked at start-up', async t => {
  const bad: Array<[ReceiverOptions, RegExp]> = [
    [{ answerPath: 'answer' }, /answerPath must be a string starting with '\/'/],
    [{ actionPath: '/a?b' }, /actionPath must be a string starting with '\/'/],
    [{ callControlTimeoutMs: 0 }, /callControlTimeoutMs must be a positive number/],
    [{ callControlTimeoutMs: Number.NaN }, /callControlTimeoutMs must be a positive number/],
    [{ onAnswer: 'flow' as never }, /onAnswer must be a function/],
    [{ onAnswer: () => menu, answerPath: '/webhook/cdr' }, /path, answerPath and actionPath must differ/],
    [{ onAnswer: () => menu, onDtmf: () => menu, actionPath: '/webhook/answer' }, /must differ \(got \/webhook\/cdr, \/webhook\/answer, \/webhook\/answer\)/],
    [{ fallbak: [] } as ReceiverOptions, /did you mean 'fallback'/]
  ]
  for (const [options, message] of bad) t.throws(() => createReceiver({ logger: silent, ...options }), { code: 'INVALID_OPTIONS', message })
  t.doesNotThrow(() => createReceiver({ logger: silent, answerPath: '/webhook/cdr' }), 'an unmounted path may equal path')
})
