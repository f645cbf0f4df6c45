// Where a Fastify webhook's server CPU goes: `node bench/steps.mjs` (after `npm run build`).
// Measures the bare Fastify route, then servers that each add one piece of the adapter, with the load
// and settings of bench/http.mjs (interleaved rounds, medians), and prints a markdown table of the
// server CPU per request and what each step adds. Not part of `npm run bench`: findings.md quotes it.
import os from 'node:os'
import { httpSettings, runOnce } from './http.mjs'
import { median, progress } from './lib.mjs'

const STEPS = [
  ['fastify-bare', 'Fastify’s JSON route: its own body reader, `JSON.parse`, `{ ok: true }`'],
  ['fastify-own-reader', 'a catch-all content-type parser and the stream read with listeners (what the adapter hands the core), `JSON.parse`, a prepared JSON answer'],
  ['fastify-own-reader-parse', '`parseNotification` instead of `JSON.parse`: classify, validate (Ajv), normalize (Dates, phone strings, `extra_params`), deep freeze'],
  ['fastify-adapter-no-dedupe', 'the whole adapter with `idempotency: false`: route and method checks, auth, content type, limits, the async callback with its timeout'],
  ['fastify-adapter', 'the default adapter: dedupe on (in-memory store, a fresh `cmiuuid` per request)']
]

const settings = httpSettings(os.cpus().length)
const samples = STEPS.map(() => [])
for (let round = 1; round <= settings.rounds; round++) {
  for (const [index, [server]] of STEPS.entries()) {
    const sample = await runOnce({ id: server, server, load: 'fresh' }, settings)
    if (sample.non2xx + sample.errors > 0) throw new Error(`${server}: ${sample.non2xx} non-2xx answers, ${sample.errors} errors`)
    samples[index].push(sample)
    progress(`steps round ${round}/${settings.rounds} ${server.padEnd(26)} ${sample.cpuPerRequest.toFixed(1).padStart(5)} µs CPU/req (${sample.systemPerRequest.toFixed(1)} in the kernel)  ${Math.round(sample.rps).toLocaleString('en-US')} req/s`)
  }
}

const cpu = samples.map(s => median(s.map(x => x.cpuPerRequest)))
const kernel = samples.map(s => median(s.map(x => x.systemPerRequest)))
const rps = samples.map(s => median(s.map(x => x.rps)))
console.log(`Server CPU per request, medians of ${settings.rounds} rounds of ${settings.duration} s (${settings.connections} connections, fresh cmiuuid per request; ${os.cpus()[0]?.model.trim()}, Node ${process.version}, load average ${os.loadavg()[0].toFixed(2)} at the end):\n`)
console.log('| server | adds | CPU µs/req (kernel) | added by this step | req/s |')
console.log('|---|---|---|---|---|')
for (const [index, [server, adds]] of STEPS.entries()) {
  const added = index === 0 ? '' : `${cpu[index] - cpu[index - 1] >= 0 ? '+' : '−'}${Math.abs(cpu[index] - cpu[index - 1]).toFixed(1)} µs`
  console.log(`| \`${server}\` | ${adds} | ${cpu[index].toFixed(1)} (${kernel[index].toFixed(1)}) | ${added} | ${Math.round(rps[index]).toLocaleString('en-US')} |`)
}
