// Phone numbers (issue 12): a JSON number that JSON.parse may already have rounded (past 15 digits, or a
// fraction) is rejected with a reason, never read wrong; a string is kept exactly, up to 32 characters.
import t from 'tap'
import { parseNotification } from '../src/parse.js'
import { createReceiver } from '../src/receiver.js'
import { silentLogger } from '../src/logger.js'
import { post, seedCdr } from './helpers.js'

/** The seed CDR with `to` written as `literal` in the JSON text (so that no JSON.stringify rounds it first). */
const withTo = (literal: string): string => JSON.stringify({ ...seedCdr(), to: 0 }).replace('"to":0', `"to":${literal}`)
const reasons = (text: string): string[] => { const r = parseNotification(text); return r.ok ? [] : r.reasons }

t.test('numbers JSON cannot carry exactly are rejected with a reason', async t => {
  t.same(reasons(withTo('9007199254740991.4')), ['to: must be <= 999999999999999 (got number 9007199254740991)'], 'past 2^53 with a fraction (JSON.parse gives 9007199254740991)')
  t.same(reasons(withTo('9007199254740993')), ['to: must be <= 999999999999999 (got number 9007199254740992)'], 'past 2^53')
  t.same(reasons(withTo('1234567890123456')), ['to: must be <= 999999999999999 (got number 1234567890123456)'], '16 digits: longer than E.164')
  t.same(reasons(withTo('919876543210.5')), ['to: must be a string or an integer (got number 919876543210.5)'], 'a fraction JSON.parse keeps')
  t.same(reasons(withTo('999999999999999')), [], '15 digits: the longest E.164 number')
  const read = parseNotification(withTo('999999999999999'))
  t.equal(read.ok && read.notification.kind === 'cdr' ? read.notification.to : undefined, '999999999999999', 'read exactly')
})

t.test('phone-number strings: kept exactly up to 32 characters; longer is rejected; blank stays "empty"', async t => {
  const ok = '+91 (44) 7100-0000 ext. 12345678'
  t.equal(ok.length, 32)
  const read = parseNotification(JSON.stringify({ ...seedCdr(), from: ok }))
  t.equal(read.ok && read.notification.kind === 'cdr' ? read.notification.from : undefined, ok)
  t.same(reasons(JSON.stringify({ ...seedCdr(), from: `${ok}9` })), [`from: must be a phone number of at most 32 characters (got string "${ok}9")`])
  t.same(reasons(JSON.stringify({ ...seedCdr(), callerid: '1'.repeat(1000) })), [`callerid: must be a phone number of at most 32 characters (got string "${'1'.repeat(40)}…")`])
  t.same(reasons(JSON.stringify({ ...seedCdr(), to: ' \t ' })), ['to: must not be empty'])
})

t.test('the receiver answers 400 and tells onInvalid, with the raw text as sent', async t => {
  const invalid: Array<{ rawBody: string, reasons: string[] }> = []
  let fired = 0
  const receiver = createReceiver({ logger: silentLogger, onInvalid: info => { invalid.push(info) }, onNotification: () => { fired++ } })
  const text = withTo('9007199254740991.4')
  t.equal((await post(receiver, text)).status, 400)
  t.match(invalid, [{ rawBody: text, reasons: [/^to: must be <= 999999999999999/] }])
  t.equal(fired, 0)
})

t.test('the call-control routes apply the same rules', async t => {
  const receiver = createReceiver({ logger: silentLogger, onAnswer: () => [{ action: 'hangup' }], onInvalid: () => {} })
  const call = { action: 'inbound', from: '19170000001', to: 9007199254740993, time: 1670568234000, cmiuuid: 'x' }
  const answer = await post(receiver, JSON.stringify(call).replace('9007199254740992', '9007199254740993'), { path: '/webhook/answer' })
  t.equal(answer.status, 400)
  t.match(JSON.parse(answer.body), { reasons: ['to: must be <= 999999999999999 (got number 9007199254740992)'] })
})
