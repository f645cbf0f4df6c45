// Whether processes of one build differ: `node bench/tools/processes.mjs [server] [count]` (after `npm run build`).
// Starts `count` processes (default 6) of one benchmark server of bench/server.mjs (default `koa-adapter`), with
// the load and settings of bench/http.mjs (pinned, warmed, paired rounds), and prints each process's CPU per
// request and minor page faults per 1,000 requests. Processes of the same code that split into a fast group with
// few faults and a slow one with many are the "two states" of bench/findings.md (seventh round). Not part of
// `npm run bench`.
import os from 'node:os'
import { httpSettings, runRounds, summary } from '../http.mjs'

const [server = 'koa-adapter', countArg = '6'] = process.argv.slice(2)
const count = Number(countArg)
if (!Number.isInteger(count) || count < 1) throw new Error('usage: node bench/tools/processes.mjs [server] [count]')

const settings = httpSettings(os.cpus().length)
const sides = Array.from({ length: count }, (_, i) => ({ key: `${server} #${i + 1}`, config: { id: server, server, load: 'fresh' } }))
const samples = await runRounds(new Map([['processes', sides]]), settings)

console.log(`\n${server}, ${count} processes started one after the other, ${settings.rounds} interleaved rounds of ${settings.duration} s (load average ${os.loadavg()[0].toFixed(2)} at the end):\n`)
console.log('| process | CPU µs/req (median) | of it in the kernel | minor page faults / 1,000 req (median) | CPU µs/req of each round |')
console.log('|---|---:|---:|---:|---|')
for (const { key, config } of sides) {
  const s = samples[key]
  if (s === undefined) continue // did not start (runRounds said why)
  const r = summary(config, s)
  console.log(`| ${key} | ${r.cpuPerRequest.toFixed(1)} | ${r.systemPerRequest.toFixed(1)} | ${r.faultsPerThousand.toFixed(1)} | ${s.map(x => x.cpuPerRequest.toFixed(0)).join(' ')} |`)
}
