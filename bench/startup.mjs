// Start-up: in a fresh process each time, how long importing each adapter takes (its framework is
// imported first and timed apart) and how long creating the receiver takes. Medians of several processes.
import { execFileSync } from 'node:child_process'
import { envNumber, median, progress, ROOT } from './lib.mjs'

const silent = '{ debug () {}, info () {}, warn () {}, error () {} }'
const TARGETS = [
  { name: '@piopiy-webhooks/core', framework: null, create: `m.createReceiver({ logger: ${silent}, onInboundAnswered: async () => {} })` },
  { name: '@piopiy-webhooks/fastify', framework: 'fastify', create: `await f.default({ logger: false }).register(m.piopiyPlugin, { onInboundAnswered: async () => {} }).ready()` },
  { name: '@piopiy-webhooks/express', framework: 'express', create: `f.default().use(m.piopiyMiddleware({ logger: ${silent}, onInboundAnswered: async () => {} }))` },
  { name: '@piopiy-webhooks/koa', framework: 'koa', create: `new f.default().use(m.piopiyMiddleware({ logger: ${silent}, onInboundAnswered: async () => {} }))` }
]

const script = target => `
const t0 = performance.now()
const f = ${target.framework === null ? 'null' : `await import('${target.framework}')`}
const t1 = performance.now()
const m = await import('${target.name}')
const t2 = performance.now()
${target.create}
const t3 = performance.now()
console.log(JSON.stringify({ framework: t1 - t0, adapter: t2 - t1, create: t3 - t2 }))`

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
    const result = {
      name: target.name,
      framework: target.framework,
      frameworkImportMs: median(samples.map(s => s.framework)),
      importMs: median(samples.map(s => s.adapter)),
      createMs: median(samples.map(s => s.create))
    }
    results.push(result)
    progress(`startup ${target.name}: import ${result.importMs.toFixed(1)} ms, create ${result.createMs.toFixed(1)} ms`)
  }
  return results
}
