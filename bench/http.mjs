// HTTP throughput: each server in its own child process, one at a time, loaded by autocannon over
// 127.0.0.1. Every round runs every configuration once, in pairs (bare, then adapter), and the medians
// of the rounds are reported.
import { spawn, spawnSync } from 'node:child_process'
import autocannon from 'autocannon'
import { envNumber, median, progress, SEED_TEXT } from './lib.mjs'

const SERVER = new URL('./server.mjs', import.meta.url).pathname
const SEED_UUID = '55348d77-c515-425d-b22c-f0c6ecd8d780'
const UUID_PREFIX = SEED_UUID.slice(0, 24)
if (!SEED_TEXT.includes(SEED_UUID)) throw new Error('the seed CDR no longer has the expected cmiuuid')

/** The configurations: `load` 'fresh' gives every request a new cmiuuid, 'duplicate' sends one cmiuuid throughout. */
export const CONFIGS = [
  { id: 'node', framework: 'node:http', variant: 'bare', server: 'node', load: 'fresh' },
  { id: 'fastify-bare', framework: 'fastify', variant: 'bare', server: 'fastify-bare', load: 'fresh' },
  { id: 'fastify-adapter', framework: 'fastify', variant: 'adapter', server: 'fastify-adapter', load: 'fresh' },
  { id: 'fastify-duplicate', framework: 'fastify', variant: 'duplicate', server: 'fastify-adapter', load: 'duplicate' },
  { id: 'express-bare', framework: 'express', variant: 'bare', server: 'express-bare', load: 'fresh' },
  { id: 'express-adapter', framework: 'express', variant: 'adapter', server: 'express-adapter', load: 'fresh' },
  { id: 'express-duplicate', framework: 'express', variant: 'duplicate', server: 'express-adapter', load: 'duplicate' },
  { id: 'koa-bare', framework: 'koa', variant: 'bare', server: 'koa-bare', load: 'fresh' },
  { id: 'koa-adapter', framework: 'koa', variant: 'adapter', server: 'koa-adapter', load: 'fresh' },
  { id: 'koa-duplicate', framework: 'koa', variant: 'duplicate', server: 'koa-adapter', load: 'duplicate' }
]

let counter = 0
/** The seed CDR with a cmiuuid of the same length: a fresh one per request, or one fixed per server process. */
const bodyWith = n => SEED_TEXT.replace(SEED_UUID, UUID_PREFIX + String(n).padStart(12, '0'))

/**
 * Both load modes build each request in setupRequest, so the load generator does the same work for every
 * server. `fixed` is the one body of the duplicate mode (the same for the warm-up and the measured run).
 */
function request (load, fixed) {
  return {
    method: 'POST',
    path: '/webhook/cdr',
    headers: { 'content-type': 'application/json' },
    setupRequest (req) {
      req.body = load === 'fresh' ? bodyWith(++counter) : fixed
      return req
    }
  }
}

function startServer (config, pin) {
  const args = [SERVER, config.server]
  const child = pin ? spawn('taskset', ['-c', '1', process.execPath, ...args], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] })
    : spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] })
  let stderr = ''
  child.stderr.on('data', chunk => { stderr += chunk })
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${config.server}: not ready after 20 s\n${stderr}`)), 20_000)
    child.once('message', message => {
      clearTimeout(timer)
      if (message.error !== undefined) reject(new Error(message.error))
      else resolve(message.port)
    })
    child.once('exit', code => { clearTimeout(timer); reject(new Error(`${config.server}: exited (${code})\n${stderr}`)) })
  })
  return { child, ready }
}

const ask = (child, message) => new Promise(resolve => { child.once('message', resolve); child.send(message) })

async function stopServer (child) {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise(resolve => child.once('exit', resolve))
  try { child.send('exit') } catch {}
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000)
  await exited
  clearTimeout(timer)
}

function load (port, mode, fixed, seconds, connections) {
  return autocannon({
    url: `http://127.0.0.1:${port}`,
    connections,
    pipelining: 1,
    duration: seconds,
    requests: [request(mode, fixed)]
  })
}

/** One configuration once: start its server, warm it up, measure, check what it saw, stop it. */
export async function runOnce (config, settings) {
  const { child, ready } = startServer(config, settings.pin)
  try {
    const port = await ready
    const fixed = bodyWith(++counter)
    await load(port, config.load, fixed, settings.warmup, settings.connections)
    const before = await ask(child, 'stats')
    const result = await load(port, config.load, fixed, settings.duration, settings.connections)
    const { calls, cpu } = await ask(child, 'stats')
    const answered = result['2xx'] + result.non2xx
    return {
      rps: result.requests.average,
      /** the server's CPU time (user + system) per answered request during the measured run, in µs */
      cpuPerRequest: (cpu.user + cpu.system - before.cpu.user - before.cpu.system) / answered,
      /** the part of it spent in the kernel (socket reads and writes) */
      systemPerRequest: (cpu.system - before.cpu.system) / answered,
      latencyP50: result.latency.p50,
      latencyP99: result.latency.p99,
      ok: result['2xx'],
      non2xx: result.non2xx,
      errors: result.errors + result.timeouts,
      calls
    }
  } finally {
    await stopServer(child)
  }
}

/** Whether `taskset` can put the servers on core 1 and this process (autocannon) on core 0. */
function pinning (cores) {
  if (process.env.BENCH_PIN === '0' || cores < 2) return false
  const self = spawnSync('taskset', ['-cp', '0', String(process.pid)], { stdio: 'ignore' })
  return self.status === 0
}

/** Rounds, durations and connections from the environment (BENCH_*), and whether servers are pinned. */
export function httpSettings (cores) {
  return {
    rounds: envNumber('BENCH_ROUNDS', 5),
    duration: envNumber('BENCH_DURATION', 4),
    warmup: envNumber('BENCH_WARMUP', 2),
    connections: envNumber('BENCH_CONNECTIONS', 32),
    pin: pinning(cores)
  }
}

export async function runHttp ({ cores }) {
  const settings = httpSettings(cores)
  const only = process.env.BENCH_HTTP?.split(',')
  const configs = CONFIGS.filter(c => only === undefined || only.includes(c.id) || only.includes(c.framework))
  const samples = Object.fromEntries(configs.map(c => [c.id, []]))
  const skipped = {}
  for (let round = 1; round <= settings.rounds; round++) {
    for (const config of configs) {
      if (skipped[config.server] !== undefined) continue
      try {
        const sample = await runOnce(config, settings)
        samples[config.id].push(sample)
        const bad = sample.non2xx + sample.errors
        progress(`http round ${round}/${settings.rounds} ${config.id.padEnd(18)} ${Math.round(sample.rps).toLocaleString('en-US').padStart(7)} req/s  ${sample.cpuPerRequest.toFixed(1).padStart(5)} µs CPU/req  p99 ${sample.latencyP99} ms${bad > 0 ? `  ${bad} non-2xx/errors` : ''}`)
      } catch (err) {
        skipped[config.server] = String(err.message).split('\n')[0]
        progress(`http ${config.id}: skipped (${skipped[config.server]})`)
      }
    }
  }
  const results = configs.filter(c => samples[c.id].length > 0).map(c => {
    const s = samples[c.id]
    return {
      ...c,
      rounds: s.map(x => Math.round(x.rps)),
      rps: median(s.map(x => x.rps)),
      cpuPerRequest: median(s.map(x => x.cpuPerRequest)),
      latencyP50: median(s.map(x => x.latencyP50)),
      latencyP99: median(s.map(x => x.latencyP99)),
      non2xx: s.reduce((sum, x) => sum + x.non2xx, 0),
      errors: s.reduce((sum, x) => sum + x.errors, 0),
      ok: s.reduce((sum, x) => sum + x.ok, 0),
      calls: s.map(x => x.calls)
    }
  })
  const skippedList = configs.filter(c => skipped[c.server] !== undefined).map(c => ({ id: c.id, reason: skipped[c.server] }))
  return { settings, results, skipped: skippedList }
}
