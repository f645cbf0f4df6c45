// Turns the numbers of one `npm run bench` run into docs/benchmarks.md and its SVG chart.
// Pure functions (no I/O), so that a test can feed them numbers.
import { CORE_TARGETS, FRAMEWORKS, LONG_RUN_GOAL, PEERS } from './frameworks.mjs'

export { CORE_TARGETS }

const VARIANTS = [
  { id: 'bare', label: 'bare route', color: '#9aa5b1' },
  { id: 'adapter', label: 'adapter, fresh cmiuuid', color: '#2f6fdf' },
  { id: 'duplicate', label: 'adapter, all duplicates', color: '#7fb3ff' },
  { id: 'peer', label: 'reference server', color: '#e08a2c' }
]

const int = n => Math.round(n).toLocaleString('en-US')
const fixed = (n, digits = 2) => Number.isFinite(n) ? n.toFixed(digits) : 'n/a'
const escape = s => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
const verdict = ok => ok ? '**met**' : '**missed**'
const spread = r => `${fixed(r.q1)}–${fixed(r.q3)}`

/** Whether a paired ratio meets its target (`atLeast` or `atMost`). */
export const met = (ratio, { atLeast, atMost }) => atLeast !== undefined ? ratio.median >= atLeast : ratio.median <= atMost
const target = ({ atLeast, atMost }) => atLeast !== undefined ? `≥ ${fixed(atLeast)}×` : `≤ ${fixed(atMost)}×`

/** A round-number step for an axis that goes up to `max` with about `count` lines. */
export function niceStep (max, count = 5) {
  const raw = max / count
  const power = 10 ** Math.floor(Math.log10(raw))
  return [1, 2, 2.5, 5, 10].map(m => m * power).find(s => s >= raw)
}

/** The chart's groups: one per framework (bare, adapter, duplicates), then the reference servers. */
function chartGroups (results) {
  const groups = []
  for (const f of FRAMEWORKS) {
    const bars = VARIANTS.map(v => results.find(r => r.framework === f.framework && r.variant === v.id)).filter(Boolean)
    if (bars.length > 0) groups.push({ name: f.framework, bars })
  }
  const peers = results.filter(r => r.variant === 'peer')
  if (peers.length > 0) groups.push({ name: 'references', bars: peers })
  return groups
}

/** One panel of the chart: a bar per result of `field`, grouped, with its own axis. */
function panel (groups, { x, width, height, title, field, unit, format }) {
  const margin = { top: 44, bottom: 40, left: 56 }
  const plotW = width - margin.left - 8
  const plotH = height - margin.top - margin.bottom
  const max = Math.max(1, ...groups.flatMap(g => g.bars.map(b => b[field])).filter(Number.isFinite))
  const step = niceStep(max)
  const top = Math.ceil(max / step) * step
  const y = v => margin.top + plotH - (v / top) * plotH
  const out = [`<text x="${x + margin.left}" y="28" font-size="13" font-weight="bold">${escape(title)}</text>`]
  for (let v = 0; v <= top + step / 2; v += step) {
    out.push(`<line x1="${x + margin.left}" x2="${x + width - 8}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#e3e7eb"/>`)
    out.push(`<text x="${x + margin.left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" fill="#52606d">${escape(format(v))}</text>`)
  }
  const groupW = plotW / Math.max(1, groups.length)
  groups.forEach((group, g) => {
    const barW = Math.min(28, (groupW - 12) / group.bars.length)
    const x0 = x + margin.left + g * groupW + (groupW - barW * group.bars.length) / 2
    group.bars.forEach((r, i) => {
      const value = Number.isFinite(r[field]) ? r[field] : 0
      const color = VARIANTS.find(v => v.id === r.variant)?.color
      out.push(`<rect x="${(x0 + i * barW).toFixed(1)}" y="${y(value).toFixed(1)}" width="${(barW - 3).toFixed(1)}" height="${(margin.top + plotH - y(value)).toFixed(1)}" fill="${color}"><title>${escape(`${r.id}: ${format(value)} ${unit}`)}</title></rect>`)
    })
    out.push(`<text x="${(x + margin.left + g * groupW + groupW / 2).toFixed(1)}" y="${margin.top + plotH + 16}" text-anchor="middle" font-weight="bold">${escape(group.name)}</text>`)
  })
  out.push(`<line x1="${x + margin.left}" x2="${x + width - 8}" y1="${margin.top + plotH}" y2="${margin.top + plotH}" stroke="#52606d"/>`)
  return out
}

/** Two panels side by side: server CPU per request (lower is better) and req/s (higher is better). */
export function renderSvg (results, { width = 960, height = 380 } = {}) {
  const groups = chartGroups(results)
  const half = width / 2
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    ...panel(groups, { x: 0, width: half, height: height - 24, title: 'server CPU per request, µs (lower is better)', field: 'cpuPerRequest', unit: 'µs CPU per request', format: v => fixed(v, v < 10 ? 1 : 0) }),
    ...panel(groups, { x: half, width: half, height: height - 24, title: 'requests per second (higher is better)', field: 'rps', unit: 'req/s', format: int })
  ]
  VARIANTS.forEach((variant, i) => {
    out.push(`<rect x="${56 + i * 200}" y="${height - 22}" width="12" height="12" fill="${variant.color}"/>`)
    out.push(`<text x="${74 + i * 200}" y="${height - 12}">${escape(variant.label)}</text>`)
  })
  out.push('</svg>')
  return out.join('\n') + '\n'
}

/** How far each adapter is from the long-run goal: reached, or the CPU per request it would have to shed. */
function longRunGoal (comparisons, find) {
  const distance = c => {
    if (met(c.cpu, { atLeast: LONG_RUN_GOAL })) return `${c.id} ${fixed(c.cpu.median)}×, reached`
    const adapter = find(c.id, 'adapter').cpuPerRequest
    const goal = find(c.id, 'bare').cpuPerRequest / LONG_RUN_GOAL
    return `${c.id} ${fixed(c.cpu.median)}×, ${fixed(adapter - goal, 1)} µs per request to shed (${fixed(adapter, 1)} → ${fixed(goal, 1)})`
  }
  return `**The long-run goal is ${fixed(LONG_RUN_GOAL)}× of every bare route.** In this run: ${comparisons.map(distance).join('; ')}. ` +
    'Where the rest of the cost goes is in the findings below ("Where the targets stand", and each round\'s table of what is left).'
}

function httpSection (http) {
  const s = http.settings
  const find = (framework, variant) => http.results.find(r => r.framework === framework && r.variant === variant)
  const lines = ['## HTTP: what the adapter costs per request', '',
    `The measure is the **server process's CPU time per request** (user + system, \`process.cpuUsage()\` deltas in the server, divided by the requests answered): unlike req/s it does not depend on whether the load generator or the server was the bottleneck, nor much on what else the machine runs. ` +
    `Each server is its own process${s.pin ? ', pinned to CPU 1 with `taskset` (autocannon on CPU 0)' : ''}; the servers of a framework start together, get a ${s.warmup} s warm-up, then **${s.rounds} paired rounds**: each round loads every server once for ${s.duration} s (autocannon, ${s.connections} connections, 127.0.0.1), one after the other, and each ratio is taken **within its round**. The tables give the median and interquartile range (IQR) of those per-round ratios; req/s and p99 latency are secondary. ` +
    'Every request is the seed CDR (the documented sample `packages/testing/samples/documented/piopiy.cdr.inbound.answered.leg-a.legacy.json`) with a fresh `cmiuuid`, for the bare routes too; the adapters run with their defaults (dedupe on, in-memory store) and an `async` `onInboundAnswered`; the *duplicate* server gets one `cmiuuid` throughout.', '',
    '| framework | bare route, CPU µs/req | adapter, CPU µs/req | **bare / adapter CPU** (median, IQR) | target | req/s, bare → adapter | p99, bare → adapter | adapter with duplicates, CPU µs/req |',
    '|---|---:|---:|---:|---|---:|---:|---:|']
  for (const c of http.comparisons.filter(c => c.kind === 'bare/adapter')) {
    const bare = find(c.id, 'bare')
    const adapter = find(c.id, 'adapter')
    const duplicate = find(c.id, 'duplicate')
    lines.push(`| ${c.id} | ${fixed(bare.cpuPerRequest, 1)} | ${fixed(adapter.cpuPerRequest, 1)} | **${fixed(c.cpu.median)}×** (${spread(c.cpu)}) | ${target(c)}: ${verdict(met(c.cpu, c))} | ${int(bare.rps)} → ${int(adapter.rps)} | ${bare.latencyP99} → ${adapter.latencyP99} ms | ${duplicate === undefined ? '–' : fixed(duplicate.cpuPerRequest, 1)} |`)
  }
  lines.push('', longRunGoal(http.comparisons.filter(c => c.kind === 'bare/adapter'), find))
  const missing = FRAMEWORKS.filter(f => !http.comparisons.some(c => c.id === f.framework)).map(f => f.framework)
  if (missing.length > 0) lines.push('', `Not measured in this run: ${missing.join(', ')}.`)
  const peers = http.results.filter(r => r.variant === 'peer')
  if (peers.length > 0) {
    lines.push('', 'Reference servers, in the same rounds as Fastify\'s:', '', '| server | CPU µs/req | req/s | p99 |', '|---|---:|---:|---:|')
    for (const p of peers) lines.push(`| ${escape(PEERS.find(x => x.id === p.id)?.label ?? p.id)} | ${fixed(p.cpuPerRequest, 1)} | ${int(p.rps)} | ${p.latencyP99} ms |`)
  }
  for (const c of http.comparisons.filter(c => c.kind === 'adapter/peer')) {
    const [adapter, peer] = c.id.split('/')
    lines.push('', `**${adapter} / ${peer}, CPU per request: ${fixed(c.cpu.median)}×** (IQR ${spread(c.cpu)}; target ${target(c)}: ${verdict(met(c.cpu, c))}).`)
  }
  lines.push('', '![server CPU per request and req/s per framework: bare route, adapter, adapter with duplicates, reference servers](benchmarks.svg)', '')
  lines.push('<details><summary>Every round\'s ratio, and what the servers saw</summary>', '')
  for (const c of http.comparisons) lines.push(`- ${c.id} (${c.kind}): ${c.cpu.ratios.map(r => fixed(r)).join(', ')}`)
  lines.push('', '| server | CPU µs/req (median) | of it in the kernel | minor page faults / 1,000 req (median) | req/s (median) | 2xx | non-2xx | errors | handler or callback calls |', '|---|---:|---:|---:|---:|---:|---:|---:|---:|')
  // runs written before the page faults were counted have none: '–'
  for (const r of http.results) lines.push(`| ${r.id} | ${fixed(r.cpuPerRequest, 1)} | ${fixed(r.systemPerRequest, 1)} | ${r.faultsPerThousand === undefined ? '–' : int(r.faultsPerThousand)} | ${int(r.rps)} | ${int(r.ok)} | ${r.non2xx} | ${r.errors} | ${int(r.calls)} |`)
  lines.push('', 'Calls count the measured rounds (a few requests answered just after a round\'s load stopped count too). With a fresh `cmiuuid` per request the adapters\' callback runs once per request; with duplicates, once per server process (in its warm-up).', '', '</details>', '')
  return lines
}

function coreSection (core) {
  const json = core.cases.find(c => c.name.startsWith('JSON.parse (bytes'))?.ns
  const lines = ['## Core, in-process', '',
    'Paired batches in one process (after a 1 s warm-up, a batch of `JSON.parse` of the same bytes the other side gets, then a batch of the other, many times; CPU time of each batch; median and IQR of the per-pair ratios):', '',
    '| ratio to `JSON.parse` of the same bytes | median | IQR | target |', '|---|---:|---:|---|']
  for (const r of core.ratios) lines.push(`| ${r.name} | **${fixed(r.median)}×** | ${spread(r)} | ${target(r)}: ${verdict(met(r, r))} |`)
  lines.push('', 'mitata, median time of one call on the seed CDR. `parseNotification` does the JSON parse (prototype-safe, deep-frozen), classify, validate and normalize (Dates, phone strings, `extra_params`); the `receiver.handle` rows are the whole core without HTTP (bytes in, answer out, dedupe on, an async callback).', '',
    '| operation | median | vs JSON.parse (bytes) |', '|---|---:|---:|')
  for (const c of core.cases) lines.push(`| ${c.name} | ${c.ns >= 10_000 ? `${fixed(c.ns / 1000, 1)} µs` : `${int(c.ns)} ns`} | ${fixed(c.ns / json)}× |`)
  lines.push('')
  return lines
}

function memorySection (memory) {
  return [
    '## Memory: MemoryIdempotencyStore', '',
    `${int(memory.keys)} completed keys, each a real dedupe key (\`dedupeKey()\` of a CDR with a random cmiuuid, ${memory.keyLength} characters), heap measured after \`gc()\` (\`node --expose-gc\`) before and after filling the store:`, '',
    `**${fixed(memory.bytesPerKey, 0)} bytes per key** (${fixed(memory.heapMiB, 0)} MiB in all; target ≤ ${CORE_TARGETS.bytesPerKey}: ${verdict(memory.bytesPerKey <= CORE_TARGETS.bytesPerKey)}). Filling took ${fixed(memory.fillNsPerKey / 1000, 1)} µs per claim + complete.`, ''
  ]
}

function startupSection (startup) {
  const lines = ['## Start-up', '',
    'A fresh Node process each time (median of several): the framework is imported first and measured apart; *import* is the adapter package (which loads the core and its generated schemas and validators); *create* is `createReceiver()` for the core, `register()` + `ready()` on a Fastify instance made beforehand (with the framework, after booting an empty one, so that Fastify’s own first boot counts as the framework’s), and `app.use(piopiyMiddleware())` on a new Express or Koa app. ' +
    `CPU time (user + system) is the measure, wall time is given beside it; the target is import + create of our package ≤ ${CORE_TARGETS.startupCpuMs} ms of CPU (for Fastify, \`ready()\` still includes booting the instance).`, '',
    '| package | framework import, CPU | **import + create, CPU** | target | import, CPU (wall) | create, CPU (wall) |', '|---|---:|---:|---|---:|---:|']
  for (const s of startup) {
    const ours = s.importCpuMs + s.createCpuMs
    lines.push(`| ${s.name} | ${s.framework === null ? '–' : `${fixed(s.frameworkImportCpuMs, 0)} ms`} | **${fixed(ours, 0)} ms** | ≤ ${CORE_TARGETS.startupCpuMs} ms: ${verdict(ours <= CORE_TARGETS.startupCpuMs)} | ${fixed(s.importCpuMs, 0)} ms (${fixed(s.importMs, 0)} ms) | ${fixed(s.createCpuMs, 1)} ms (${fixed(s.createMs, 1)} ms) |`)
  }
  lines.push('')
  return lines
}

/** docs/benchmarks.md from one run's numbers; `findings` is hand-written markdown appended as it is. */
export function renderMarkdown (data, findings = '') {
  const m = data.machine
  const lines = [
    '# Benchmarks', '',
    `Generated by \`npm run bench\` (\`bench/run.mjs\`) on ${m.date.slice(0, 10)}; every number below comes from that one run. Regenerate with \`npm run bench\`; change it with \`BENCH_ROUNDS\`, \`BENCH_DURATION\` (s), \`BENCH_WARMUP\` (s), \`BENCH_CONNECTIONS\`, \`BENCH_HTTP\`, \`BENCH_CORE_MS\`, \`BENCH_MEMORY_KEYS\`, \`BENCH_STARTUP_RUNS\`; compare two builds with \`npm run bench:compare\` (bench/README.md). Benchmarks are not part of \`npm test\`.`, '',
    '| machine | |', '|---|---|',
    `| CPU | ${m.cpu} |`, `| cores | ${m.cores} |`, `| memory | ${m.memoryGiB} GiB |`, `| OS | ${m.os} |`, `| Node | ${m.node} |`, `| date | ${m.date} |`,
    ...(m.loadAverage === undefined ? [] : [`| load average (1 min) at start → end | ${fixed(m.loadAverage)} → ${fixed(m.loadAverageAtEnd)} (other processes on the machine share its ${m.cores} cores) |`]), ''
  ]
  if (data.http !== undefined) lines.push(...httpSection(data.http))
  if (data.core !== undefined) lines.push(...coreSection(data.core))
  if (data.startup !== undefined) lines.push(...startupSection(data.startup))
  if (data.memory !== undefined) lines.push(...memorySection(data.memory))
  if (findings.trim() !== '') lines.push(findings.trim(), '')
  return lines.join('\n')
}
