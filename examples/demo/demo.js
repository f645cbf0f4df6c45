// The piopiy-webhooks demo: a real Fastify receiver on 127.0.0.1 (the @piopiy-webhooks/fastify plugin,
// in-memory dedupe) fed the notifications printed in the PIOPIY docs. It prints what each callback
// received and the HTTP status of each delivery, then exits.
//
//   npm run demo                  run it once
//   npm run demo -- --serve       then keep listening for your own curl (add --port 3000 for a tunnel)
import { parseArgs } from 'node:util'
import Fastify from 'fastify'
import { MemoryIdempotencyStore } from '@piopiy-webhooks/core'
import { piopiyPlugin } from '@piopiy-webhooks/fastify'
import { inboundAnsweredCdr, samples, send } from '@piopiy-webhooks/testing'
// the CLI's terminal formatting, from the sources: it is not part of the package's public API
import { alignRows, colorEnabled, createStyle, describeNotification, paintStatus, recordRows } from '../../packages/testing/src/format.js'

const HELP = `Usage: npm run demo [-- --serve] [-- --port <port>]

Starts a Fastify receiver on 127.0.0.1, sends it the documented PIOPIY samples and prints what
each callback received and the HTTP status of each delivery.

  --serve        keep listening afterwards, printing each request (Ctrl+C to stop)
  --port <port>  port to listen on (default: a free one; e.g. --port 3000 for a tunnel)
  -h, --help     show this help
`

const fail = (code, message) => {
  process.stderr.write(`demo: ${message}\n`)
  process.exit(code)
}

let args
try {
  args = parseArgs({ options: { serve: { type: 'boolean' }, port: { type: 'string' }, help: { type: 'boolean', short: 'h' } } }).values
} catch (err) {
  fail(2, `${err.message.split('. ')[0]}. See 'npm run demo -- --help'.`)
}
if (args.help) {
  process.stdout.write(HELP)
  process.exit(0)
}
const port = args.port ?? '0'
if (!/^[0-9]{1,5}$/.test(port) || Number(port) > 65535) fail(2, `--port must be a number from 0 to 65535 (got '${port}')`)

const style = createStyle(colorEnabled(process.stdout, process.env))
const print = (line = '') => { process.stdout.write(`${line}\n`) }

/** What the platform would POST, in order: [label, body]. */
const cdr = samples['piopiy.cdr.inbound.answered.leg-a.legacy']
const deliveries = [
  ['inbound answered CDR', cdr],
  ['the same CDR again (the platform resends CDRs)', cdr],
  ['inbound missed CDR', samples['piopiy.cdr.inbound.missed.leg-a']],
  ['outbound answered CDR (India docs)', samples['piopiy-india.cdr.outbound.answered.leg-a']],
  ['outbound missed CDR', samples['piopiy.cdr.outbound.missed.leg-a']],
  ['live event in_answered', samples['piopiy.event.inbound.answered.leg-a']],
  ['live event out_started', samples['piopiy.event.outbound.started.leg-a']],
  ["live event 'answered' (India docs: an event, not a CDR)", samples['piopiy-india.event.inbound.answered.leg-a']],
  ['live event hangup', samples['piopiy.event.inbound.hangup.leg-a.legacy']],
  ['stream event stream_connected', samples['piopiy.event.stream.connected']],
  ['stream event STREAM_DISCONNECTED', samples['piopiy.event.stream.disconnected']],
  ['invalid body (JSON cut off)', '{"cmiuuid": "55348d77-c515-425d-b22c-f0c6ecd8d780", "duration": 13, "stat']
]

/** Names of the callbacks that ran for the current delivery. */
let called = []
const printRecord = (name, title, rows) => {
  called.push(name)
  print(`    ${style.cyan('→')} ${style.bold(name)}  ${style.dim(title)}`)
  for (const line of alignRows(rows)) print(line)
}
const show = (name) => (record, ctx) => {
  printRecord(name, describeNotification(record), [...recordRows(record, style, '        '), [`        ${style.dim('ctx.key')}`, ctx.key]])
}

const app = Fastify()
await app.register(piopiyPlugin, {
  idempotency: new MemoryIdempotencyStore(),
  onInboundAnswered: show('onInboundAnswered'),
  onInboundMissed: show('onInboundMissed'),
  onOutboundAnswered: show('onOutboundAnswered'),
  onOutboundMissed: show('onOutboundMissed'),
  onCallEvent: show('onCallEvent'),
  onStreamEvent: show('onStreamEvent'),
  onInvalid: (info) => {
    printRecord('onInvalid', `rejected with ${info.status}`, recordRows({ reasons: info.reasons, rawBody: info.rawBody }, style, '        '))
  }
})

// with --serve, the requests that come afterwards are printed as they arrive
let serving = false
app.addHook('onRequest', async (request) => {
  if (serving) print(`${style.bold(`${request.method} ${request.url}`)}  ${style.dim(`from ${request.ip}`)}`)
})
app.addHook('onResponse', async (request, reply) => {
  if (serving) print(`    ${style.cyan('←')} ${paintStatus(style, reply.statusCode)}\n`)
})

try {
  await app.listen({ host: '127.0.0.1', port: Number(port) })
} catch (err) {
  fail(1, `cannot listen on 127.0.0.1:${port} (${err.code}); pass --port <another port>`)
}
const url = `http://127.0.0.1:${app.server.address().port}/webhook/cdr`

print(style.bold('piopiy-webhooks demo'))
for (const line of alignRows([
  ['  receiver', `Fastify + @piopiy-webhooks/fastify, POST ${style.cyan(url)}`],
  ['  dedupe', 'in memory (MemoryIdempotencyStore)'],
  ['  sending', `${deliveries.length} notifications from the PIOPIY docs, one after another`]
])) print(line)
print()

const summary = []
for (const [i, [label, body]] of deliveries.entries()) {
  called = []
  print(style.bold(`${String(i + 1).padStart(2)}  POST ${label}`))
  const [{ status, body: answer }] = await send(url, body)
  if (called.length === 0) print(`    ${style.dim('no callback ran: a copy of a notification already processed (deduplicated)')}`)
  print(`    ${style.cyan('←')} ${paintStatus(style, status, answer)}  ${style.dim(answer)}\n`)
  summary.push([String(i + 1).padStart(4), label, paintStatus(style, status, answer), called.join(', ') || '—'])
}

print(style.bold('Summary'))
for (const line of alignRows([['   #', 'delivery', 'HTTP', 'callback'].map(style.dim), ...summary])) print(line)
const counts = new Map()
for (const [, , status] of summary) counts.set(status, (counts.get(status) ?? 0) + 1)
print()
print(`${deliveries.length} deliveries: ${[...counts].map(([status, count]) => `${count} × ${status}`).join(', ')}`)

if (args.serve) {
  serving = true
  print()
  print(`${style.bold('Listening')} on ${style.cyan(url)} (Ctrl+C to stop). Send one yourself:`)
  print(`  curl -i ${url} -H 'content-type: application/json' -d '${JSON.stringify(inboundAnsweredCdr())}'`)
  print()
  await new Promise(resolve => {
    process.once('SIGINT', resolve)
    process.once('SIGTERM', resolve)
  })
  print('stopped.')
}
await app.close()
