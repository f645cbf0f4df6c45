/**
 * bench/report.mjs turns one benchmark run into docs/benchmarks.md and its SVG chart. These tests feed
 * it fixed numbers (no benchmark runs here, and nothing is timed) and check what it writes.
 */
import t from 'tap'
import { met, niceStep, renderMarkdown, renderSvg, type BenchData, type Comparison, type HttpResult } from '../bench/report.mjs'

const result = (id: string, framework: string, variant: HttpResult['variant'], rps: number, cpuPerRequest: number): HttpResult => ({
  id, framework, variant, rps, cpuPerRequest, systemPerRequest: cpuPerRequest / 4, latencyP99: 5,
  rounds: 3, ok: rps * 3, non2xx: 0, errors: 0, calls: variant === 'duplicate' ? 0 : rps * 3
})

const results: HttpResult[] = [
  { ...result('fastify-bare', 'fastify', 'bare', 18_000, 40), faultsPerThousand: 51.4 },
  result('fastify-adapter', 'fastify', 'adapter', 9_000, 80),
  result('fastify-duplicate', 'fastify', 'duplicate', 12_000, 60),
  result('express-bare', 'express', 'bare', 5_000, 180),
  result('express-adapter', 'express', 'adapter', 5_000, 150),
  result('koa-bare', 'koa', 'bare', 10_000, 60),
  result('koa-adapter', 'koa', 'adapter', 9_600, 62),
  result('hono-bare', 'hono', 'bare', 14_000, 45),
  result('hono-adapter', 'hono', 'adapter', 8_000, 90),
  result('node', 'node', 'peer', 20_000, 35),
  result('octokit', 'octokit', 'peer', 12_000, 50)
]

const ratio = (median: number, q1: number, q3: number) => ({ median, q1, q3, ratios: [q1, median, q3] })
const comparisons: Comparison[] = [
  { id: 'fastify', kind: 'bare/adapter', cpu: ratio(0.5, 0.45, 0.55), rps: ratio(0.5, 0.5, 0.5), atLeast: 0.8, duplicate: ratio(0.66, 0.6, 0.7) },
  { id: 'express', kind: 'bare/adapter', cpu: ratio(1.2, 1.1, 1.3), rps: ratio(1, 1, 1), atLeast: 1.15 },
  { id: 'koa', kind: 'bare/adapter', cpu: ratio(0.95, 0.9, 0.99), rps: ratio(0.96, 0.9, 1), atLeast: 0.95 },
  { id: 'hono', kind: 'bare/adapter', cpu: ratio(0.5, 0.48, 0.52), rps: ratio(0.57, 0.55, 0.6), atLeast: 0.8 },
  { id: 'fastify-adapter/octokit', kind: 'adapter/peer', cpu: ratio(1.6, 1.5, 1.7), rps: ratio(0.75, 0.7, 0.8), atMost: 0.8 }
]

const data: BenchData = {
  machine: { cpu: 'Test CPU <x>', cores: 2, memoryGiB: 8, os: 'Linux', node: 'v20.0.0', date: '2026-01-02T03:04:05.000Z', loadAverage: 0.5, loadAverageAtEnd: 0.75 },
  http: { settings: { rounds: 3, duration: 1, warmup: 2, connections: 32, pin: true }, results, comparisons },
  core: {
    cases: [{ name: 'JSON.parse (bytes → string → JSON.parse)', ns: 1000 }, { name: 'parseNotification (bytes)', ns: 2500 }, { name: 'receiver.handle, fresh cmiuuid', ns: 12_000 }],
    ratios: [{ name: 'parseNotification / JSON.parse', median: 1.75, q1: 1.7, q3: 1.8, atMost: 1.8 }, { name: 'receiver.handle / JSON.parse', median: 3.5, q1: 3.2, q3: 3.9, atMost: 3 }]
  },
  memory: { keys: 1_000_000, keyLength: 67, bytesPerKey: 147.2, heapMiB: 140.4, fillNsPerKey: 5000 },
  startup: [
    { name: '@piopiy-webhooks/core', framework: null, frameworkImportMs: 0, frameworkImportCpuMs: 0, importMs: 40, importCpuMs: 30, createMs: 0.8, createCpuMs: 0.7 },
    { name: '@piopiy-webhooks/fastify', framework: 'fastify', frameworkImportMs: 200, frameworkImportCpuMs: 150, importMs: 60, importCpuMs: 45, createMs: 40, createCpuMs: 30 }
  ]
}

t.test('met: a median against an at-least or an at-most target, the limit itself included', async t => {
  t.equal(met({ median: 0.8, q1: 0, q3: 1 }, { atLeast: 0.8 }), true)
  t.equal(met({ median: 0.79, q1: 0, q3: 1 }, { atLeast: 0.8 }), false)
  t.equal(met({ median: 0.8, q1: 0, q3: 1 }, { atMost: 0.8 }), true)
  t.equal(met({ median: 0.81, q1: 0, q3: 1 }, { atMost: 0.8 }), false)
})

t.test('niceStep picks round axis steps', async t => {
  t.equal(niceStep(14_490), 5000)
  t.equal(niceStep(1000), 200)
  t.equal(niceStep(30_000), 10_000)
  t.equal(niceStep(12), 2.5)
})

t.test('the SVG chart: two panels (CPU per request, req/s), one bar per result in each, heights proportional', async t => {
  const svg = renderSvg(results)
  t.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" [^>]*>/)
  t.ok(svg.trimEnd().endsWith('</svg>'))
  t.match(svg, 'server CPU per request, µs (lower is better)')
  t.match(svg, 'requests per second (higher is better)')
  const bars = [...svg.matchAll(/<rect x="[\d.]+" y="([\d.]+)" width="[\d.]+" height="([\d.]+)" fill="[^"]+"><title>([^<]+)<\/title><\/rect>/g)]
  t.equal(bars.length, 2 * results.length, 'one bar per configuration in each panel')
  const height = (title: string): number => Number(bars.find(b => b[3]?.startsWith(title))?.[2])
  t.equal(height('fastify-adapter: 80').toFixed(1), (2 * height('fastify-bare: 40')).toFixed(1), 'twice the CPU, twice the height')
  t.equal(height('fastify-bare: 18,000').toFixed(1), (2 * height('fastify-adapter: 9,000')).toFixed(1), 'twice the req/s, twice the height')
  t.match(svg, />20,000</, 'the req/s axis reaches the tallest bar')
  for (const group of ['fastify', 'express', 'koa', 'references']) t.match(svg, `font-weight="bold">${group}</text>`)
  const opened = (svg.match(/<text\b/g) ?? []).length
  t.equal((svg.match(/<\/text>/g) ?? []).length, opened, 'every text element is closed')
  t.notMatch(renderSvg([result('a<b', 'fastify', 'bare', 1, 1)]), /a<b/, 'labels are escaped')
  t.match(renderSvg([]), /<\/svg>/, 'no results: an empty chart, not a crash')
  t.match(renderSvg([{ ...result('x', 'koa', 'bare', 1, 1), cpuPerRequest: Number.NaN }]), '<title>x: 0.0 µs CPU per request</title>', 'a missing figure draws no bar')
})

t.test('the markdown: machine, paired ratios with their IQR and verdicts, every section, the findings', async t => {
  const md = renderMarkdown(data, '## What we found\n\nhand-written text\n')
  t.match(md, /^# Benchmarks\n/)
  t.match(md, '| CPU | Test CPU <x> |')
  t.match(md, '| load average (1 min) at start → end | 0.50 → 0.75')
  t.match(md, '**3 paired rounds**')
  t.match(md, 'pinned to CPU 1')
  t.match(md, '| fastify | 40.0 | 80.0 | **0.50×** (0.45–0.55) | ≥ 0.80×: **missed** | 18,000 → 9,000 | 5 → 5 ms | 60.0 |')
  t.match(md, '| express | 180.0 | 150.0 | **1.20×** (1.10–1.30) | ≥ 1.15×: **met** | 5,000 → 5,000 | 5 → 5 ms | – |')
  t.match(md, '| koa | 60.0 | 62.0 | **0.95×** (0.90–0.99) | ≥ 0.95×: **met** |')
  t.match(md, '**The long-run goal is 0.95× of every bare route.** In this run: fastify 0.50×, 37.9 µs per request to shed (80.0 → 42.1); express 1.20×, reached; koa 0.95×, reached; hono 0.50×, 42.6 µs per request to shed (90.0 → 47.4).',
    'each adapter\'s distance to 0.95× of its bare route, in CPU per request')
  t.match(md, "| @octokit/webhooks' createNodeMiddleware on node:http")
  t.match(md, '**fastify-adapter / octokit, CPU per request: 1.60×** (IQR 1.50–1.70; target ≤ 0.80×: **missed**)')
  t.match(md, '- fastify (bare/adapter): 0.45, 0.50, 0.55')
  t.match(md, '| fastify-bare | 40.0 | 10.0 | 51 | 18,000 | 54,000 | 0 | 0 | 54,000 |', 'minor page faults per 1,000 requests, when the run counted them')
  t.match(md, '| fastify-adapter | 80.0 | 20.0 | – | 9,000 |', 'a run written before they were counted has none')
  t.match(md, '](benchmarks.svg)')
  t.match(md, '| parseNotification / JSON.parse | **1.75×** | 1.70–1.80 | ≤ 1.80×: **met** |')
  t.match(md, '| receiver.handle / JSON.parse | **3.50×** | 3.20–3.90 | ≤ 3.00×: **missed** |')
  t.match(md, '| receiver.handle, fresh cmiuuid | 12.0 µs | 12.00× |')
  t.match(md, '**147 bytes per key** (140 MiB in all; target ≤ 250: **met**)')
  t.match(md, '| @piopiy-webhooks/core | – | **31 ms** | ≤ 60 ms: **met** | 30 ms (40 ms) | 0.7 ms (0.8 ms) |')
  t.match(md, '| @piopiy-webhooks/fastify | 150 ms | **75 ms** | ≤ 60 ms: **missed** |')
  t.ok(md.endsWith('## What we found\n\nhand-written text\n'))
})

t.test('the markdown says which frameworks were not measured, and leaves out sections not run', async t => {
  const partial: BenchData = {
    machine: data.machine,
    http: { settings: { rounds: 1, duration: 1, warmup: 1, connections: 8, pin: false }, results: results.filter(r => r.framework !== 'koa' && r.variant !== 'peer'), comparisons: comparisons.filter(c => c.id === 'fastify' || c.id === 'express' || c.id === 'hono') }
  }
  const md = renderMarkdown(partial)
  t.match(md, 'Not measured in this run: koa.')
  t.notMatch(md, 'pinned')
  t.notMatch(md, 'Reference servers')
  t.notMatch(md, '## Core')
  t.notMatch(md, '## Memory')
  t.notMatch(md, '## Start-up')
  const { loadAverage, loadAverageAtEnd, ...machine } = data.machine
  const memoryOnly = renderMarkdown({ machine, memory: { ...data.memory!, bytesPerKey: 300 } })
  t.match(memoryOnly, 'target ≤ 250: **missed**')
  t.notMatch(memoryOnly, 'load average')
  // a server that answered nothing has no CPU per request (0 / 0): written n/a, not NaN
  const idle = [...results.map(r => r.id === 'express-adapter' ? { ...r, cpuPerRequest: Number.NaN } : r), result('other', 'other', 'peer', 100, 10)]
  const md2 = renderMarkdown({ machine: data.machine, http: { settings: data.http!.settings, results: idle, comparisons } })
  t.match(md2, '| express | 180.0 | n/a |')
  t.match(md2, '| other | 10.0 | 100 | 5 ms |', 'a reference server without a label goes by its id')
  t.notMatch(md2, 'NaN')
})
