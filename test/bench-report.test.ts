/**
 * bench/report.mjs turns one benchmark run into docs/benchmarks.md and its SVG chart. These tests feed
 * it fixed numbers (no benchmark runs here, and nothing is timed) and check what it writes.
 */
import t from 'tap'
import { niceStep, ratios, renderMarkdown, renderSvg, type BenchData, type HttpResult } from '../bench/report.mjs'

const result = (framework: string, variant: HttpResult['variant'], rps: number, cpuPerRequest: number): HttpResult => ({
  id: `${framework}-${variant}`, framework, variant, rps, cpuPerRequest, latencyP50: 1, latencyP99: 5,
  rounds: [rps], ok: rps * 4, non2xx: 0, errors: 0, calls: [variant === 'duplicate' ? 1 : rps * 4]
})

const results: HttpResult[] = [
  result('node:http', 'bare', 20_000, 35),
  result('fastify', 'bare', 18_000, 40),
  result('fastify', 'adapter', 9_000, 80),
  result('fastify', 'duplicate', 12_000, 60),
  result('express', 'bare', 5_000, 180),
  result('express', 'adapter', 5_000, 170),
  result('koa', 'bare', 10_000, 60),
  result('koa', 'adapter', 9_600, 62)
]

const data: BenchData = {
  machine: { cpu: 'Test CPU <x>', cores: 2, memoryGiB: 8, os: 'Linux', node: 'v20.0.0', date: '2026-01-02T03:04:05.000Z', loadAverage: 0.5, loadAverageAtEnd: 0.75 },
  http: { settings: { rounds: 3, duration: 4, warmup: 2, connections: 32, pin: true }, results, skipped: [] },
  core: [
    { name: 'JSON.parse (bytes → string → JSON.parse)', ns: 1000 },
    { name: 'parseNotification (bytes)', ns: 2500 },
    { name: 'receiver.handle, fresh cmiuuid', ns: 12_000 }
  ],
  memory: { keys: 1_000_000, keyLength: 67, bytesPerKey: 147.2, heapMiB: 140.4, fillNsPerKey: 5000 },
  startup: [
    { name: '@piopiy-webhooks/core', framework: null, frameworkImportMs: 0, importMs: 300, createMs: 0.8 },
    { name: '@piopiy-webhooks/fastify', framework: 'fastify', frameworkImportMs: 200, importMs: 310, createMs: 40 }
  ]
}

t.test('ratios: adapter/bare per framework against its target (Express needs 1.0×)', async t => {
  const byName = Object.fromEntries(ratios(results).map(r => [r.framework, r]))
  t.same(Object.keys(byName), ['fastify', 'express', 'koa'], 'node:http has no adapter, so no ratio')
  t.equal(byName.fastify?.ratio, 0.5)
  t.equal(byName.fastify?.met, false)
  t.equal(byName.fastify?.duplicateRatio, 12_000 / 18_000)
  t.equal(byName.fastify?.cpuRatio, 0.5, 'bare CPU / adapter CPU')
  t.equal(byName.express?.ratio, 1)
  t.equal(byName.express?.met, true, 'exactly 1.0× meets ≥ 1.0×')
  t.equal(byName.express?.duplicateRatio, undefined)
  t.equal(byName.koa?.ratio, 0.96)
  t.equal(byName.koa?.met, true)
})

t.test('niceStep picks round axis steps', async t => {
  t.equal(niceStep(14_490), 5000)
  t.equal(niceStep(1000), 200)
  t.equal(niceStep(30_000), 10_000)
  t.equal(niceStep(12), 2.5)
})

t.test('the SVG chart: well-formed, one bar per result, heights proportional to req/s', async t => {
  const svg = renderSvg(results)
  t.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" [^>]*>/)
  t.ok(svg.trimEnd().endsWith('</svg>'))
  const bars = [...svg.matchAll(/<rect x="[\d.]+" y="([\d.]+)" width="[\d.]+" height="([\d.]+)" fill="[^"]+"><title>([^<]+)<\/title><\/rect>/g)]
  t.equal(bars.length, results.length, 'one bar per configuration')
  const height = (title: string): number => Number(bars.find(b => b[3]?.startsWith(title))?.[2])
  t.equal(height('fastify bare route').toFixed(1), (2 * height('fastify adapter, fresh')).toFixed(1), 'twice the req/s, twice the height')
  t.ok(height('node:http') > height('fastify bare route'))
  t.match(svg, />20,000</, 'the axis reaches the tallest bar')
  for (const framework of ['node:http', 'fastify', 'express', 'koa']) t.match(svg, `font-weight="bold">${framework}</text>`)
  const opened = (svg.match(/<text\b/g) ?? []).length
  t.equal((svg.match(/<\/text>/g) ?? []).length, opened, 'every text element is closed')
  t.notMatch(renderSvg([result('a<b', 'bare', 1, 1)]), /a<b/, 'labels are escaped')
  t.match(renderSvg([]), /<\/svg>/, 'no results: an empty chart, not a crash')
})

t.test('the markdown: machine, verdicts from the numbers, every section, the findings', async t => {
  const md = renderMarkdown(data, '## What we found\n\nhand-written text\n')
  t.match(md, /^# Benchmarks\n/)
  t.match(md, '| CPU | Test CPU <x> |')
  t.match(md, '| cores | 2 |')
  t.match(md, '| Node | v20.0.0 |')
  t.match(md, '| load average (1 min) at start → end | 0.50 → 0.75')
  t.match(md, '| fastify | 18,000 | 9,000 | **0.50×** | ≥ 0.95×: **missed** | 12,000 | 0.67× | 40.0 → 80.0 µs |')
  t.match(md, '| express | 5,000 | 5,000 | **1.00×** | ≥ 1.00×: **met** | – | – |')
  t.match(md, '| koa | 10,000 | 9,600 | **0.96×** | ≥ 0.95×: **met** |')
  t.match(md, '| node:http (ceiling')
  t.match(md, '![req/s per framework: bare route, adapter, adapter with duplicates](benchmarks.svg)')
  t.match(md, 'servers pinned to CPU 1')
  t.match(md, '**parseNotification / JSON.parse of the same bytes: 2.50×** (target ≤ 1.5×: **missed**)')
  t.match(md, '| receiver.handle, fresh cmiuuid | 12.0 µs | 12.00× |')
  t.match(md, '**147 bytes per key** (140 MiB in all; target ≤ 250: **met**)')
  t.match(md, '| @piopiy-webhooks/core | – | 300 ms | 0.8 ms |')
  t.match(md, '| @piopiy-webhooks/fastify | 200 ms | 310 ms | 40.0 ms |')
  t.ok(md.endsWith('## What we found\n\nhand-written text\n'))
})

t.test('the markdown says which adapters were not measured, and leaves out sections not run', async t => {
  const partial: BenchData = {
    machine: data.machine,
    http: { settings: { rounds: 1, duration: 1, warmup: 1, connections: 8, pin: false }, results: results.filter(r => r.framework !== 'koa'), skipped: [{ id: 'koa-adapter', reason: 'no piopiyMiddleware yet' }] }
  }
  const md = renderMarkdown(partial)
  t.match(md, 'Not measured in this run: koa (no piopiyMiddleware yet).')
  t.notMatch(md, 'pinned')
  t.notMatch(md, '## Core')
  t.notMatch(md, '## Memory')
  t.notMatch(md, '## Start-up')
  const { loadAverage, loadAverageAtEnd, ...machine } = data.machine
  const memoryOnly = renderMarkdown({ machine, memory: { ...data.memory!, bytesPerKey: 300 } })
  t.match(memoryOnly, 'target ≤ 250: **missed**')
  t.notMatch(memoryOnly, 'load average')
})

t.test('a framework missing without a recorded reason, and a ratio that is not a number', async t => {
  const noKoa = renderMarkdown({ machine: data.machine, http: { settings: data.http!.settings, results: results.filter(r => r.framework !== 'koa'), skipped: [] } })
  t.match(noKoa, 'Not measured in this run: koa.\n', 'no reasons in parentheses when none was recorded')
  // a server that answered nothing in a round has no CPU per request (0 / 0): written n/a, not NaN
  const idle = results.map(r => r.id === 'express-adapter' ? { ...r, cpuPerRequest: Number.NaN } : r)
  const md = renderMarkdown({ machine: data.machine, http: { settings: data.http!.settings, results: idle, skipped: [] } })
  t.match(md, '| express | 5,000 | 5,000 | **1.00×** | ≥ 1.00×: **met** | – | – | 180.0 → n/a µs |')
  t.match(md, 'express n/a×')
  t.notMatch(md, 'NaN')
})
