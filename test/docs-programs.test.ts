/**
 * The documentation snippets that are whole programs run, as written: each server snippet (it calls
 * `.listen(` or `Bun.serve`/`Deno.serve`) is started with tsx, on a free port of 127.0.0.1, and must
 * answer a documented CDR `200` and its copy "duplicate" (the receiver marks a CDR done only once its
 * callback succeeded); each snippet that is a test (it uses tap) must exit 0 without a failing
 * assertion. What a snippet leaves to the reader's app is made real by helpers/doc-runtime.mjs.
 */
import { inboundAnsweredCdr } from '@piopiy-webhooks/testing'
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import t from 'tap'
import { root } from './helpers/doc-files.js'
import { snippets, writeSnippetProject, type Snippet } from './helpers/doc-snippets.js'

t.setTimeout(300_000)
const TOKEN = 'docs-secret'
/** How long a program may take to start (or a test program to finish) before it fails. */
const START_MS = 60_000

const servers = (code: string): number => code.replace(/\/\/ .*$/gm, '').match(/\.listen\(|\b(?:Bun|Deno)\.serve\(/g)?.length ?? 0
const isTest = (code: string): boolean => /from 'tap'|^t\.|\bt\.same\(/m.test(code)
const programs = snippets.filter(s => !s.fragment && (servers(s.code) > 0 || isTest(s.code)))

interface Run { readonly ports: number[], readonly output: () => string, readonly exited: Promise<number | null>, stop (): void }

/** Starts a snippet with tsx and the runtime; resolves once it listens `want` times (or has exited). */
async function start (dir: string, snippet: Snippet, want: number): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '', _TAPJS_PROCESSINFO_COVERAGE_: '0', PIOPIY_TOKEN: TOKEN, DOCS_SNIPPET_UNREF: want === 0 ? '1' : '0' }
  for (const name of Object.keys(env)) if (/^TAP/.test(name)) delete env[name]
  const child = spawn(process.execPath, ['--conditions=@piopiy-webhooks/source', '--import', 'tsx', '--import', join(root, 'test/helpers/doc-runtime.mjs'), join('src', snippet.name)], { cwd: dir, env })
  let output = ''
  const ports: number[] = []
  const exited = new Promise<number | null>(resolve => child.once('exit', code => { resolve(code) }))
  await new Promise<void>(resolve => {
    const timer = setTimeout(resolve, START_MS)
    const read = (chunk: Buffer): void => {
      output += chunk.toString()
      for (const [, port] of output.matchAll(/@@snippet listening (\d+)/g)) if (!ports.includes(Number(port))) ports.push(Number(port))
      if (want > 0 && ports.length >= want) { clearTimeout(timer); resolve() }
    }
    child.stdout.on('data', read)
    child.stderr.on('data', read)
    void exited.then(() => { clearTimeout(timer); resolve() })
  })
  return { ports, output: () => output, exited, stop: () => { child.kill() } }
}

t.test('the documentation has runnable programs', async t => {
  const where = programs.map(s => `${s.file} #${s.index}`)
  t.ok(programs.filter(s => servers(s.code) > 0).length >= 8, `programs: ${where.join(', ')}`)
  t.ok(programs.filter(s => isTest(s.code)).length >= 2, 'tests among them')
})

t.test('every program of the docs runs', async t => {
  const dir = await writeSnippetProject()
  const body = JSON.stringify(inboundAnsweredCdr())
  for (const snippet of programs) {
    await t.test(`${snippet.file} #${snippet.index} (${snippet.name})`, async t => {
      const test = isTest(snippet.code)
      const run = await start(dir, snippet, test ? 0 : servers(snippet.code))
      t.teardown(run.stop)
      if (test) {
        t.equal(await Promise.race([run.exited, new Promise(resolve => setTimeout(resolve, START_MS, 'still running'))]), 0, 'the test exits 0')
        t.notMatch(run.output(), /^\s*not ok /m, 'no failing assertion')
        t.match(run.output(), /^\s*ok \d+ /m, 'it asserted something')
        return
      }
      t.equal(run.ports.length, servers(snippet.code), `it listens (output: ${run.output().slice(-2000)})`)
      for (const port of run.ports) {
        const post = async (): Promise<string> => {
          const response = await fetch(`http://127.0.0.1:${port}/webhook/cdr?token=${TOKEN}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
          return `${response.status} ${await response.text()}`
        }
        t.equal(await post(), '200 {"ok":true}', `port ${port}: the CDR is received`)
        t.equal(await post(), '200 {"ok":true,"duplicate":true}', `port ${port}: its callback succeeded, so the copy is a duplicate`)
      }
    })
  }
})
