// Profiles one benchmark server under load: `node bench/tools/profile.mjs <target> [seconds]`
// (targets: see bench/server.mjs). Writes a .cpuprofile (open it in Chrome DevTools) under
// bench/profiles/ and prints the functions with the most self time.
import { spawn } from 'node:child_process'
import { readdirSync, readFileSync, rmSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { SEED_TEXT } from '../lib.mjs'

const target = process.argv[2] ?? 'fastify-adapter'
const seconds = Number(process.argv[3] ?? 5)
const dir = fileURLToPath(new URL(`../profiles/${target}`, import.meta.url))
rmSync(dir, { recursive: true, force: true })
const server = fileURLToPath(new URL('../server.mjs', import.meta.url))
const child = spawn(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, server, target], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
const ready = await new Promise(resolve => child.once('message', resolve))
if (ready.error !== undefined) throw new Error(ready.error)
let n = 0
const result = await autocannon({
  url: `http://127.0.0.1:${ready.port}`,
  connections: 32,
  duration: seconds,
  requests: [{
    method: 'POST',
    path: '/webhook/cdr',
    headers: { 'content-type': 'application/json' },
    setupRequest (req) { req.body = SEED_TEXT.replace(/"cmiuuid": "[^"]+"/, `"cmiuuid": "p-${++n}"`); return req }
  }]
})
console.log(`${target}: ${Math.round(result.requests.average)} req/s (${result.non2xx} non-2xx) under the profiler`)
await new Promise(resolve => { child.once('exit', resolve); child.send('exit') })

const file = readdirSync(dir).find(name => name.endsWith('.cpuprofile'))
const profile = JSON.parse(readFileSync(`${dir}/${file}`, 'utf8'))
const self = new Map()
const total = profile.samples.length
const byId = new Map(profile.nodes.map(node => [node.id, node]))
const parent = new Map()
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id)
const name = ({ callFrame: f }) => `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/packages\//, '')}:${f.lineNumber + 1}`
const counts = new Map()
for (const id of profile.samples) counts.set(id, (counts.get(id) ?? 0) + 1)
const inclusive = new Map()
for (const [id, count] of counts) {
  const key = name(byId.get(id))
  self.set(key, (self.get(key) ?? 0) + count)
  const seen = new Set()
  for (let at = id; at !== undefined; at = parent.get(at)) seen.add(name(byId.get(at)))
  for (const k of seen) inclusive.set(k, (inclusive.get(k) ?? 0) + count)
}
const show = (title, map, filter = () => true) => {
  console.log(title)
  for (const [key, count] of [...map].filter(([k]) => filter(k)).sort((a, b) => b[1] - a[1]).slice(0, 25)) {
    console.log(`${(100 * count / total).toFixed(1).padStart(5)}%  ${key}`)
  }
}
console.log(`${dir}/${file}`)
show('self time, top 25:', self)
show('total time (with callees) of piopiy-webhooks functions, top 25:', inclusive, k => /(core|fastify|express|koa)\/dist/.test(k))
