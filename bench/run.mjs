// `npm run bench`: core (in-process), memory, start-up and HTTP, one after the other, then
// docs/benchmarks.md, docs/benchmarks.svg and docs/benchmarks.json from this one run (about 10 minutes).
// BENCH_ONLY=core,memory,startup,http runs a subset and prints the report instead of writing docs/.
import { spawn } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { fileURLToPath } from 'node:url'
import { runHttp } from './http.mjs'
import { machine, progress, ROOT } from './lib.mjs'
import { met, renderMarkdown, renderSvg } from './report.mjs'
import { runStartup } from './startup.mjs'

const SECTIONS = ['core', 'memory', 'startup', 'http']
const only = process.env.BENCH_ONLY?.split(',').map(s => s.trim())
const unknown = only?.filter(s => !SECTIONS.includes(s)) ?? []
if (unknown.length > 0) throw new Error(`BENCH_ONLY: unknown section(s) ${unknown.join(', ')} (known: ${SECTIONS.join(', ')})`)
const wanted = s => only === undefined || only.includes(s)

for (const pkg of ['core', 'fastify', 'express', 'koa', 'web']) {
  if (!existsSync(`${ROOT}/packages/${pkg}/dist/esm/index.js`)) throw new Error(`packages/${pkg} is not built: run npm run build first`)
}

/** Runs a bench script in its own process; its progress goes to stderr, its JSON result to stdout. */
function child (args) {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    proc.stdout.on('data', chunk => { out += chunk })
    proc.once('exit', code => code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`${args.join(' ')} exited with ${code}`)))
  })
}

const findingsPath = fileURLToPath(new URL('./findings.md', import.meta.url))
const findings = () => existsSync(findingsPath) ? readFileSync(findingsPath, 'utf8') : ''
function write (data) {
  writeFileSync(`${ROOT}/docs/benchmarks.md`, renderMarkdown(data, findings()))
  writeFileSync(`${ROOT}/docs/benchmarks.svg`, renderSvg(data.http.results))
  writeFileSync(`${ROOT}/docs/benchmarks.json`, JSON.stringify(data, null, 2) + '\n')
  progress('wrote docs/benchmarks.md, docs/benchmarks.svg, docs/benchmarks.json')
}
// `node bench/run.mjs --render`: the same run's docs again, from docs/benchmarks.json (after editing findings.md)
if (process.argv.includes('--render')) {
  write(JSON.parse(readFileSync(`${ROOT}/docs/benchmarks.json`, 'utf8')))
  process.exit(0)
}

const data = { machine: machine() }
progress(`bench on ${data.machine.cpu}, ${data.machine.cores} cores, Node ${data.machine.node}`)
if (wanted('core')) data.core = await child([fileURLToPath(new URL('./core.mjs', import.meta.url))])
if (wanted('memory')) data.memory = await child(['--expose-gc', fileURLToPath(new URL('./memory.mjs', import.meta.url))])
if (wanted('startup')) data.startup = runStartup()
if (wanted('http')) {
  data.http = await runHttp({ cores: data.machine.cores })
  for (const c of data.http.comparisons) {
    progress(`${c.id} (${c.kind}) CPU per request: ${c.cpu.median.toFixed(2)}× (IQR ${c.cpu.q1.toFixed(2)}–${c.cpu.q3.toFixed(2)}), target ${c.atLeast === undefined ? `≤ ${c.atMost}` : `≥ ${c.atLeast}`}: ${met(c.cpu, c) ? 'met' : 'missed'}`)
  }
}

data.machine.loadAverageAtEnd = os.loadavg()[0]
if (only !== undefined) process.stdout.write(renderMarkdown(data, findings()))
else write(data)
