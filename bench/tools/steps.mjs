// Where a webhook's server CPU goes: `node bench/tools/steps.mjs [fastify|hono|store|parse|slow]` (after `npm run build`).
// Measures the framework's bare route, then servers that each add one piece of the adapter, with the load
// and settings of bench/http.mjs (paired rounds), and prints a markdown table of the server CPU per
// request and what each step adds. Not part of `npm run bench`: bench/findings.md quotes it.
import os from 'node:os'
import { httpSettings, runRounds } from '../http.mjs'
import { median, quartiles } from '../lib.mjs'

const DEDUPE = 'dedupe on (the in-memory store, 100,000 keys once full, a fresh `cmiuuid` per request), still a synchronous callback'
const ASYNC = 'the default adapter: an async callback (its promise, the timeout queue, `ctx.signal`\'s controller held, the in-flight map)'
const FASTIFY = [
  ['fastify-bare', 'Fastify’s JSON route: its own body reader, `JSON.parse`, `{ ok: true }`'],
  ['fastify-own-reader-handler', 'the route\'s handler behind a catch-all content-type parser, the stream read with listeners, `JSON.parse`, a prepared JSON answer (the adapter\'s plumbing before the tenth round)'],
  ['fastify-own-reader', 'the same, answered from the route\'s own `onRequest` hook (no content-type parsing, validation or handler stage), as the adapter does'],
  ['fastify-own-reader-parse', '`parseNotification` instead of `JSON.parse`: classify, validate (the happy path, then Ajv), normalize (Dates, phone strings, `extra_params`), deep freeze'],
  ['fastify-adapter-no-dedupe-sync', 'the whole adapter with `idempotency: false` and a synchronous callback: route and method checks, auth, content type, limits, the delivery'],
  ['fastify-adapter-sync', DEDUPE],
  ['fastify-adapter', ASYNC]
]
const HONO = [
  ['hono-bare', 'Hono on @hono/node-server: `c.req.json()`, `c.json({ ok: true })`'],
  ['hono-adapter-no-dedupe-sync', 'the web adapter given Hono\'s `c` (Node\'s stream and headers read), `idempotency: false`, a synchronous callback'],
  ['hono-adapter-sync', DEDUPE],
  ['hono-adapter', ASYNC]
]
const STORE = [
  ['fastify-adapter-no-dedupe-sync', 'the Fastify adapter with `idempotency: false` and a synchronous callback'],
  ['fastify-adapter-sync-1k', 'dedupe on, a memory store of `maxKeys` 1,000 (full and evicting after the first second)'],
  ['fastify-adapter-sync-10k', 'the same, 10,000 keys'],
  ['fastify-adapter-sync', 'the same, 100,000 keys (the default)']
]
const PARSE = [
  FASTIFY[2],
  FASTIFY[3],
  ['fastify-own-reader-parse-twice', '`parseNotification` a second time on the same bytes, right after the first: its cost with its code and data just used']
]
const SLOW = [
  ['fastify-bare-slow', 'Fastify’s JSON route that waits 10 ms (`SLOW_MS`) before it answers, as a database write does'],
  ['fastify-adapter-slow', 'the adapter (dedupe on), its async callback waiting as long before it resolves']
]
const STEPS = { fastify: FASTIFY, hono: HONO, store: STORE, parse: PARSE, slow: SLOW }[process.argv[2] ?? 'fastify']
if (STEPS === undefined) throw new Error('usage: node bench/tools/steps.mjs [fastify|hono|store|parse|slow]')

const settings = httpSettings(os.cpus().length)
const sides = STEPS.map(([server]) => ({ key: server, config: { id: server, server, load: 'fresh' } }))
const samples = await runRounds(new Map([['steps', sides]]), settings)
for (const [server] of STEPS) {
  const bad = samples[server].reduce((sum, x) => sum + x.non2xx + x.errors, 0)
  if (bad > 0) throw new Error(`${server}: ${bad} non-2xx answers or errors`)
}

const cpu = STEPS.map(([server]) => median(samples[server].map(x => x.cpuPerRequest)))
const kernel = STEPS.map(([server]) => median(samples[server].map(x => x.systemPerRequest)))
console.log(`Server CPU per request, medians of ${settings.rounds} paired rounds of ${settings.duration} s; each step's cost is the median of its per-round difference to the step before (${settings.connections} connections, fresh cmiuuid per request; ${os.cpus()[0]?.model.trim()}, Node ${process.version}, load average ${os.loadavg()[0].toFixed(2)} at the end):\n`)
console.log('| server | adds | CPU µs/req (kernel) | added by this step (IQR) |')
console.log('|---|---|---|---|')
for (const [index, [server, adds]] of STEPS.entries()) {
  let added = ''
  if (index > 0) {
    const previous = samples[STEPS[index - 1][0]]
    const [q1, mid, q3] = quartiles(samples[server].map((x, i) => x.cpuPerRequest - previous[i].cpuPerRequest))
    added = `${mid >= 0 ? '+' : '−'}${Math.abs(mid).toFixed(1)} µs (${q1.toFixed(1)} to ${q3.toFixed(1)})`
  }
  console.log(`| \`${server}\` | ${adds} | ${cpu[index].toFixed(1)} (${kernel[index].toFixed(1)}) | ${added} |`)
}
