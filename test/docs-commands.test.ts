/**
 * The shell commands in README.md, docs/ and the examples' and packages' READMEs work as written, from
 * a clone of the repository: `npm run` names a script of the root package.json, `npm i` names packages
 * the repository publishes, and every `npx piopiy-webhooks …` line is run literally (only the port
 * 3000 becomes a free one) from a folder inside the clone, against a real receiver on 127.0.0.1.
 */
import { createReceiver, pcmo } from '@piopiy-webhooks/core'
import { samples } from '@piopiy-webhooks/testing'
import { execFile, spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'
import { docFiles, read, root } from './helpers/doc-files.js'

t.setTimeout(300_000)
const files = docFiles()

/** Every command of the `sh` blocks: comments dropped, `a && b` split, a trailing `&` removed. */
const commands = files.flatMap(file => [...read(file).matchAll(/```sh\n([\s\S]*?)```/g)]
  .flatMap(([, block]) => (block as string).split('\n'))
  .map(line => line.replace(/\s+#.*$/, '').replace(/^#.*$/, '').replace(/\s*&$/, '').trim())
  .filter(line => line !== '')
  .flatMap(line => line.split(' && '))
  .map(command => ({ file, command })))

const manifest = JSON.parse(read('package.json')) as { scripts: Record<string, string>, workspaces: string[] }
const published = new Set(manifest.workspaces.map(dir => JSON.parse(read(`${dir}/package.json`)) as { name: string, private?: boolean })
  .filter(p => p.private !== true).map(p => p.name))

t.test('every npm command names a root script or a package of this repository', async t => {
  t.ok(commands.length > 20, `${commands.length} commands in ${files.length} files`)
  for (const { file, command } of commands) {
    const script = command.match(/^npm run ([\w:-]+)/)?.[1]
    if (script !== undefined) t.ok(script in manifest.scripts, `${file}: ${command}`)
    const install = command.match(/^npm (?:i|install)(?: -D)? (.*)$/)?.[1]
    if (install !== undefined) {
      for (const name of install.split(' ').filter(word => word.startsWith('@piopiy-webhooks/'))) t.ok(published.has(name), `${file}: ${name} is published from here`)
    }
  }
})

const run = promisify(execFile)
// as a user's shell runs it: no test loader, no coverage recording
const env = { ...process.env, NODE_OPTIONS: '', _TAPJS_PROCESSINFO_COVERAGE_: '0', PIOPIY_TOKEN: 'docs-secret', NO_COLOR: '1', npm_config_update_notifier: 'false' }
const cli = commands.filter(({ command }) => command.startsWith('npx piopiy-webhooks '))

t.test('every documented piopiy-webhooks command runs, literally, from a clone', async t => {
  t.ok(cli.length >= 10, `${cli.length} CLI commands`)
  const received: unknown[] = []
  const receiver = createReceiver({
    logger: { debug () {}, info () {}, warn () {}, error () {} },
    onNotification: n => { received.push(n) },
    onInvalid () {},
    // the answer and action URLs, for `send --kind answer|dtmf` and `call`: a menu, then goodbye
    onAnswer: (call, ctx) => { received.push(call); return pcmo().speak('Press 1').input({ actionUrl: `http://${String(ctx.headers.host)}/webhook/action`, maxDigit: 1 }) },
    onDtmf: input => { received.push(input); return pcmo().speak('Goodbye').hangup() }
  })
  const server = createServer((req, res) => {
    void receiver.handle({ method: req.method as string, path: req.url as string, headers: req.headers, rawBody: req }).then(answer => { res.writeHead(answer.status, answer.headers).end(answer.body) })
  }).listen(0, '127.0.0.1')
  await once(server, 'listening')
  t.teardown(() => { server.closeAllConnections(); server.close() })
  const port = (server.address() as AddressInfo).port
  // a folder inside the clone (node_modules is not part of it), holding the files the commands name
  await mkdir(join(root, 'node_modules', '.cache'), { recursive: true })
  const cwd = await mkdtemp(join(root, 'node_modules', '.cache', 'docs-cli-'))
  const sample = JSON.stringify(samples['piopiy.cdr.inbound.missed.leg-a'])
  for (const name of ['captured.json', 'captured.jsonl', 'rejected.jsonl']) await writeFile(join(cwd, name), `${sample}\n`)

  for (const { file, command } of cli) {
    const literal = command.replaceAll('127.0.0.1:3000', `127.0.0.1:${port}`).replace('--port 3000', '--port 0')
    if (/ listen\b/.test(command)) {
      const child = spawn('sh', ['-c', literal], { cwd, env, detached: true })
      let out = ''
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => { out += chunk })
      const exit = once(child, 'close')
      while (!/receiving on \S+\n/.test(out) && child.exitCode === null) await new Promise(resolve => setTimeout(resolve, 50))
      const url = (out.match(/receiving on (\S+)\n/) as RegExpMatchArray)[1] as string
      const answer = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: sample })
      t.equal(answer.status, 200, `${file}: ${command} receives`)
      process.kill(-(child.pid as number), 'SIGINT') // Ctrl+C: to the whole process group, as a terminal sends it
      await exit
      t.match(out, /stopped\.\n$/, `${file}: ${command} stops on Ctrl+C`)
      continue
    }
    const { stdout, stderr } = await run('sh', ['-c', literal], { cwd, env }).catch((err: { code: number, stdout: string, stderr: string }) => {
      t.fail(`${file}: ${command} exited ${err.code}: ${err.stderr}`)
      return err
    })
    t.match(stdout, /200 OK|200/, `${file}: ${command}`)
    t.equal(stderr.includes('warning'), false, `${file}: ${command} gives no warning`)
    if (command.includes('--kind samples')) t.notMatch(stdout, /duplicate/, `${file}: ${command}: no sample answers duplicate`)
    if (/ call | --kind answer/.test(command)) t.match(stdout, /speak +"Press 1"[\s\S]*input +up to 1 digit/, `${file}: ${command} prints the flow`)
    if (/ call /.test(command)) t.match(stdout, /speak +"Goodbye"[\s\S]*hangup/, `${file}: ${command} posts the digits and prints the next flow`)
  }
  t.ok(received.length > 20, `${received.length} notifications received`)
})
