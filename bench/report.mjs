// Turns the numbers of one `npm run bench` run into docs/benchmarks.md and its SVG chart.
// Pure functions (no I/O), so that a test can feed them numbers.

/** Targets of issue 7 / design.md. */
export const TARGETS = {
  ratio: { fastify: 0.95, express: 1.0, koa: 0.95 },
  parseVsJsonParse: 1.5,
  bytesPerKey: 250
}

const FRAMEWORKS = ['node:http', 'fastify', 'express', 'koa']
const VARIANTS = [
  { id: 'bare', label: 'bare route', color: '#9aa5b1' },
  { id: 'adapter', label: 'adapter, fresh cmiuuid', color: '#2f6fdf' },
  { id: 'duplicate', label: 'adapter, every request a duplicate', color: '#7fb3ff' }
]

const int = n => Math.round(n).toLocaleString('en-US')
const fixed = (n, digits = 2) => Number.isFinite(n) ? n.toFixed(digits) : 'n/a'
const escape = s => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
const verdict = ok => ok ? '**met**' : '**missed**'

/** The run's HTTP results, keyed `framework → variant → result`. */
export function byFramework (results) {
  const out = {}
  for (const r of results) (out[r.framework] ??= {})[r.variant] = r
  return out
}

/** Adapter/bare ratios per framework, with the target and whether it is met. */
export function ratios (results) {
  const grouped = byFramework(results)
  return Object.keys(TARGETS.ratio).filter(f => grouped[f]?.bare !== undefined && grouped[f]?.adapter !== undefined).map(framework => {
    const { bare, adapter, duplicate } = grouped[framework]
    const ratio = adapter.rps / bare.rps
    return {
      framework,
      ratio,
      duplicateRatio: duplicate === undefined ? undefined : duplicate.rps / bare.rps,
      cpuRatio: bare.cpuPerRequest / adapter.cpuPerRequest,
      target: TARGETS.ratio[framework],
      met: ratio >= TARGETS.ratio[framework]
    }
  })
}

/** A round-number step for an axis that goes up to `max` with about `count` lines. */
export function niceStep (max, count = 5) {
  const raw = max / count
  const power = 10 ** Math.floor(Math.log10(raw))
  const step = [1, 2, 2.5, 5, 10].map(m => m * power).find(s => s >= raw)
  return step
}

/** A grouped bar chart of req/s: one group per framework, one bar per variant. */
export function renderSvg (results, { width = 760, height = 380, title = 'req/s, median of rounds (higher is better)' } = {}) {
  const grouped = byFramework(results)
  const frameworks = FRAMEWORKS.filter(f => grouped[f] !== undefined)
  const margin = { top: 48, right: 16, bottom: 72, left: 64 }
  const plotW = width - margin.left - margin.right
  const plotH = height - margin.top - margin.bottom
  const max = Math.max(1, ...results.map(r => r.rps))
  const step = niceStep(max)
  const top = Math.ceil(max / step) * step
  const y = v => margin.top + plotH - (v / top) * plotH
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${margin.left}" y="20" font-size="14" font-weight="bold">${escape(title)}</text>`
  ]
  for (let v = 0; v <= top + step / 2; v += step) {
    out.push(`<line x1="${margin.left}" x2="${width - margin.right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#e3e7eb"/>`)
    out.push(`<text x="${margin.left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" fill="#52606d">${escape(int(v))}</text>`)
  }
  const groupW = plotW / Math.max(1, frameworks.length)
  const barW = Math.min(56, (groupW - 24) / VARIANTS.length)
  frameworks.forEach((framework, g) => {
    const variants = VARIANTS.filter(v => grouped[framework][v.id] !== undefined)
    const x0 = margin.left + g * groupW + (groupW - barW * variants.length) / 2
    variants.forEach((variant, i) => {
      const r = grouped[framework][variant.id]
      const x = x0 + i * barW
      out.push(`<rect x="${x.toFixed(1)}" y="${y(r.rps).toFixed(1)}" width="${(barW - 4).toFixed(1)}" height="${(margin.top + plotH - y(r.rps)).toFixed(1)}" fill="${variant.color}"><title>${escape(`${framework} ${variant.label}: ${int(r.rps)} req/s`)}</title></rect>`)
      out.push(`<text x="${(x + (barW - 4) / 2).toFixed(1)}" y="${(y(r.rps) - 4).toFixed(1)}" text-anchor="middle" font-size="10" fill="#1f2933">${escape(int(r.rps))}</text>`)
    })
    out.push(`<text x="${(margin.left + g * groupW + groupW / 2).toFixed(1)}" y="${margin.top + plotH + 18}" text-anchor="middle" font-weight="bold">${escape(framework)}</text>`)
  })
  out.push(`<line x1="${margin.left}" x2="${width - margin.right}" y1="${margin.top + plotH}" y2="${margin.top + plotH}" stroke="#52606d"/>`)
  VARIANTS.forEach((variant, i) => {
    const x = margin.left + i * 230
    out.push(`<rect x="${x}" y="${height - 24}" width="12" height="12" fill="${variant.color}"/>`)
    out.push(`<text x="${x + 18}" y="${height - 14}">${escape(variant.label)}</text>`)
  })
  out.push('</svg>')
  return out.join('\n') + '\n'
}

function httpSection (http) {
  const lines = []
  const grouped = byFramework(http.results)
  const s = http.settings
  lines.push('## HTTP: adapter vs the same framework\'s bare JSON route', '')
  lines.push(`autocannon on 127.0.0.1, ${s.connections} connections, no pipelining; each server in its own child process, one at a time${s.pin ? ' (servers pinned to CPU 1 with `taskset`, autocannon on CPU 0)' : ''}; ` +
    `${s.rounds} rounds of ${s.duration} s after a ${s.warmup} s warm-up on the same process; every round runs every configuration once, bare and adapter back to back; the table shows medians. ` +
    'Every request is the seed CDR (the documented sample `packages/testing/samples/documented/piopiy.cdr.inbound.answered.leg-a.legacy.json`) with a fresh `cmiuuid`, for the bare routes too, so the load generator does the same work for all; ' +
    'the adapters run with their defaults (dedupe on, in-memory store) and an `async` `onInboundAnswered`. The *duplicate* run sends one `cmiuuid` throughout, so all requests but the first are answered as duplicates.', '')
  lines.push('| framework | bare req/s | adapter req/s | **adapter / bare** | target | duplicate req/s | duplicate / bare | server CPU per request, bare → adapter | p99 latency, bare → adapter |')
  lines.push('|---|---:|---:|---:|---|---:|---:|---:|---:|')
  const node = grouped['node:http']?.bare
  for (const r of ratios(http.results)) {
    const { bare, adapter, duplicate } = grouped[r.framework]
    lines.push(`| ${r.framework} | ${int(bare.rps)} | ${int(adapter.rps)} | **${fixed(r.ratio)}×** | ≥ ${fixed(r.target)}×: ${verdict(r.met)} | ${duplicate === undefined ? '–' : int(duplicate.rps)} | ${r.duplicateRatio === undefined ? '–' : `${fixed(r.duplicateRatio)}×`} | ${fixed(bare.cpuPerRequest, 1)} → ${fixed(adapter.cpuPerRequest, 1)} µs | ${bare.latencyP99} → ${adapter.latencyP99} ms |`)
  }
  if (node !== undefined) lines.push(`| node:http (ceiling: reads the body, JSON.parse, answers) | ${int(node.rps)} | | | | | | ${fixed(node.cpuPerRequest, 1)} µs | ${node.latencyP99} ms |`)
  lines.push('')
  const missing = ['fastify', 'express', 'koa'].filter(f => !ratios(http.results).some(r => r.framework === f))
  if (missing.length > 0) lines.push(`Not measured in this run: ${missing.join(', ')}${http.skipped.length > 0 ? ` (${[...new Set(http.skipped.map(s => s.reason))].join('; ')})` : ''}.`, '')
  lines.push('![req/s per framework: bare route, adapter, adapter with duplicates](benchmarks.svg)', '')
  lines.push('*Server CPU per request* is the server process\'s user + system CPU time during the measured run divided by the requests answered: it does not depend on whether autocannon or the server was the bottleneck, so it is the better measure of what the adapter costs; its ratio bare/adapter is in the checks below.', '')
  lines.push('<details><summary>Every round, and what the servers saw</summary>', '')
  lines.push('| configuration | req/s per round | server CPU µs/req (median) | 2xx answered | non-2xx | errors | callback or handler calls per round |')
  lines.push('|---|---|---:|---:|---:|---:|---|')
  for (const r of http.results) {
    lines.push(`| ${r.id} | ${r.rounds.map(int).join(', ')} | ${fixed(r.cpuPerRequest, 1)} | ${int(r.ok)} | ${r.non2xx} | ${r.errors} | ${r.calls.map(int).join(', ')} |`)
  }
  lines.push('', 'Calls count warm-up and measured run together. With a fresh `cmiuuid` per request the adapters\' callback ran once per request; in the duplicate runs it ran once per server process.', '', '</details>', '')
  lines.push('CPU-time ratios (bare µs / adapter µs per request; 1.00 would mean the adapter costs nothing): ' +
    ratios(http.results).map(r => `${r.framework} ${fixed(r.cpuRatio)}×`).join(', ') + '.', '')
  return lines
}

function coreSection (core) {
  const lines = []
  const ns = name => core.find(c => c.name === name)?.ns
  const json = ns('JSON.parse (bytes → string → JSON.parse)')
  const parse = ns('parseNotification (bytes)')
  const ratio = parse / json
  lines.push('## Core micro-benchmarks', '')
  lines.push('mitata, in a process of its own; median time of one call on the seed CDR (500 bytes). `parseNotification` does JSON parse (prototype-safe, deep-frozen), classify, validate (Ajv) and normalize (Dates, phone strings, `extra_params`).', '')
  lines.push(`**parseNotification / JSON.parse of the same bytes: ${fixed(ratio)}×** (target ≤ ${fixed(TARGETS.parseVsJsonParse, 1)}×: ${verdict(ratio <= TARGETS.parseVsJsonParse)}).`, '')
  lines.push('| operation | median | vs JSON.parse (bytes) |')
  lines.push('|---|---:|---:|')
  for (const c of core) lines.push(`| ${c.name} | ${c.ns >= 10_000 ? `${fixed(c.ns / 1000, 1)} µs` : `${int(c.ns)} ns`} | ${fixed(c.ns / json)}× |`)
  lines.push('')
  lines.push('`extra_params` styles are the four documented ones, verbatim: `{"key":"value"}`, `{ \'Name\': \'Akil\', \'ID\':8915726 }`, `{key: value}`, `{ Name=Akil, ID=8915726 }`. The `receiver.handle` rows are the whole core without HTTP (bytes in, answer out, dedupe on, an async callback).', '')
  return lines
}

function memorySection (memory) {
  return [
    '## Memory: MemoryIdempotencyStore', '',
    `${int(memory.keys)} completed keys, each a real dedupe key (\`dedupeKey()\` of a CDR with a random cmiuuid, ${memory.keyLength} characters), heap measured after \`gc()\` (\`node --expose-gc\`) before and after filling the store:`, '',
    `**${fixed(memory.bytesPerKey, 0)} bytes per key** (${fixed(memory.heapMiB, 0)} MiB in all; target ≤ ${TARGETS.bytesPerKey}: ${verdict(memory.bytesPerKey <= TARGETS.bytesPerKey)}). Filling took ${fixed(memory.fillNsPerKey / 1000, 1)} µs per claim + complete.`, ''
  ]
}

function startupSection (startup) {
  const lines = ['## Start-up', '',
    'A fresh Node process each time (median of several): the framework is imported first and timed apart; *import* is the adapter package (which loads the core, Ajv and the schemas); *create* is `createReceiver()` for the core, `register()` + `ready()` on a new Fastify instance, and `app.use(piopiyMiddleware())` on a new Express or Koa app.', '',
    '| package | framework import | adapter import | create |', '|---|---:|---:|---:|']
  for (const s of startup) lines.push(`| ${s.name} | ${s.framework === null ? '–' : `${fixed(s.frameworkImportMs, 0)} ms`} | ${fixed(s.importMs, 0)} ms | ${fixed(s.createMs, 1)} ms |`)
  lines.push('')
  return lines
}

/** docs/benchmarks.md from one run's numbers; `findings` is hand-written markdown appended as it is. */
export function renderMarkdown (data, findings = '') {
  const m = data.machine
  const lines = [
    '# Benchmarks', '',
    `Generated by \`npm run bench\` (\`bench/run.mjs\`) on ${m.date.slice(0, 10)}; every number below comes from that one run. Regenerate with \`npm run bench\`; lengthen it with \`BENCH_ROUNDS\`, \`BENCH_DURATION\` (s), \`BENCH_WARMUP\` (s), \`BENCH_CONNECTIONS\`, \`BENCH_CORE_MS\`, \`BENCH_MEMORY_KEYS\`, \`BENCH_STARTUP_RUNS\`. Benchmarks are not part of \`npm test\`.`, '',
    '| machine | |', '|---|---|',
    `| CPU | ${m.cpu} |`, `| cores | ${m.cores} |`, `| memory | ${m.memoryGiB} GiB |`, `| OS | ${m.os} |`, `| Node | ${m.node} |`, `| date | ${m.date} |`,
    ...(m.loadAverage === undefined ? [] : [`| load average (1 min) at start → end | ${fixed(m.loadAverage)} → ${fixed(m.loadAverageAtEnd)} (other processes on the machine share its ${m.cores} cores; see the rounds for the spread) |`]), ''
  ]
  if (data.http !== undefined) lines.push(...httpSection(data.http))
  if (data.core !== undefined) lines.push(...coreSection(data.core))
  if (data.memory !== undefined) lines.push(...memorySection(data.memory))
  if (data.startup !== undefined) lines.push(...startupSection(data.startup))
  if (findings.trim() !== '') lines.push(findings.trim(), '')
  return lines.join('\n')
}
