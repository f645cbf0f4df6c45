// examples/call-control, as users run it: the IVR app over a real server on 127.0.0.1, driven by the
// CLI's `call` simulation (press 1 → sales, 2 → support, anything else → the menu again), and its
// server.ts started the way `npm run example:call-control` does.
import { main } from '../packages/testing/src/cli.js'
import { once } from 'node:events'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { createApp } from '../examples/call-control/app.js'
import { captureIo, runNode } from '../packages/testing/test/helpers.js'

const silent = { debug () {}, info () {}, warn () {}, error () {} }

type Tap = Parameters<Parameters<typeof t.test>[0]>[0]
async function start (t: Tap, token?: string, more: Parameters<typeof createApp>[2] = {}) {
  const lines: string[] = []
  // the action URL is built from publicUrl: the port is known once the server listens, so the app reads it late
  const settings = { publicUrl: '', piopiyNumber: '19170000000', sales: '440000000000', support: '440000000001', token }
  const server = createApp(settings, line => { lines.push(line) }, { logger: silent, ...more }).listen(0, '127.0.0.1')
  await once(server, 'listening')
  settings.publicUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  t.teardown(async () => { server.closeAllConnections(); server.close(); await once(server, 'close') })
  return { url: settings.publicUrl, lines }
}

t.test('examples/call-control: press 7 (not an option), then 1 → a spoken menu again, then the call is bridged to sales', async t => {
  const { url, lines } = await start(t)
  const io = captureIo()
  t.equal(await main(['call', `${url}/webhook/answer`, '--digits', '7,1', '--from', '919900000001'], io), 0)
  const transcript = io.out().split('\n').slice(1)
  t.same(transcript, [
    `→ POST ${url}/webhook/answer`,
    '← 200 OK',
    '   1. speak           "Welcome to Example Corp. Press 1 for sales, or 2 for support."',
    `   2. input           up to 1 digit, wait 10 s → ${url}/webhook/action`,
    'digits (1 max)? 7',
    `→ POST ${url}/webhook/action`,
    '← 200 OK',
    '   1. speak           "Sorry, that is not an option."',
    '   2. speak           "Welcome to Example Corp. Press 1 for sales, or 2 for support."',
    `   3. input           up to 1 digit, wait 10 s → ${url}/webhook/action`,
    'digits (1 max)? 1',
    `→ POST ${url}/webhook/action`,
    '← 200 OK',
    '   1. speak           "Connecting you to sales."',
    '   2. bridge          call 440000000000 (caller id 19170000000, ring 30 s)',
    'call ends: the flow collects no digits',
    ''
  ])
  t.same(lines, ['call from 919900000001 to 19170000000', '919900000001 pressed 7', '919900000001 pressed 1'])
})

t.test('examples/call-control: 2 goes to support; with a token, the action URL carries it', async t => {
  const { url } = await start(t, 'ivr-secret')
  const io = captureIo()
  t.equal(await main(['call', `${url}/webhook/answer`, '--digits', '2', '--token', 'ivr-secret'], io), 0)
  t.match(io.out(), `input           up to 1 digit, wait 10 s → ${url}/webhook/action?token=ivr-secret`)
  t.match(io.out(), /bridge {10}call 440000000001/)
  const denied = captureIo()
  t.equal(await main(['call', `${url}/webhook/answer`], denied), 1, 'without the token: 401')
})

t.test('examples/call-control: a failing flow answers the fallback, never silence, and the app logs it', async t => {
  const { url, lines } = await start(t, undefined, { onDtmf: () => { throw new Error('CRM down') } })
  const io = captureIo()
  t.equal(await main(['send', `${url}/webhook/action`, '--kind', 'dtmf'], io), 0)
  t.match(io.out(), /speak {11}"Sorry, we cannot take your call right now\. Please try again later\. Goodbye\."\n.*hangup/s)
  t.match(lines, [/^fallback flow answered: .*onDtmf threw: CRM down/])
})

t.test('examples/call-control/server.ts: listens, prints its URLs, and stops on SIGTERM', async t => {
  const server = runNode(fileURLToPath(new URL('../examples/call-control/server.ts', import.meta.url)), [], { PORT: '0' })
  const [, answer] = await server.waitFor(/answer URL (\S+),/) as [string, string]
  const io = captureIo()
  t.equal(await main(['call', answer, '--digits', '1'], io), 0)
  t.match(io.out(), /bridge {10}call 440000000000/)
  server.process.kill('SIGTERM')
  t.equal(await server.exit, 0, 'exits cleanly')
})
