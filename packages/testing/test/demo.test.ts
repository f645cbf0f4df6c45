import { once } from 'node:events'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { inboundMissedCdr } from '../src/builders.js'
import { send } from '../src/send.js'
import { demoPath, runNode } from './helpers.js'

// each test runs the demo as a child process (TypeScript sources through the test's loader)
t.setTimeout(90_000)

t.test('the demo runs end to end: every kind reaches its callback, with the status of each delivery', async t => {
  const demo = runNode(demoPath, [])
  t.equal(await demo.exit, 0, demo.stderr())
  t.equal(demo.stderr(), '')
  const out = demo.stdout()
  t.match(out, /^piopiy-webhooks demo\n {2}receiver {2}Fastify \+ @piopiy-webhooks\/fastify, POST http:\/\/127\.0\.0\.1:\d+\/webhook\/cdr\n/)
  const summary = out.slice(out.indexOf('Summary\n'))
  const rows: Array<[string, string, string]> = [
    ['inbound answered CDR', '200 OK', 'onInboundAnswered'],
    ['the same CDR again \\(the platform resends CDRs\\)', '200 duplicate', '—'],
    ['inbound missed CDR', '200 OK', 'onInboundMissed'],
    ['outbound answered CDR \\(India docs\\)', '200 OK', 'onOutboundAnswered'],
    ['outbound missed CDR', '200 OK', 'onOutboundMissed'],
    ['live event in_answered', '200 OK', 'onCallEvent'],
    ['live event out_started', '200 OK', 'onCallEvent'],
    ["live event 'answered' \\(India docs: an event, not a CDR\\)", '200 OK', 'onCallEvent'],
    ['live event hangup', '200 OK', 'onCallEvent'],
    ['stream event stream_connected', '200 OK', 'onStreamEvent'],
    ['stream event STREAM_DISCONNECTED', '200 OK', 'onStreamEvent'],
    ['invalid body \\(JSON cut off\\)', '400 Bad Request', 'onInvalid']
  ]
  rows.forEach(([label, status, callback], i) => {
    t.match(summary, new RegExp(`\\n +${i + 1} {2}${label} +${status} +${callback}\\n`), `summary row ${i + 1}: ${callback}`)
  })
  t.match(out, /12 deliveries: 10 × 200 OK, 1 × 200 duplicate, 1 × 400 Bad Request\n$/)
  // what the callbacks received, as pretty records
  t.match(out, / 1 {2}POST inbound answered CDR\n {4}→ onInboundAnswered {2}inbound answered CDR, leg a\n/)
  t.match(out, /\n {8}from +'440000000001'\n/, 'phone numbers arrive as strings')
  t.match(out, /\n {8}callRate +'0\.450000'\n/)
  t.match(out, /\n {8}ctx\.key +cdr:2222222:inbound:answered:a:55348d77-c515-425d-b22c-f0c6ecd8d780\n {4}← 200 OK {2}\{"ok":true\}\n/)
  t.match(out, / 2 {2}POST the same CDR again.*\n {4}no callback ran: .*deduplicated\)\n {4}← 200 duplicate/)
  t.match(out, /→ onInvalid {2}rejected with 400\n {8}reasons +\[ 'body: is not valid JSON/)
  t.notMatch(out, /\u001b\[/, 'no colour when not a terminal')
})

t.test('--serve keeps listening, prints a curl command and each request, and stops on SIGTERM', async t => {
  const demo = runNode(demoPath, ['--serve', '--port', '0'], { NO_COLOR: '', FORCE_COLOR: '1' })
  const [, url] = await demo.waitFor(/Listening on (\S+) \(Ctrl\+C to stop\)/) as [string, string]
  const [curl] = await demo.waitFor(/curl -i \S+ -H 'content-type: application\/json' -d '\{.*\}'\n/)
  t.ok(curl.includes(url), 'the curl command targets the demo')
  t.match(demo.stdout(), `\u001b[36m${url}\u001b[39m`, 'coloured when forced')
  const [answer] = await send(url, inboundMissedCdr())
  t.equal(answer?.status, 200)
  await demo.waitFor(/\nPOST \/webhook\/cdr {2}from 127\.0\.0\.1\n {4}→ onInboundMissed {2}inbound missed CDR, leg a\n[\s\S]*\n {4}← 200 OK\n/)
  demo.process.kill('SIGTERM')
  t.equal(await demo.exit, 0)
  t.match(demo.stdout(), /stopped\.\n$/)
})

t.test('--help, a bad option, a bad port and a port in use', async t => {
  const blocker = createServer()
  blocker.listen(0, '127.0.0.1')
  await once(blocker, 'listening')
  t.teardown(() => { blocker.close() })
  const { port } = blocker.address() as AddressInfo
  const [help, bad, badPort, inUse] = [['--help'], ['--verbose'], ['--port', 'abc'], ['--port', String(port)]].map(args => runNode(demoPath, args))
  t.equal(await help?.exit, 0)
  t.match(help?.stdout(), /^Usage: npm run demo/)
  t.equal(await bad?.exit, 2)
  t.equal(bad?.stderr(), "demo: Unknown option '--verbose'. See 'npm run demo -- --help'.\n")
  t.equal(await badPort?.exit, 2)
  t.equal(badPort?.stderr(), "demo: --port must be a number from 0 to 65535 (got 'abc')\n")
  t.equal(await inUse?.exit, 1)
  t.equal(inUse?.stderr(), `demo: cannot listen on 127.0.0.1:${port} (EADDRINUSE); pass --port <another port>\n`)
})
