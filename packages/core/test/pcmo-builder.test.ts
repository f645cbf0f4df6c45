import t from 'tap'
import { PiopiyWebhookError } from '../src/errors.js'
import { checkPcmo, pcmo, PcmoBuilder, phoneNumber } from '../src/pcmo.js'

const wire = (builder: PcmoBuilder): unknown => JSON.parse(JSON.stringify(builder))
const invalid = (message: RegExp) => ({ name: 'PiopiyWebhookError', code: 'INVALID_PCMO', message })

t.test('a whole IVR flow chains, and JSON.stringify gives the wire array', async t => {
  const flow = pcmo()
    .record()
    .play('https://cdn.example.com/welcome.mp3')
    .speak('Press 1 for sales')
    .input({ actionUrl: 'https://example.com/webhook/action', maxDigit: 1, timeout: 10 })
    .hangup()
  t.ok(flow instanceof PcmoBuilder)
  t.same(wire(flow), [
    { action: 'record' },
    { action: 'play', file_url: 'https://cdn.example.com/welcome.mp3' },
    { action: 'speak', text: 'Press 1 for sales' },
    { action: 'input', max_digit: 1, timeout: 10, action_url: 'https://example.com/webhook/action' },
    { action: 'hangup' }
  ])
  t.equal(flow.actions.length, 5)
  const copy = flow.toJSON()
  copy.pop()
  t.equal(flow.actions.length, 5, 'toJSON() is a copy')
})

t.test('options left out stay off the wire (the platform applies its defaults)', async t => {
  t.same(wire(pcmo().bridge(919100000000)), [{ action: 'bridge', connect: [{ type: 'pstn', number: 919100000000 }] }])
  t.same(wire(pcmo().input({ actionUrl: 'http://127.0.0.1/a' })), [{ action: 'input', action_url: 'http://127.0.0.1/a' }])
  t.same(wire(pcmo().stream('wss://ai.example.com', { listenMode: 'caller' })), [{ action: 'stream', ws_url: 'wss://ai.example.com', listen_mode: 'caller' }])
  t.same(wire(pcmo().connect(['alice', 'bob'], { ringType: 'group' })), [{ action: 'connect', ring_type: 'group', connect: [{ type: 'sip', user: 'alice' }, { type: 'sip', user: 'bob' }] }])
  t.same(wire(pcmo().playGetInput({ file: 'https://cdn.example.com/menu.wav', actionUrl: 'https://example.com/a' })),
    [{ action: 'play_get_input', file_url: 'https://cdn.example.com/menu.wav', action_url: 'https://example.com/a' }])
})

t.test('phone numbers: numbers or digit strings (a + dropped) become JSON numbers; a leading zero keeps a string', async t => {
  t.equal(phoneNumber('x', 919100000000), 919100000000)
  t.equal(phoneNumber('x', '919100000000'), 919100000000)
  t.equal(phoneNumber('x', ' +919100000000 '), 919100000000)
  t.equal(phoneNumber('x', '04471000000'), '04471000000')
  for (const bad of ['', '+', '91 91', 'abc', '12', '1234567890123456', -1, 0, 1.5, Number.MAX_SAFE_INTEGER + 2, Number.NaN]) {
    t.throws(() => pcmo().bridge(bad), invalid(/bridge\.to\[0\]: must be a phone number/), `rejects ${String(bad)}`)
  }
  t.throws(() => pcmo().bridge(919100000000, { from: 'x' }), invalid(/bridge\.from: must be a phone number/))
})

t.test('documented ranges are checked when the action is built, with the option named', async t => {
  const url = 'https://example.com/a'
  const cases: Array<[() => unknown, RegExp]> = [
    [() => pcmo().play(''), /play: must be a file name or an http\(s\) URL \(got string ""\)/],
    [() => pcmo().speak('  '), /speak: text must be a non-empty string/],
    [() => pcmo().speak(undefined as unknown as string), /speak: text must be a non-empty string \(got nothing\)/],
    [() => pcmo().bridge([]), /bridge\.to: needs at least one destination/],
    [() => pcmo().bridge(1234, { duration: 0 }), /bridge\.duration: must be a positive integer \(got number 0\)/],
    [() => pcmo().bridge(1234, { timeout: 1.5 }), /bridge\.timeout: must be a positive integer/],
    [() => pcmo().bridge(1234, { loop: -1 }), /bridge\.loop: must be a positive integer/],
    [() => pcmo().bridge(1234, { ringType: 'all' as 'group' }), /bridge\.ringType: must be 'single' or 'group'/],
    [() => pcmo().connect([]), /connect\.users: needs at least one destination/],
    [() => pcmo().connect(['ok', '']), /connect\.users\[1\]: must be a SIP user name/],
    [() => pcmo().connect('u', { callType: '' }), /connect\.callType: must be a non-empty string/],
    [() => pcmo().input(undefined as never), /input: options must be an object with an actionUrl/],
    [() => pcmo().input({ actionUrl: 'ftp://x' }), /input\.actionUrl: must be an http\(s\) URL/],
    [() => pcmo().input({ actionUrl: url, maxDigit: 0 }), /input\.maxDigit: must be a positive integer/],
    [() => pcmo().input({ actionUrl: url, timeout: Number.POSITIVE_INFINITY }), /input\.timeout: must be a positive integer/],
    [() => pcmo().playGetInput({ actionUrl: url, file: '' }), /play_get_input\.file: must be a file name or an http\(s\) URL/],
    [() => pcmo().playGetInput({ actionUrl: url, file: 'a.wav', maxRetry: 0 }), /play_get_input\.maxRetry: must be a positive integer/],
    [() => pcmo().param(''), /param: text must be a non-empty string/],
    [() => pcmo().stream('http://x', { listenMode: 'both' }), /stream: wsUrl must be a ws:\/\/ or wss:\/\/ URL/],
    [() => pcmo().stream('ws://x', undefined as never), /stream\.listenMode: must be 'caller', 'callee' or 'both' \(got nothing\)/],
    [() => pcmo().stream('ws://x', { listenMode: 'both', voiceQuality: 44100 as 8000 }), /stream\.voiceQuality: must be 8000 or 16000 \(got number 44100\)/],
    [() => pcmo().stream('ws://x', { listenMode: 'both', streamOnAnswer: 'yes' as unknown as boolean }), /stream\.streamOnAnswer: must be a boolean/]
  ]
  for (const [build, message] of cases) {
    let thrown: unknown
    try { build() } catch (err) { thrown = err }
    t.ok(thrown instanceof PiopiyWebhookError, String(message))
    t.match((thrown as Error).message, message)
  }
})

t.test('add() appends an action written by hand, after checking it', async t => {
  t.same(wire(pcmo().add({ action: 'speak', text: 'hi' }).hangup()), [{ action: 'speak', text: 'hi' }, { action: 'hangup' }])
  t.throws(() => pcmo().add({ action: 'speak' } as never), invalid(/action \(speak\): text: is required/))
  t.throws(() => pcmo().add({ action: 'clear' } as never), invalid(/action\.action: must be one of play, speak, bridge, connect, input, play_get_input, param, record, hangup, stream \(got string "clear"\)/))
})

t.test('checkPcmo accepts a builder or a plain array, and names every problem by index', async t => {
  t.same(checkPcmo(pcmo().hangup()), { pcmo: [{ action: 'hangup' }], reasons: [] })
  t.same(checkPcmo([{ action: 'record', extra: 'kept' }]).reasons, [], 'additional keys are allowed')
  t.same(checkPcmo({ action: 'hangup' }).reasons, ['flow: must be a pcmo() builder or an array of actions (got an object)'])
  t.same(checkPcmo(undefined).reasons, ['flow: must be a pcmo() builder or an array of actions (got nothing)'])
  t.same(checkPcmo([]).reasons, ['flow: must hold at least one action'])
  t.same(checkPcmo([{ action: 1 }]).reasons, ['[0].action: must be one of play, speak, bridge, connect, input, play_get_input, param, record, hangup, stream (got number 1)'])
  t.same(checkPcmo(['speak', null, []]).reasons, [
    '[0]: must be an object with an action (got string "speak")',
    '[1]: must be an object with an action (got null)',
    '[2]: must be an object with an action (got an array)'
  ])
  t.same(checkPcmo([{ action: 'play' }, { action: 'play', file_name: 'a', file_url: 'https://b' }]).reasons, [
    '[0] (play): needs exactly one of file_name or file_url',
    '[1] (play): needs exactly one of file_name or file_url'
  ])
  t.same(checkPcmo([{ action: 'connect', connect: [{ type: 'pstn', user: 'u' }] }]).reasons, ['[0] (connect): connect.0.type: must be "sip" (got string "pstn")'])
  t.same(checkPcmo([{ action: 'connect' }]).reasons, ['[0] (connect): needs exactly one of connect or call'])
  t.same(checkPcmo([{ action: 'bridge', connect: [] }]).reasons, ['[0] (bridge): connect: must not be empty'])
  t.same(checkPcmo([{ action: 'bridge', connect: [{ type: 'pstn' }], duration: '300' }]).reasons, [
    '[0] (bridge): duration: must be an integer (got string "300")',
    '[0] (bridge): connect.0.number: is required'
  ])
  t.same(checkPcmo([{ action: 'stream', ws_url: 'ws://x', listen_mode: 'all' }]).reasons, ["[0] (stream): listen_mode: must be one of 'caller', 'callee', 'both' (got string \"all\")"])
})
