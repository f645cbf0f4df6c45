// The testing kit's call control: request builders, the readable flow, `send --kind answer|dtmf`
// and the `call` simulation, against the core's receiver on a real server on 127.0.0.1.
import { AnswerRequestSchema, DtmfRequestSchema, pcmo, type ReceiverOptions } from '@piopiy-webhooks/core'
import { Ajv } from 'ajv'
import { readdirSync, readFileSync } from 'node:fs'
import { Readable } from 'node:stream'
import t from 'tap'
import { answerRequest, callControlSamples, describeAction, describeFlow, dtmfRequest, inputOf } from '../src/call-control.js'
import { main } from '../src/cli.js'
import { captureIo, receiverServer, recordingServer } from './helpers.js'

const ajv = new Ajv({ strict: true, allowUnionTypes: true })

t.test('answerRequest and dtmfRequest build requests that validate, fresh each time, with overrides', async t => {
  const answer = ajv.compile(AnswerRequestSchema)
  const dtmf = ajv.compile(DtmfRequestSchema)
  const global = answerRequest()
  t.match(global, { action: 'inbound', from: '19170000001', to: '19170000000', time: Number, cmiuuid: String })
  t.ok(answer(global))
  const india = answerRequest({ from: 919100000001 }, { variant: 'india' })
  t.notOk('action' in india, 'the India sample has no action')
  t.equal(india.from, 919100000001)
  t.ok(answer(india))
  t.not(answerRequest().cmiuuid, global.cmiuuid, 'a fresh cmiuuid')
  const pressed = dtmfRequest('42', { cmuuid: 'abc', extra_params: undefined })
  t.same(pressed, { from: 919100000000, to: 4471000000, dtmf: '42', cmuuid: 'abc' })
  t.ok(dtmf(pressed))
})

t.test('callControlSamples are the documented requests of samples/answer-url, the only copy; the builders start from them', async t => {
  const folder = new URL('../samples/answer-url/', import.meta.url)
  const files = readdirSync(folder).filter(f => f.endsWith('.json')).map(f => f.slice(0, -'.json'.length)).sort()
  t.same(Object.keys(callControlSamples).sort(), files, 'one entry per file')
  const answer = ajv.compile(AnswerRequestSchema)
  const dtmf = ajv.compile(DtmfRequestSchema)
  for (const name of files) {
    const { body } = JSON.parse(readFileSync(new URL(`${name}.json`, folder), 'utf8')) as { body: unknown }
    const sample = callControlSamples[name as keyof typeof callControlSamples]
    t.same(sample, body, `${name}: the file's body`)
    t.ok(Object.isFrozen(sample), `${name}: frozen`)
    t.ok((name.includes('dtmf') ? dtmf : answer)(sample), `${name}: valid`)
  }
  const { time, cmiuuid, ...global } = answerRequest()
  const { time: _t, cmiuuid: _c, ...documented } = callControlSamples['piopiy.answer_url.request.inbound']
  t.same(global, documented, 'answerRequest(): the global sample, with a fresh cmiuuid and time')
  t.not(cmiuuid, _c)
  const { time: _ti, cmiuuid: _ci, ...india } = answerRequest({}, { variant: 'india' })
  const { time: _ti2, cmiuuid: _ci2, ...indiaDocumented } = callControlSamples['piopiy-india.answer_url.request']
  t.same(india, indiaDocumented, 'the india variant: the India sample')
  t.same(dtmfRequest('7', { cmuuid: 'x' }), { ...callControlSamples['piopiy.action_url.dtmf'], dtmf: '7', cmuuid: 'x' }, 'dtmfRequest: the documented sample')
})

t.test('describeFlow prints every action on one numbered line', async t => {
  const flow = pcmo()
    .record()
    .play('welcome.mp3')
    .play('https://cdn.example.com/w.mp3')
    .speak('Press 1')
    .input({ actionUrl: 'https://example.com/a', maxDigit: 4, timeout: 5 })
    .playGetInput({ file: 'https://cdn.example.com/m.wav', actionUrl: 'https://example.com/a', maxRetry: 2 })
    .playGetInput({ file: 'menu.wav', actionUrl: 'https://example.com/a', maxDigit: 1 })
    .bridge(['440000000000', 440000000001], { from: 19170000000, ringType: 'group', timeout: 20, duration: 300, loop: 2 })
    .bridge(440000000000, { loop: 1 })
    .bridge(440000000000)
    .connect('alice')
    .connect(['bob'], { timeout: 20 })
    .param('{ Name=Akil }')
    .stream('wss://ai.example.com', { listenMode: 'both', voiceQuality: 16000, streamOnAnswer: true })
    .stream('wss://ai.example.com', { listenMode: 'caller' })
    .hangup()
  t.same(describeFlow(flow.toJSON()), [
    ' 1. record',
    ' 2. play            welcome.mp3',
    ' 3. play            https://cdn.example.com/w.mp3',
    ' 4. speak           "Press 1"',
    ' 5. input           up to 4 digits, wait 5 s → https://example.com/a',
    ' 6. play_get_input  play https://cdn.example.com/m.wav, up to 1 digit, 2 plays → https://example.com/a',
    ' 7. play_get_input  play menu.wav, up to 1 digit → https://example.com/a',
    ' 8. bridge          call 440000000000, 440000000001 (caller id 19170000000, all at once, ring 20 s, at most 300 s, 2 tries)',
    ' 9. bridge          call 440000000000 (1 try)',
    '10. bridge          call 440000000000',
    '11. connect         SIP alice',
    '12. connect         SIP bob (ring 20 s)',
    '13. param           { Name=Akil }',
    '14. stream          wss://ai.example.com (both, 16000 bps, once answered)',
    '15. stream          wss://ai.example.com (caller)',
    '16. hangup'
  ])
  t.same(describeFlow({ ok: true }), ['(not a call flow) {"ok":true}'])
  t.same(describeFlow(['x', { action: 'connect', call: [{ type: 'sip', user: 'u' }] }, { action: 'param' }, { action: 'bridge' }]),
    [' 1. "x"', ' 2. connect         SIP u', ' 3. param', ' 4. bridge          call'])
  t.equal(describeAction({ action: 'hangup' }), 'hangup')
  t.same(inputOf(flow.toJSON()), flow.toJSON()[4])
  t.equal(inputOf('text'), undefined)
  t.equal(inputOf([null, { action: 'input' }]), undefined, 'an input without an action_url is not followed')
})

/** A receiver with an IVR: the menu on answer, sales on 1, the menu again otherwise. */
async function ivrServer (t: Tap, more: ReceiverOptions = {}) {
  const pressed: string[] = []
  let actionUrl = ''
  const server = await receiverServer({
    onAnswer: () => pcmo().speak('Press 1 for sales').input({ actionUrl, maxDigit: 1 }),
    onDtmf: input => {
      pressed.push(input.dtmf)
      return input.dtmf === '1' ? pcmo().speak('Connecting').bridge(440000000000) : pcmo().speak('Again').input({ actionUrl })
    },
    ...more
  })
  t.teardown(server.close)
  const base = server.url.replace('/webhook/cdr', '')
  actionUrl = `${base}/webhook/action`
  return { answerUrl: `${base}/webhook/answer`, actionUrl, pressed }
}
type Tap = Parameters<Parameters<typeof t.test>[0]>[0]

t.test('send --kind answer and --kind dtmf print the flow answered, readably', async t => {
  const { answerUrl, actionUrl, pressed } = await ivrServer(t)
  const io = captureIo()
  t.equal(await main(['send', answerUrl, '--kind', 'answer', '--variant', 'india'], io), 0)
  t.equal(io.out(), `answer  200 OK\n   1. speak           "Press 1 for sales"\n   2. input           up to 1 digit → ${actionUrl}\n`)
  const dtmf = captureIo()
  t.equal(await main(['send', actionUrl, '--kind', 'dtmf', '--digits', '1'], dtmf), 0)
  t.equal(dtmf.out(), 'dtmf  200 OK\n   1. speak           "Connecting"\n   2. bridge          call 440000000000\n')
  t.equal(await main(['send', actionUrl, '--kind', 'dtmf'], captureIo()), 0)
  t.same(pressed, ['1', '1'], '--digits defaults to 1')
  const plain = await recordingServer(200, 'got it')
  t.teardown(plain.close)
  const text = captureIo()
  t.equal(await main(['send', plain.url, '--kind', 'answer'], text), 0)
  t.equal(text.out(), 'answer  200 OK\n  (not a call flow) "got it"\n', 'a CDR-style answer is shown as what it is: not a flow')
  const rejected = captureIo()
  t.equal(await main(['send', answerUrl, '--kind', 'answer', '--header', 'content-type: application/xml'], rejected), 1)
  t.match(rejected.out(), /^answer {2}415 .*Unsupported Media Type/)
  for (const [args, message] of [
    [['--kind', 'answer', '--digits', '1'], /--digits applies to --kind dtmf only/],
    [['--kind', 'dtmf', '--digits', 'one'], /--digits must be keypad digits \(got 'one'\)/],
    [['--kind', 'answer', '--variant', 'legacy'], /--variant must be one of global, india/]
  ] as const) {
    const usage = captureIo()
    t.equal(await main(['send', answerUrl, ...args], usage), 2)
    t.match(usage.err(), message)
  }
})

t.test('call: posts the answer request, shows the flow, posts the digits to the action URL until no more are collected', async t => {
  const { answerUrl, actionUrl, pressed } = await ivrServer(t, { auth: { token: 's3cret' } })
  const io = captureIo()
  t.equal(await main(['call', answerUrl, '--digits', '7,1', '--token', 's3cret', '--from', '919900000001', '--to', '19170000009'], io), 0)
  const lines = io.out().split('\n')
  t.match(lines[0], /^call [0-9a-f-]{36} from 919900000001 to 19170000009$/)
  t.same(lines.slice(1), [
    `→ POST ${answerUrl}?token=s3cret`,
    '← 200 OK',
    '   1. speak           "Press 1 for sales"',
    `   2. input           up to 1 digit → ${actionUrl}`,
    'digits (1 max)? 7',
    `→ POST ${actionUrl}?token=s3cret`,
    '← 200 OK',
    '   1. speak           "Again"',
    `   2. input           up to 1 digit → ${actionUrl}`,
    'digits (1 max)? 1',
    `→ POST ${actionUrl}?token=s3cret`,
    '← 200 OK',
    '   1. speak           "Connecting"',
    '   2. bridge          call 440000000000',
    'call ends: the flow collects no digits',
    ''
  ])
  t.same(pressed, ['7', '1'])
})

t.test('call: digits from stdin; stdin closing ends the call; an error answer fails; a looping flow stops', async t => {
  const { answerUrl, pressed } = await ivrServer(t)
  const piped = { ...captureIo(), stdin: Readable.from(['2\n', '1\n']) }
  t.equal(await main(['call', answerUrl], piped), 0)
  t.match(piped.out(), /digits \(1 max\)\? 2\n.*digits \(1 max\)\? 1\n/s)
  t.same(pressed, ['2', '1'])
  const tty = Object.assign(Readable.from([]), { isTTY: true })
  const closed = { ...captureIo(), stdin: tty }
  t.equal(await main(['call', answerUrl], closed), 0)
  t.match(closed.out(), /digits \(1 max\)\? \ncall ends: no digits given \(stdin closed\)\n$/)
  const none = captureIo()
  t.equal(await main(['call', answerUrl], none), 0, 'no stdin at all: no digits')
  t.match(none.out(), /call ends: no digits given/)
  const looping = captureIo()
  t.equal(await main(['call', answerUrl, '--digits', Array(25).fill('5').join(',')], looping), 1)
  t.match(looping.out(), /call ends: stopped after 20 requests\n$/)
  const plain = await recordingServer(200, 'got it')
  t.teardown(plain.close)
  const notAFlow = captureIo()
  t.equal(await main(['call', plain.url], notAFlow), 0, 'an answer URL that answers text: shown, and the call ends')
  t.match(notAFlow.out(), /← 200 OK\n {2}\(not a call flow\) "got it"\ncall ends: the flow collects no digits\n$/)
  const denied = captureIo()
  t.equal(await main(['call', answerUrl, '--header', 'content-type: text/html'], denied), 1)
  t.match(denied.out(), /← 415 .*\n {2}\{"error":"Unsupported Media Type"/)
})

t.test('call: usage errors and an unreachable server', async t => {
  for (const [args, message] of [
    [['http://127.0.0.1:1/a', 'extra'], /expected one <answer-url>, got 2 arguments/],
    [['http://127.0.0.1:1/a', '--digits', '1,x'], /--digits must be comma-separated keypad digits/],
    [[], /missing <url>/]
  ] as const) {
    const io = captureIo()
    t.equal(await main(['call', ...args], io), 2)
    t.match(io.err(), message)
  }
  const help = captureIo()
  t.equal(await main(['call', '--help'], help), 0)
  t.match(help.out(), /^Usage: piopiy-webhooks call <answer-url>/)
  const server = await receiverServer()
  const gone = server.url
  await server.close()
  const io = captureIo()
  t.equal(await main(['call', gone], io), 1)
  t.match(io.err(), /cannot reach http:\/\/127\.0\.0\.1:\d+\/webhook\/cdr/)
})
