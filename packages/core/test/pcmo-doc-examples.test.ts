// Every PCMO example the PIOPIY docs print, rebuilt with pcmo() and compared byte for byte with the
// printed JSON (whitespace aside: the pages indent it; the India pages print it on one line).
// Pages that print a JavaScript object literal (unquoted keys, single quotes, trailing commas)
// are kept here in their strict-JSON form, said so in `note`.
import t from 'tap'
import { checkPcmo, pcmo, type PcmoBuilder } from '../src/pcmo.js'

interface Example { page: string, printed: string, note?: string, build: () => PcmoBuilder }

const G = 'https://doc.telecmi.com/piopiy/docs/'
const I = 'https://doc.telecmi.com/piopiy-india/docs/'

const EXAMPLES: Example[] = [
  { page: `${G}play-file`, printed: '[{"action": "play","file_name": "welcome_11112.mp3"}]', build: () => pcmo().play('welcome_11112.mp3') },
  { page: `${I}play-file`, printed: '[{"action": "play","file_name": "welcome_11112.mp3"}]', build: () => pcmo().play('welcome_11112.mp3') },
  { page: `${G}speak`, printed: '[{"action": "speak","text": "Hello. Your one time password is. 9. 8. 9. 7"}]', build: () => pcmo().speak('Hello. Your one time password is. 9. 8. 9. 7') },
  { page: `${I}speak`, printed: '[{"action": "speak","text": "Hello. Your one time password is. 9. 8. 9. 7"}]', build: () => pcmo().speak('Hello. Your one time password is. 9. 8. 9. 7') },
  {
    page: `${G}forward-call`,
    printed: '[{"action": "bridge","duration": 300,"timeout": 20,"from": 19170000000,"loop": 2,"connect": [{"type": "pstn","number": 440000000000}]}]',
    note: 'the current page prints unquoted keys and trailing commas',
    build: () => pcmo().bridge(440000000000, { duration: 300, timeout: 20, from: 19170000000, loop: 2 })
  },
  {
    page: `${G}forward-call (Group)`,
    printed: '[{"action": "bridge","duration": 300,"timeout": 20,"from": 19170000000,"loop": 2,"ring_type": "group","connect": [{"type": "pstn","number": 440000000000},{"type": "pstn","number": 440000000001}]}]',
    note: 'printed with unquoted keys and trailing commas',
    build: () => pcmo().bridge(['440000000000', '440000000001'], { duration: 300, timeout: 20, from: '19170000000', loop: 2, ringType: 'group' })
  },
  {
    page: `${I}forward-call`,
    printed: '[{"action": "bridge","duration": 300,"timeout": 20,"from": 914471000000,"loop": 2,"connect": [{"type": "pstn","number": 9100000000}]}]',
    build: () => pcmo().bridge('+9100000000', { duration: 300, timeout: 20, from: '+914471000000', loop: 2 })
  },
  {
    page: `${I}outbound-call-pcmo`,
    printed: '[{"action": "bridge","duration": 300,"timeout": 20,"from": 4471000000,"loop": 2,"connect": [{"type": "pstn","number": 9100000000}]}]',
    build: () => pcmo().bridge([9100000000], { duration: 300, timeout: 20, from: 4471000000, loop: 2 })
  },
  { page: `${G}input`, printed: '[{"action": "input","max_digit": 4,"timeout": 5,"action_url": "https://test.com/dtmf"}]', build: () => pcmo().input({ actionUrl: 'https://test.com/dtmf', maxDigit: 4, timeout: 5 }) },
  { page: `${I}input`, printed: '[{"action": "input","max_digit": 4,"timeout": 5,"action_url": "https://test.com/dtmf"}]', build: () => pcmo().input({ maxDigit: 4, timeout: 5, actionUrl: 'https://test.com/dtmf' }) },
  {
    page: `${G}play-get-input (earlier version)`,
    printed: '[{"action": "play_get_input","file_name": "music_file.wav","max_digit": 4,"max_retry": 2,"action_url": "https://test.com/dtmf"}]',
    build: () => pcmo().playGetInput({ file: 'music_file.wav', maxDigit: 4, maxRetry: 2, actionUrl: 'https://test.com/dtmf' })
  },
  {
    page: `${G}play-get-input`,
    printed: '[{"action": "play_get_input","file_name": "music_file.wav","max_digit": 4,"max_retry": 2,"timeout": 1,"action_url": "https://test.com/dtmf"}]',
    note: 'printed with unquoted keys and a trailing comma',
    build: () => pcmo().playGetInput({ file: 'music_file.wav', maxDigit: 4, maxRetry: 2, timeout: 1, actionUrl: 'https://test.com/dtmf' })
  },
  {
    page: `${I}play-get-input`,
    printed: '[{"action": "play_get_input","file_name": "music_file.wav","max_digit": 4,"max_retry": 2,"action_url": "https://test.com/dtmf"}]',
    build: () => pcmo().playGetInput({ file: 'music_file.wav', maxDigit: 4, maxRetry: 2, actionUrl: 'https://test.com/dtmf' })
  },
  { page: `${G}param`, printed: '[{"action": "param","text": "{ Name=Akil, ID=8915726 }"}]', build: () => pcmo().param('{ Name=Akil, ID=8915726 }') },
  { page: `${G}record`, printed: '[{"action": "record"}]', build: () => pcmo().record() },
  { page: `${I}hangup`, printed: '[{"action": "hangup"}]', build: () => pcmo().hangup() },
  {
    page: `${G}ai-streaming`,
    printed: '[{"action": "stream","ws_url": "ws://example.tcp.ngrok.url","listen_mode": "both","voice_quality": "8000","stream_on_answer": true}]',
    note: 'printed with unquoted keys',
    build: () => pcmo().stream('ws://example.tcp.ngrok.url', { listenMode: 'both', voiceQuality: 8000, streamOnAnswer: true })
  }
]

/** The printed JSON without the whitespace between tokens (strings kept as they are). */
const compact = (text: string): string => JSON.stringify(JSON.parse(text))

for (const example of EXAMPLES) {
  t.test(`${example.page}: the builder emits the documented JSON`, async t => {
    const built = example.build()
    t.equal(JSON.stringify(built), compact(example.printed), example.note ?? 'byte for byte')
    t.same(checkPcmo(built).reasons, [], 'and it validates against the PCMO schema')
  })
}

t.test(`${G}connect-call: the example validates; the builder emits the table's "connect" list instead of the example's "call"`, async t => {
  // printed as `"call_type": 'audio'` (single quotes): not JSON; its strict form
  const printed = '[{"action": "connect","duration": 600,"timeout": 20,"from": 19170000000,"loop": 1,"call_type": "audio","call": [{"type": "sip","user": "YOUR_USERNAME"}]}]'
  t.same(checkPcmo(JSON.parse(printed)).reasons, [], 'the example, as printed, is accepted')
  const built = pcmo().connect('YOUR_USERNAME', { duration: 600, timeout: 20, from: 19170000000, loop: 1, callType: 'audio' })
  t.equal(JSON.stringify(built), compact(printed).replace('"call":', '"connect":'))
  const india = '[{"action": "connect","duration": 600,"timeout": 20,"from": 914471000000,"loop": 1,"call_type": "audio","call": [{"type": "sip","user": "YOUR_USERNAME"}]}]'
  t.same(checkPcmo(JSON.parse(india)).reasons, [], `${I}connect-call is accepted too`)
})

t.test('every modelled action has at least one documented example above', async t => {
  const covered = new Set(EXAMPLES.flatMap(e => (JSON.parse(e.printed) as Array<{ action: string }>).map(a => a.action)).concat('connect'))
  t.same([...covered].sort(), ['bridge', 'connect', 'hangup', 'input', 'param', 'play', 'play_get_input', 'record', 'speak', 'stream'])
})
