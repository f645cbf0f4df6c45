// `npm run bench:compare [-- <git ref, or the path of a built checkout>]` (default: main): this working tree
// against another build, measured as `npm run bench` measures. For each adapter server (BENCH_HTTP picks
// ids, frameworks), the other build's server and this tree's run in paired rounds; each round's ratio is this
// tree's CPU per request / the other's (below 1: this tree is cheaper). Then, in one process, parseNotification
// and receiver.handle of both builds in paired batches. A git ref is checked out with `git worktree` in the
// system's temp directory, linked to this tree's node_modules (same dependencies assumed) and built there.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, symlinkSync } from 'node:fs'
import os from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { bodyWith, configurations, httpSettings, pairedRatios, runRounds } from './http.mjs'
import { pairedBatches, progress, ROOT, SEED_BYTES, silentLogger } from './lib.mjs'

const run = (command, args, cwd) => {
  const result = spawnSync(command, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'] })
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed in ${cwd}`)
}

/** A built checkout of `ref`: the directory itself when it is one, else a git worktree of it, built. */
function prepare (ref) {
  if (existsSync(join(ref, 'packages', 'core'))) return resolve(ref)
  const dir = join(os.tmpdir(), `piopiy-bench-${ref.replace(/[^\w.-]/g, '_')}`)
  if (existsSync(dir)) run('git', ['worktree', 'remove', '--force', dir], ROOT)
  run('git', ['worktree', 'add', '--detach', dir, ref], ROOT)
  const modules = join(dir, 'node_modules')
  mkdirSync(join(modules, '@piopiy-webhooks'), { recursive: true })
  for (const entry of readdirSync(join(ROOT, 'node_modules'))) {
    if (entry !== '@piopiy-webhooks') symlinkSync(join(ROOT, 'node_modules', entry), join(modules, entry))
  }
  for (const pkg of readdirSync(join(dir, 'packages'))) symlinkSync(join(dir, 'packages', pkg), join(modules, '@piopiy-webhooks', pkg))
  progress(`compare: building ${ref} in ${dir}`)
  run('npm', ['run', 'build', '--silent'], dir)
  return dir
}

const ref = process.argv[2] ?? 'main'
const base = prepare(ref)
const settings = httpSettings(os.cpus().length)
const only = process.env.BENCH_HTTP?.split(',').map(s => s.trim())
const configs = configurations().filter(c => c.variant === 'adapter' && (only === undefined || only.includes(c.id) || only.includes(c.framework)))
const groups = new Map(configs.map(c => [c.id, [{ key: `${c.id}@${ref}`, config: c, tree: base }, { key: `${c.id}@work`, config: c }]]))
progress(`compare ${ref} (${base}) → this tree: ${configs.map(c => c.id).join(', ')}, ${settings.rounds} paired rounds of ${settings.duration} s`)
const samples = await runRounds(groups, settings, side => side.key.split('@')[1])

const fmt = n => n.toFixed(2)
const lines = [`this tree / ${ref}, per round (median, IQR; below 1.00 this tree is cheaper):`, '', '| measure | this tree / ' + ref + ' | IQR |', '|---|---:|---:|']
for (const c of configs.filter(c => samples[`${c.id}@work`] !== undefined && samples[`${c.id}@${ref}`] !== undefined)) {
  const cpu = pairedRatios(samples[`${c.id}@work`], samples[`${c.id}@${ref}`])
  lines.push(`| ${c.id}, server CPU per request | **${fmt(cpu.median)}×** | ${fmt(cpu.q1)}–${fmt(cpu.q3)} |`)
}

const load = dir => dir === undefined ? import('@piopiy-webhooks/core') : import(pathToFileURL(join(dir, 'packages/core/dist/esm/index.js')).href)
const [old, work] = await Promise.all([load(base), load(undefined)])
const FRESH = 1 << 14
const bodies = Array.from({ length: FRESH }, (_, i) => Buffer.from(bodyWith(i)))
/** receiver.handle of one build on prepared bodies, each once per receiver (a new receiver after the last): all fresh. */
const handler = core => {
  const make = () => core.createReceiver({ logger: silentLogger, onInboundAnswered: async () => {} })
  const headers = { 'content-type': 'application/json' }
  let receiver = make()
  let n = 0
  return () => {
    if (n === FRESH) { n = 0; receiver = make() }
    // an object literal, as the adapters build it (a spread of a template costs more than the receiver: see core.mjs)
    return receiver.handle({ method: 'POST', path: '/webhook/cdr', headers, ip: '127.0.0.1', rawBody: bodies[n++] })
  }
}
const parse = await pairedBatches(() => old.parseNotification(SEED_BYTES), () => work.parseNotification(SEED_BYTES))
lines.push(`| parseNotification, in-process CPU | **${fmt(parse.median)}×** | ${fmt(parse.q1)}–${fmt(parse.q3)} |`)
const oldHandle = handler(old)
const workHandle = handler(work)
// a batch of the old receiver awaited call by call, then the new one: the async form of pairedBatches for both sides
const handle = await pairedBatches(oldHandle, workHandle, { async: true, asyncA: true })
lines.push(`| receiver.handle, in-process CPU | **${fmt(handle.median)}×** | ${fmt(handle.q1)}–${fmt(handle.q3)} |`)
process.stdout.write(lines.join('\n') + '\n')
