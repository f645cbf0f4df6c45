import t from 'tap'
import { parseNotification, type Notification } from '@piopiy-webhooks/core'
import { callEvent, inboundAnsweredCdr, inboundMissedCdr, outboundAnsweredCdr, outboundMissedCdr, streamEvent } from '../src/builders.js'
import {
  alignRows, callbackOf, colorEnabled, createStyle, describeNotification, formatRecord, paintStatus, statusLabel, visibleWidth
} from '../src/format.js'
import { samples } from '../src/samples.js'

function parsed (payload: object): Notification {
  const result = parseNotification(payload)
  if (!result.ok) throw new Error(result.reasons.join('; '))
  return result.notification
}

t.test('colour only on a terminal; NO_COLOR wins, FORCE_COLOR forces', async t => {
  t.equal(colorEnabled({ isTTY: true }), true)
  t.equal(colorEnabled({ isTTY: false }), false)
  t.equal(colorEnabled({}), false)
  t.equal(colorEnabled({ isTTY: true }, { TERM: 'dumb' }), false)
  t.equal(colorEnabled({ isTTY: true }, { NO_COLOR: '1' }), false)
  t.equal(colorEnabled({ isTTY: true }, { NO_COLOR: '' }), true, 'an empty NO_COLOR does not count')
  t.equal(colorEnabled({ isTTY: false }, { FORCE_COLOR: '1' }), true)
  t.equal(colorEnabled({ isTTY: true }, { FORCE_COLOR: '0' }), false)
  t.equal(colorEnabled({ isTTY: false }, { NO_COLOR: '1', FORCE_COLOR: '1' }), false)
})

t.test('styles paint with ANSI codes, or return the text unchanged', async t => {
  const on = createStyle(true)
  const off = createStyle(false)
  t.equal(on.green('ok'), '\u001b[32mok\u001b[39m')
  t.equal(on.bold('b'), '\u001b[1mb\u001b[22m')
  for (const name of ['bold', 'dim', 'red', 'green', 'yellow', 'cyan'] as const) {
    t.equal(off[name]('text'), 'text')
    t.not(on[name]('text'), 'text')
    t.equal(visibleWidth(on[name]('text')), 4)
  }
})

t.test('alignRows pads columns to the widest visible cell', async t => {
  const style = createStyle(true)
  const lines = alignRows([['a', style.red('bb'), 'last'], ['ccc', 'd', 'x']])
  t.same(lines.map(line => line.replace(/\u001b\[[0-9;]*m/g, '')), ['a    bb  last', 'ccc  d   x'])
})

t.test('describeNotification and callbackOf classify every kind', async t => {
  const cases: Array<[object, string, string]> = [
    [inboundAnsweredCdr(), 'inbound answered CDR, leg a', 'onInboundAnswered'],
    [inboundMissedCdr(), 'inbound missed CDR, leg a', 'onInboundMissed'],
    [outboundAnsweredCdr(), 'outbound answered CDR, leg a', 'onOutboundAnswered'],
    [outboundMissedCdr(), 'outbound missed CDR, leg a', 'onOutboundMissed'],
    [callEvent('out_bridged'), 'call event out_bridged, leg b', 'onCallEvent'],
    [streamEvent('disconnected'), 'stream event stream_disconnected', 'onStreamEvent'],
    [{ cmiuuid: 'x', status: 'dtmf' }, 'notification of unknown kind (status dtmf)', 'onNotification'],
    [{ cmiuuid: 'x' }, 'notification of unknown kind', 'onNotification']
  ]
  for (const [payload, description, callback] of cases) {
    const n = parsed(payload)
    t.equal(describeNotification(n), description)
    t.equal(callbackOf(n), callback)
  }
})

t.test('formatRecord prints the record as a callback receives it, without raw', async t => {
  const n = parsed(samples['piopiy.cdr.inbound.answered.leg-a.legacy'])
  const lines = formatRecord(n)
  t.equal(lines.length, Object.keys(n).length - 1, 'one line per field, raw left out')
  t.ok(lines.includes("from              '440000000001'"), 'phone numbers are shown as the strings they are')
  t.ok(lines.includes('time              2021-09-22T13:48:31.000Z'), 'times are Dates')
  t.ok(lines.includes("extraParams       { Name: 'Akil', ID: 8915726 }"))
  t.notOk(lines.some(line => line.startsWith('raw')))
  const coloured = formatRecord(n, createStyle(true), '  ')
  t.match(coloured[0], /^ {2}\u001b\[2mkind\u001b\[22m +\u001b\[32m'cdr'\u001b\[39m$/)
})

t.test('status labels', async t => {
  t.equal(statusLabel(200, '{"ok":true}'), '200 OK')
  t.equal(statusLabel(200, '{"ok":true,"duplicate":true}'), '200 duplicate')
  t.equal(statusLabel(400), '400 Bad Request')
  t.equal(statusLabel(299), '299', 'a status without a reason phrase')
  const style = createStyle(true)
  t.equal(paintStatus(style, 204), style.green('204 No Content'))
  t.equal(paintStatus(style, 200, '{"duplicate":true}'), style.yellow('200 duplicate'))
  t.equal(paintStatus(style, 503), style.red('503 Service Unavailable'))
  t.equal(paintStatus(style, 302), style.red('302 Found'))
})
