import { readFileSync } from 'node:fs'
import t from 'tap'
import { samples } from '../src/samples.js'
import { send } from '../src/send.js'
import { binPath, receiverServer, runNode } from './helpers.js'

t.setTimeout(120_000)

const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { bin: Record<string, string> }

t.test('the package declares the piopiy-webhooks bin, built from src/bin.ts', async t => {
  t.same(manifest.bin, { 'piopiy-webhooks': './dist/esm/bin.js' })
  t.match(readFileSync(binPath, 'utf8'), /^#!\/usr\/bin\/env node\n/, 'with a shebang')
})

t.test('the real bin: send exits 0 and prints each status', async t => {
  const server = await receiverServer()
  t.teardown(server.close)
  const child = runNode(binPath, ['send', server.url, '--times', '2'])
  t.equal(await child.exit, 0)
  t.equal(child.stdout(), 'inbound-answered  #1/2  200 OK  {"ok":true}\ninbound-answered  #2/2  200 duplicate  {"ok":true,"duplicate":true}\n')
  t.same(server.calls.map(c => c.callback), ['onInboundAnswered'])
})

t.test('the real bin: a usage error exits 2 with one line on stderr', async t => {
  const child = runNode(binPath, ['send'])
  t.equal(await child.exit, 2)
  t.equal(child.stdout(), '')
  t.equal(child.stderr(), "piopiy-webhooks send: missing <url>. See 'piopiy-webhooks send --help'.\n")
})

t.test('the real bin: listen receives until SIGINT, then exits 0', async t => {
  const child = runNode(binPath, ['listen', '--port', '0', '--token', 'tok'])
  const [, url] = await child.waitFor(/receiving on (\S+)\n/) as [string, string]
  const [answer] = await send(url, samples['piopiy.event.stream.connected'])
  t.equal(answer?.status, 200)
  await child.waitFor(/200 OK {2}stream event stream_connected → onStreamEvent\n/)
  child.process.kill('SIGINT')
  t.equal(await child.exit, 0)
  t.match(child.stdout(), /wsStatus +\{ status: 'connected' \}\n[\s\S]*stopped\.\n$/)
  t.equal(child.stderr(), '')
})
