// Webhook throughput: enqueueTo (200 once the job is in Redis) against the in-process callback.
// Runs on its own: `npm run build && node bench/bullmq.mjs`. Starts a redis-server (on PATH) on a
// free 127.0.0.1 port, and each server (Fastify + piopiyPlugin) in a child process, one at a time,
// in interleaved rounds; autocannon posts the seed CDR with a fresh cmiuuid per request.
// Settings: BENCH_DURATION (s, default 10), BENCH_WARMUP (s, 3), BENCH_CONNECTIONS (50), BENCH_ROUNDS (3).
import autocannon from 'autocannon'
import { fork, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { envNumber, machine, median, SEED_TEXT, silentLogger } from './lib.mjs'

const MODES = {
  'in-process callback': 'callback',
  'enqueueTo (BullMQ)': 'enqueue'
}

/** The child: a Fastify app with the webhook in one mode; answers 'count' with the jobs or calls so far. */
async function serve (mode, redisPort) {
  const { default: Fastify } = await import('fastify')
  const { piopiyPlugin } = await import('@piopiy-webhooks/fastify')
  const app = Fastify()
  let calls = 0
  let queue
  if (mode === 'enqueue') {
    const { Queue } = await import('bullmq')
    const { enqueueTo } = await import('@piopiy-webhooks/bullmq')
    queue = new Queue('bench', { connection: { host: '127.0.0.1', port: redisPort, enableOfflineQueue: false } })
    await queue.waitUntilReady()
    await app.register(piopiyPlugin, { ...enqueueTo(queue), logger: silentLogger })
  } else {
    await app.register(piopiyPlugin, { logger: silentLogger, onInboundAnswered: async () => { calls++ } })
  }
  await app.listen({ port: 0, host: '127.0.0.1' })
  process.on('message', async message => {
    if (message === 'count') process.send({ count: queue === undefined ? calls : await queue.count() + await queue.getCompletedCount() })
    else { await app.close(); await queue?.obliterate({ force: true }); await queue?.close(); process.exit(0) }
  })
  process.send({ port: app.server.address().port })
}

const freePort = () => new Promise((resolve, reject) => {
  const server = createServer()
  server.once('error', reject)
  server.listen(0, '127.0.0.1', () => { const { port } = server.address(); server.close(() => resolve(port)) })
})

async function startRedis () {
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'piopiy-bench-redis-'))
  const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: ['ignore', 'pipe', 'inherit'] })
  await new Promise((resolve, reject) => {
    let out = ''
    proc.once('error', reject)
    proc.once('exit', code => reject(new Error(`redis-server exited (${code}): is it installed? ${out}`)))
    proc.stdout.on('data', chunk => { out += chunk; if (out.includes('Ready to accept connections')) resolve() })
  })
  return { port, stop: () => { proc.kill('SIGKILL'); rmSync(dir, { recursive: true, force: true }) } }
}

const seed = JSON.parse(SEED_TEXT)
let counter = 0
const body = () => JSON.stringify({ ...seed, cmiuuid: `bench-${process.pid}-${++counter}` })

function load (port, seconds, connections) {
  return autocannon({
    url: `http://127.0.0.1:${port}/webhook/cdr`,
    method: 'POST',
    connections,
    pipelining: 1,
    duration: seconds,
    headers: { 'content-type': 'application/json' },
    requests: [{ setupRequest: request => ({ ...request, body: body() }) }]
  })
}

async function runOnce (mode, redisPort, settings) {
  const child = fork(fileURLToPath(import.meta.url), ['server', mode, String(redisPort)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const ask = message => new Promise(resolve => { child.once('message', resolve); child.send(message) })
  try {
    const { port } = await new Promise((resolve, reject) => { child.once('message', resolve); child.once('exit', code => reject(new Error(`server exited (${code})`))) })
    await load(port, settings.warmup, settings.connections)
    const before = (await ask('count')).count
    const result = await load(port, settings.duration, settings.connections)
    const after = (await ask('count')).count
    return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, ok: result['2xx'], non2xx: result.non2xx, errors: result.errors + result.timeouts, stored: after - before }
  } finally {
    const exited = new Promise(resolve => child.once('exit', resolve))
    child.send('exit')
    await exited
  }
}

async function main () {
  const settings = {
    duration: envNumber('BENCH_DURATION', 10),
    warmup: envNumber('BENCH_WARMUP', 3),
    connections: envNumber('BENCH_CONNECTIONS', 50),
    rounds: envNumber('BENCH_ROUNDS', 3)
  }
  const redis = await startRedis()
  try {
    const results = Object.fromEntries(Object.keys(MODES).map(name => [name, []]))
    for (let round = 1; round <= settings.rounds; round++) {
      for (const [name, mode] of Object.entries(MODES)) {
        const r = await runOnce(mode, redis.port, settings)
        process.stderr.write(`round ${round} ${name}: ${Math.round(r.rps)} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms, ${r.ok} × 2xx, ${r.stored} stored\n`)
        // autocannon stops counting at each deadline (warm-up and run) with requests in flight: the server may have done up to 2 × `connections` more
        if (r.non2xx + r.errors > 0 || r.stored < r.ok || r.stored > r.ok + 2 * settings.connections) throw new Error(`${name}: ${r.non2xx} non-2xx, ${r.errors} errors, ${r.stored} stored for ${r.ok} answers`)
        results[name].push(r)
      }
    }
    const m = machine()
    console.log(`${m.cpu}, ${m.cores} cores, Node ${m.node}, load average ${m.loadAverage.toFixed(1)} at start; ` +
      `Fastify + piopiyPlugin, seed CDR with a fresh cmiuuid per request, ${settings.connections} connections, ` +
      `${settings.rounds} interleaved rounds of ${settings.duration} s (medians); redis-server on 127.0.0.1, no persistence.\n`)
    console.log('| webhook | requests/s | p50 latency | p99 latency | per request |')
    console.log('|---|---|---|---|---|')
    for (const [name, runs] of Object.entries(results)) {
      console.log(`| ${name} | ${Math.round(median(runs.map(r => r.rps)))} | ${median(runs.map(r => r.p50))} ms | ${median(runs.map(r => r.p99))} ms | ${name.startsWith('enqueue') ? 'one job stored in Redis' : 'an async no-op callback'} |`)
    }
  } finally {
    redis.stop()
  }
}

if (process.argv[2] === 'server') await serve(process.argv[3], Number(process.argv[4]))
else await main()
