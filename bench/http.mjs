// HTTP: server CPU per request, bare route vs adapter, in paired, interleaved rounds.
// Each configuration has its own server process (pinned to CPU 1 with `taskset` when it can be; autocannon,
// in this process, on CPU 0). The servers of a group (a framework's, see bench/frameworks.mjs) all start
// first and stay up; then every round loads each of them once, one after the other (A B A B …), and the
// ratios are taken within each round, so that a busy moment of the machine hits both sides of a pair.
import { spawn, spawnSync } from 'node:child_process'
import { createHmac } from 'node:crypto'
import autocannon from 'autocannon'
import { FRAMEWORKS, OCTOKIT_SECRET, PEERS } from './frameworks.mjs'
import { envNumber, median, progress, quartiles, SEED_TEXT } from './lib.mjs'

const SERVER = new URL('./server.mjs', import.meta.url).pathname
const SEED_UUID = '55348d77-c515-425d-b22c-f0c6ecd8d780'
const UUID_PREFIX = SEED_UUID.slice(0, 24)
if (!SEED_TEXT.includes(SEED_UUID)) throw new Error('the seed CDR no longer has the expected cmiuuid')

/**
 * Every configuration, from the tables in bench/frameworks.mjs. `load` 'fresh' gives every request a new
 * cmiuuid; 'duplicate' sends one cmiuuid throughout (all requests but the first are duplicates).
 */
export function configurations (frameworks = FRAMEWORKS, peers = PEERS) {
  const out = []
  for (const f of frameworks) {
    const group = f.group ?? f.framework
    out.push({ id: f.bare, framework: f.framework, variant: 'bare', server: f.bare, load: 'fresh', group })
    out.push({ id: f.adapter, framework: f.framework, variant: 'adapter', server: f.adapter, load: 'fresh', group })
    out.push({ id: `${f.framework}-duplicate`, framework: f.framework, variant: 'duplicate', server: f.adapter, load: 'duplicate', group })
  }
  for (const p of peers) out.push({ id: p.id, framework: p.id, variant: 'peer', server: p.id, load: 'fresh', group: p.group, label: p.label })
  return out
}

let counter = 0
/** The seed CDR with a cmiuuid of the same length: a fresh one per request, or one fixed per server process. */
export const bodyWith = n => SEED_TEXT.replace(SEED_UUID, UUID_PREFIX + String(n).padStart(12, '0'))
const sign = body => `sha256=${createHmac('sha256', OCTOKIT_SECRET).update(body).digest('hex')}`

/**
 * Every load builds each request in setupRequest, so the load generator does the same work for every
 * server; the octokit server also gets GitHub's headers and the body's HMAC (computed here, not in the server).
 */
function request (config, fixed) {
  const headers = { 'content-type': 'application/json' }
  const octokit = config.server === 'octokit'
  return {
    method: 'POST',
    path: '/webhook/cdr',
    headers,
    setupRequest (req) {
      req.body = config.load === 'fresh' ? bodyWith(++counter) : fixed
      if (octokit) req.headers = { ...headers, 'x-github-event': 'ping', 'x-github-delivery': String(counter), 'x-hub-signature-256': sign(req.body) }
      return req
    }
  }
}

/** Starts one server process; `tree` loads the packages of another checkout (bench:compare). */
export function startServer (config, { pin, tree }) {
  const args = [SERVER, config.server]
  const env = tree === undefined ? process.env : { ...process.env, BENCH_TREE: tree }
  const options = { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], env }
  const child = pin ? spawn('taskset', ['-c', '1', process.execPath, ...args], options) : spawn(process.execPath, args, options)
  let stderr = ''
  child.stderr.on('data', chunk => { stderr += chunk })
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${config.server}: not ready after 20 s\n${stderr}`)), 20_000)
    child.once('message', message => {
      clearTimeout(timer)
      if (message.error !== undefined) reject(new Error(message.error))
      else resolve({ child, port: message.port, config, fixed: bodyWith(++counter) })
    })
    child.once('exit', code => { clearTimeout(timer); reject(new Error(`${config.server}: exited (${code})\n${stderr}`)) })
  })
  ready.catch(() => stopServer(child))
  return ready
}

const ask = (child, message) => new Promise(resolve => { child.once('message', resolve); child.send(message) })

export async function stopServer (child) {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise(resolve => child.once('exit', resolve))
  try { child.send('exit') } catch {}
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000)
  await exited
  clearTimeout(timer)
}

/** Loads a running server for `seconds` and returns what it cost the server per request answered. */
export async function measure (server, seconds, connections) {
  const before = await ask(server.child, 'stats')
  const result = await autocannon({ url: `http://127.0.0.1:${server.port}`, connections, pipelining: 1, duration: seconds, requests: [request(server.config, server.fixed)] })
  const after = await ask(server.child, 'stats')
  const answered = result['2xx'] + result.non2xx
  return {
    rps: answered / seconds,
    /** the server's CPU time (user + system) per answered request, in µs */
    cpuPerRequest: (after.cpu.user + after.cpu.system - before.cpu.user - before.cpu.system) / answered,
    /** the part of it spent in the kernel (socket reads and writes) */
    systemPerRequest: (after.cpu.system - before.cpu.system) / answered,
    /**
     * minor page faults per 1,000 answered requests: memory the server touched for the first time (its heap
     * growing, pages the GC gave back and took again). A count, not a time: a busy machine does not stretch it
     * the way it stretches CPU time (though it can move it), and a process whose count is high pays for it in CPU
     * (bench/findings.md, "Seventh round")
     */
    faultsPerThousand: (after.ru.minorPageFault - before.ru.minorPageFault) * 1000 / answered,
    latencyP99: result.latency.p99,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    calls: after.calls - before.calls
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
    rounds: envNumber('BENCH_ROUNDS', 20),
    duration: envNumber('BENCH_DURATION', 1),
    warmup: envNumber('BENCH_WARMUP', 2),
    connections: envNumber('BENCH_CONNECTIONS', 32),
    pin: pinning(cores)
  }
}

/** Seconds a run of these configurations takes, roughly (per sample: the load plus ~0.3 s around it). */
export const estimateSeconds = (configs, s) => configs.length * (s.warmup + 1 + s.rounds * (s.duration + 0.3))

/**
 * Runs groups of servers in paired rounds. `sides` lists the servers of each group, each `{ key, config,
 * tree }`; returns every sample, by key, in round order. A server that does not start is left out (and said so).
 */
export async function runRounds (groups, settings, label = s => s.key) {
  const samples = {}
  for (const [group, sides] of groups) {
    const servers = []
    const running = []
    try {
      for (const side of sides) {
        let server
        try {
          server = await startServer(side.config, { pin: settings.pin, tree: side.tree })
        } catch (err) { // e.g. an adapter that does not exist yet in the build compared with: left out, said so
          progress(`http ${side.key}: skipped (${String(err.message).split('\n')[0]})`)
          continue
        }
        servers.push(server)
        running.push(side)
        await measure(server, settings.warmup, settings.connections) // warm-up: JIT, caches, the store's first keys
        samples[side.key] = []
      }
      for (let round = 1; round <= settings.rounds; round++) {
        const line = []
        for (const [i, side] of running.entries()) {
          const sample = await measure(servers[i], settings.duration, settings.connections)
          samples[side.key].push(sample)
          const bad = sample.non2xx + sample.errors
          line.push(`${label(side)} ${sample.cpuPerRequest.toFixed(1)} µs${bad > 0 ? ` (${bad} non-2xx/errors)` : ''}`)
        }
        progress(`http ${group} ${round}/${settings.rounds}: ${line.join(', ')}`)
      }
    } finally {
      await Promise.all(servers.map(s => stopServer(s.child)))
    }
  }
  return samples
}

/** Median and quartiles of per-round ratios `a[i] / b[i]` of one field. */
export function pairedRatios (a, b, field = 'cpuPerRequest') {
  const ratios = a.map((x, i) => x[field] / b[i][field])
  const [q1, mid, q3] = quartiles(ratios)
  return { median: mid, q1, q3, ratios }
}

/** A server's figures over its rounds: medians of the per-round measures, sums of the counts. */
export const summary = (config, s) => ({
  ...config,
  rounds: s.length,
  cpuPerRequest: median(s.map(x => x.cpuPerRequest)),
  systemPerRequest: median(s.map(x => x.systemPerRequest)),
  faultsPerThousand: median(s.map(x => x.faultsPerThousand)),
  rps: median(s.map(x => x.rps)),
  latencyP99: median(s.map(x => x.latencyP99)),
  ok: s.reduce((sum, x) => sum + x.ok, 0),
  non2xx: s.reduce((sum, x) => sum + x.non2xx, 0),
  errors: s.reduce((sum, x) => sum + x.errors, 0),
  calls: s.reduce((sum, x) => sum + x.calls, 0)
})

/** The comparisons of bench/frameworks.mjs over the samples that exist: adapter vs bare, adapter vs peer. */
export function comparisons (samples, frameworks = FRAMEWORKS, peers = PEERS) {
  const out = []
  for (const f of frameworks) {
    const bare = samples[f.bare]
    const adapter = samples[f.adapter]
    const duplicate = samples[`${f.framework}-duplicate`]
    if (bare === undefined || adapter === undefined) continue
    out.push({ id: f.framework, kind: 'bare/adapter', cpu: pairedRatios(bare, adapter), rps: pairedRatios(adapter, bare, 'rps'), atLeast: f.target, duplicate: duplicate === undefined ? undefined : pairedRatios(bare, duplicate) })
  }
  for (const p of peers) {
    if (p.compare === undefined || samples[p.id] === undefined || samples[p.compare.adapter] === undefined) continue
    out.push({ id: `${p.compare.adapter}/${p.id}`, kind: 'adapter/peer', cpu: pairedRatios(samples[p.compare.adapter], samples[p.id]), rps: pairedRatios(samples[p.id], samples[p.compare.adapter], 'rps'), atMost: p.compare.atMost })
  }
  return out
}

/** `npm run bench`'s HTTP part: every configuration (or those BENCH_HTTP names: ids, frameworks or groups). */
export async function runHttp ({ cores }) {
  const settings = httpSettings(cores)
  const only = process.env.BENCH_HTTP?.split(',').map(s => s.trim())
  const configs = configurations().filter(c => only === undefined || only.includes(c.id) || only.includes(c.framework) || only.includes(c.group))
  const groups = new Map()
  for (const c of configs) groups.set(c.group, [...(groups.get(c.group) ?? []), { key: c.id, config: c }])
  progress(`http: ${configs.length} servers in ${groups.size} groups, ${settings.rounds} rounds of ${settings.duration} s each, about ${Math.ceil(estimateSeconds(configs, settings) / 60)} min`)
  const samples = await runRounds(groups, settings)
  const results = configs.filter(c => samples[c.id] !== undefined).map(c => summary(c, samples[c.id]))
  return { settings, results, comparisons: comparisons(samples) }
}
