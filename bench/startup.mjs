// Start-up: in a fresh process each time, the CPU (and wall) time of importing each adapter (its framework
// is imported first and measured apart) and of creating the receiver. Medians of several processes.
import { execFileSync } from 'node:child_process'
import { envNumber, median, progress, ROOT } from './lib.mjs'

const silent = '{ debug () {}, info () {}, warn () {}, error () {} }'
const TARGETS = [
  { name: '@piopiy-webhooks/core', framework: null, create: `m.createReceiver({ logger: ${silent}, onInboundAnswered: async () => {} })` },
  // Fastify's own start-up goes with the framework's import: a first instance booted empty (its boot code loaded and
  // compiled), then the instance for the plugin; create is register() + ready() of that one
  { name: '@piopiy-webhooks/fastify', framework: 'fastify', setup: 'await f.default({ logger: false }).ready(); const app = f.default({ logger: false })', create: 'await app.register(m.piopiyPlugin, { onInboundAnswered: async () => {} }).ready()' },
  { name: '@piopiy-webhooks/express', framework: 'express', create: `f.default().use(m.piopiyMiddleware({ logger: ${silent}, onInboundAnswered: async () => {} }))` },
  { name: '@piopiy-webhooks/koa', framework: 'koa', create: `new f.default().use(m.piopiyMiddleware({ logger: ${silent}, onInboundAnswered: async () => {} }))` },
  // the web adapter on Hono, mounted as its README mounts it (Hono's import is the framework's)
  { name: '@piopiy-webhooks/web', framework: 'hono', create: `const handle = m.piopiyHandler({ logger: ${silent}, onInboundAnswered: async () => {} }); new f.Hono().use((c, next) => handle.matches(c.req.path) ? handle(c.req.raw, c) : next())` }
]

const script = target => `
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000 }
const c0 = cpu(), t0 = performance.now()
const f = ${target.framework === null ? 'null' : `await import('${target.framework}')`}
${target.setup ?? ''}
const c1 = cpu(), t1 = performance.now()
const m = await import('${target.name}')
const c2 = cpu(), t2 = performance.now()
${target.create}
const c3 = cpu(), t3 = performance.now()
console.log(JSON.stringify({ framework: t1 - t0, adapter: t2 - t1, create: t3 - t2, frameworkCpu: c1 - c0, adapterCpu: c2 - c1, createCpu: c3 - c2 }))`

export function runStartup () {
  const runs = envNumber('BENCH_STARTUP_RUNS', 9)
  const results = []
  for (const target of TARGETS) {
    const samples = []
    try {
      for (let i = 0; i < runs; i++) {
        const out = execFileSync(process.execPath, ['--input-type=module', '-e', script(target)], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
        samples.push(JSON.parse(out.trim().split('\n').pop()))
      }
    } catch (err) {
      progress(`startup ${target.name}: skipped (${String(err.stderr ?? err.message).trim().split('\n').find(l => /Error/.test(l)) ?? 'failed'})`)
      continue
    }
    const at = key => median(samples.map(s => s[key]))
    const result = {
      name: target.name,
      framework: target.framework,
      frameworkImportMs: at('framework'),
      frameworkImportCpuMs: at('frameworkCpu'),
      importMs: at('adapter'),
      importCpuMs: at('adapterCpu'),
      createMs: at('create'),
      createCpuMs: at('createCpu')
    }
    results.push(result)
    progress(`startup ${target.name}: import ${result.importCpuMs.toFixed(1)} ms CPU (${result.importMs.toFixed(1)} ms wall), create ${result.createCpuMs.toFixed(1)} ms CPU`)
  }
  return results
}
