import { createServer } from 'node:http'
import { once } from 'node:events'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { callEvent, inboundAnsweredCdr } from '../src/builders.js'
import { main } from '../src/cli.js'
import { samples } from '../src/samples.js'
import { send } from '../src/send.js'
import { captureIo } from './helpers.js'

/** Starts `listen` on a free port; resolves with its URL once it is receiving. */
async function startListen (args: string[] = [], env?: Record<string, string>) {
  const controller = new AbortController()
  const io = captureIo({ signal: controller.signal, ...(env === undefined ? {} : { env }) })
  const exit = main(['listen', '--port', '0', ...args], io)
  const [, shown] = await io.waitFor(/receiving on (\S+)\n/) as [string, string]
  const url = shown.replace(/\u001b\[[0-9;]*m/g, '')
  return { io, url, exit, stop: async () => { controller.abort(); return await exit } }
}

t.test('listen prints each notification parsed and classified, with the callback it reaches', async t => {
  const listen = await startListen()
  t.match(listen.url, /^http:\/\/127\.0\.0\.1:\d+\/webhook\/cdr$/)
  t.match(listen.io.out(), `try it: piopiy-webhooks send ${listen.url} --kind samples`)
  t.match(listen.io.err(), /note: .*no auth configured/, 'the core warns that there is no auth')

  const [answer] = await send(listen.url, samples['piopiy.cdr.inbound.answered.leg-a.legacy'])
  t.same(answer, { status: 200, body: '{"ok":true}' })
  const report = await listen.io.waitFor(/POST \/webhook\/cdr {2}200 OK {2}inbound answered CDR, leg a → onInboundAnswered\n((?: {4}.*\n)+)/)
  t.match(report[1], /^ {4}kind +'cdr'\n/)
  t.match(report[1], /\n {4}from +'440000000001'\n/)
  t.match(report[1], /\n {4}extraParams +\{ Name: 'Akil', ID: 8915726 \}\n/)

  await send(listen.url, callEvent('out_bridged'))
  await listen.io.waitFor(/200 OK {2}call event out_bridged, leg b → onCallEvent\n/)
  t.equal(await listen.stop(), 0)
  t.match(listen.io.out(), /stopped\.\n$/)
})

t.test('listen shows duplicates with their dedupe key, rejections with their reasons', async t => {
  const listen = await startListen()
  t.teardown(listen.stop)
  const cdr = inboundAnsweredCdr()
  await send(listen.url, cdr, { times: 2 })
  await listen.io.waitFor(new RegExp(`200 duplicate {2}duplicate of cdr:2222222:inbound:answered:a:${cdr.cmiuuid}: already processed, callbacks skipped\n`))

  await send(listen.url, '{"cmiuuid": ')
  const rejected = await listen.io.waitFor(/400 Bad Request {2}rejected: (.*)\n {4}body {2}(.*)\n/)
  t.match(rejected[1], /^body: is not valid JSON/)
  t.equal(rejected[2], '{"cmiuuid":')

  await send(listen.url, { cmiuuid: 'x', status: 'dtmf' })
  await listen.io.waitFor(/200 OK {2}notification of unknown kind \(status dtmf\) → onNotification\n/)

  const base = listen.url.replace('/webhook/cdr', '')
  t.equal((await fetch(listen.url)).status, 405)
  await listen.io.waitFor(/GET \/webhook\/cdr {2}405 Method Not Allowed\n/)
  t.equal((await fetch(`${base}/elsewhere`, { method: 'POST', body: '{}' })).status, 404)
  await listen.io.waitFor(/POST \/elsewhere {2}404 Not Found {2}\(the webhook route is \/webhook\/cdr\)\n/)
})

t.test('--path and --token configure the receiver; the URL shown carries the token', async t => {
  const listen = await startListen(['--path', '/hooks/piopiy', '--token', 'a b', '--host', '127.0.0.1'], { FORCE_COLOR: '1' })
  t.teardown(listen.stop)
  t.match(listen.url, /^http:\/\/127\.0\.0\.1:\d+\/hooks\/piopiy\?token=a%20b$/)
  t.match(listen.io.out(), `receiving on \u001b[36m${listen.url}\u001b[39m`, 'coloured when forced')
  const { url } = listen
  t.equal(listen.io.err(), '', 'no auth warning once a token is set')
  const [denied] = await send(url.replace(/\?.*/, ''), inboundAnsweredCdr())
  t.equal(denied?.status, 401)
  await listen.io.waitFor(/401 Unauthorized.*rejected: /)
  const [accepted] = await send(url, inboundAnsweredCdr())
  t.equal(accepted?.status, 200)
  await listen.io.waitFor(/200 OK.*inbound answered CDR/)
})

t.test('--token "" (an unset shell variable) warns, and listens without a token', async t => {
  const listen = await startListen(['--token', ''])
  t.teardown(listen.stop)
  t.match(listen.io.err(), /^piopiy-webhooks listen: warning: --token is empty \(an unset shell variable\?\); receiving without a token\n/)
  t.match(listen.url, /\/webhook\/cdr$/, 'no token in the URL shown')
  const [answer] = await send(listen.url, inboundAnsweredCdr())
  t.equal(answer?.status, 200)
})

t.test('listen stops at once when its signal is already aborted', async t => {
  const controller = new AbortController()
  controller.abort()
  const io = captureIo({ signal: controller.signal })
  t.equal(await main(['listen', '--port', '0'], io), 0)
  t.match(io.out(), /receiving on http:\/\/127\.0\.0\.1:\d+\/webhook\/cdr\n[\s\S]*stopped\.\n$/)
})

t.test('a port in use is one clear line and exit 1', async t => {
  const blocker = createServer()
  blocker.listen(0, '127.0.0.1')
  await once(blocker, 'listening')
  t.teardown(() => { blocker.close() })
  const { port } = blocker.address() as AddressInfo
  const io = captureIo()
  t.equal(await main(['listen', '--port', String(port)], io), 1)
  t.equal(io.err().split('\n').filter(line => !line.startsWith('note:')).join('\n'),
    `piopiy-webhooks listen: cannot listen on 127.0.0.1:${port}: listen EADDRINUSE: address already in use 127.0.0.1:${port}\n`)
})

t.test('bad listen options are usage errors', async t => {
  const cases: Array<[string[], RegExp]> = [
    [['--port', 'http'], /--port must be a number from 0 to 65535 \(got 'http'\)/],
    [['--port', '70000'], /--port must be a number from 0 to 65535/],
    [['--path', 'webhook'], /path must be a string starting with '\/'/],
    [['extra'], /unexpected argument 'extra'/]
  ]
  for (const [args, message] of cases) {
    const io = captureIo()
    t.equal(await main(['listen', ...args], io), 2, args.join(' '))
    t.match(io.err(), message)
    t.match(io.err(), /^piopiy-webhooks listen: .*\. See 'piopiy-webhooks listen --help'\.\n$/)
  }
})
