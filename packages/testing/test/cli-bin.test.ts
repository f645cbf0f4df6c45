import { execFile } from 'node:child_process'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { copyFile, mkdir, mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import t from 'tap'
import { samples } from '../src/samples.js'
import { send } from '../src/send.js'
import { binPath, receiverServer, runNode } from './helpers.js'

t.setTimeout(120_000)
const run = promisify(execFile)

const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { bin: Record<string, string> }

t.test('the package declares the piopiy-webhooks bin, built from src/bin.ts', async t => {
  t.match(readFileSync(binPath, 'utf8'), /^#!\/usr\/bin\/env node\n/, 'with a shebang')
})

t.test('the bin entry is a committed file, so that npm links it before anything is built (a fresh clone)', async t => {
  t.same(manifest.bin, { 'piopiy-webhooks': './bin/piopiy-webhooks.js' })
  const entry = fileURLToPath(new URL('../bin/piopiy-webhooks.js', import.meta.url))
  t.match(readFileSync(entry, 'utf8'), /^#!\/usr\/bin\/env node\n/, 'with a shebang')
  t.ok((statSync(entry).mode & 0o111) !== 0, 'executable')
  t.notOk(existsSync(fileURLToPath(new URL('../dist/commonjs/bin.js', import.meta.url))), 'no unused CommonJS bin in the build')
  // plain node, no test loader or coverage: as npx runs it
  const env = { ...process.env, NODE_OPTIONS: '', _TAPJS_PROCESSINFO_COVERAGE_: '0' }
  const { stdout } = await run(process.execPath, [entry, '--version'], { env })
  t.equal(stdout, `${(JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version}\n`, 'it runs the build')
  // the same file in a package that has no build yet: one clear line, exit 1
  const bare = await mkdtemp(join(tmpdir(), 'piopiy-bin-'))
  await mkdir(join(bare, 'bin'))
  await copyFile(entry, join(bare, 'bin', 'piopiy-webhooks.js'))
  await writeFile(join(bare, 'package.json'), '{"type":"module"}')
  const failed = await run(process.execPath, [join(bare, 'bin', 'piopiy-webhooks.js'), '--version'], { env }).catch((err: { code: number, stderr: string }) => err)
  t.match(failed, { code: 1, stderr: 'piopiy-webhooks: @piopiy-webhooks/testing is not built yet; in a clone of the repository, run `npm run build` first.\n' })
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
