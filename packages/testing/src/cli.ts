/**
 * The `piopiy-webhooks` command line: `send`, `listen` and `replay`. Everything runs in `main(argv, io)`
 * with injected output streams, so that it is tested in-process; `bin.ts` only wires it to the process.
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import { once } from 'node:events'
import { readFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import { basename } from 'node:path'
import { parseArgs } from 'node:util'
import {
  createReceiver, MemoryIdempotencyStore,
  type ClaimResult, type InvalidInfo, type Logger, type Notification
} from '@piopiy-webhooks/core'
import { callEvent, inboundAnsweredCdr, inboundMissedCdr, outboundAnsweredCdr, outboundMissedCdr, streamEvent, type CallEventStatus, type Variant } from './builders.js'
import { alignRows, callbackOf, colorEnabled, createStyle, describeNotification, formatRecord, paintStatus, type Style } from './format.js'
import { sampleInfo, samples, type SampleName } from './samples.js'
import { send, type Body } from './send.js'

/** Where the CLI writes: `process.stdout` and `process.stderr`, or anything with `write`. */
export interface Output {
  write (chunk: string): unknown
  isTTY?: boolean
}

export interface CliIo {
  stdout: Output
  stderr: Output
  /** Environment (`NO_COLOR`, `FORCE_COLOR`, `TERM`). */
  env?: Record<string, string | undefined>
  /** Stops `listen` when aborted (the bin aborts it on SIGINT and SIGTERM). */
  signal: AbortSignal
}

/** Exit codes: 0 all delivered with 2xx; 1 some delivery failed or answered non-2xx; 2 usage error. */
export const EXIT_OK = 0
export const EXIT_FAILED = 1
export const EXIT_USAGE = 2

class UsageError extends Error {}

const HELP = `Usage: piopiy-webhooks <command> [options]

Send, receive and replay PIOPIY (TeleCMI) webhooks during development.

Commands:
  send <url>                 post documented samples, built notifications or a file
  listen                     run a development receiver that prints each notification
  replay <file.jsonl> <url>  re-send captured raw bodies, one per line

Options:
  -h, --help                 show help (also: piopiy-webhooks <command> --help)

Exit codes: 0 every delivery answered 2xx, 1 some did not, 2 usage error.
`

const SEND_KINDS = ['inbound-answered', 'inbound-missed', 'outbound-answered', 'outbound-missed', 'call-event', 'stream-event', 'samples', 'invalid'] as const
type SendKind = typeof SEND_KINDS[number]
const EVENT_STATUSES: readonly CallEventStatus[] = ['in_answered', 'out_started', 'out_answered', 'out_bridged', 'hangup', 'started', 'ringing', 'answered']
const VARIANTS: readonly Variant[] = ['current', 'legacy', 'india']

const SEND_HELP = `Usage: piopiy-webhooks send <url> [options]

Posts notifications to a receiver like PIOPIY does (JSON, identical copies for retries) and prints
the status of each delivery.

Options:
  --kind <kind>        what to send (default: inbound-answered):
                       ${SEND_KINDS.join(', ')}
                       (samples = every documented sample; invalid = a body that is not JSON)
  --status <status>    call-event: ${EVENT_STATUSES.join(', ')} (default: in_answered)
                       stream-event: connected, disconnected (default: connected)
  --variant <variant>  CDRs and call events: ${VARIANTS.join(', ')}
  --sample <name>      one documented sample by name (see --kind samples)
  --file <f.json>      post this file's bytes as they are
  --times <n>          identical copies to post, one after another (default: 1; PIOPIY: up to 4)
  --token <token>      add ?token=<token> to the URL (where the PIOPIY dashboard URL carries it)
  --header <k:v>       extra request header (repeatable)
  -h, --help           show this help

Example:
  piopiy-webhooks send http://127.0.0.1:3000/webhook/cdr --kind inbound-answered --times 4
`

const LISTEN_HELP = `Usage: piopiy-webhooks listen [options]

Runs a development receiver (the core's createReceiver on node:http, in-memory dedupe) and prints
each notification parsed and classified, each duplicate, and why each rejected request was rejected.

Options:
  --port <port>    port to listen on (default: 3000; 0 picks a free one)
  --host <host>    IPv4 address or host name to bind (default: 127.0.0.1)
  --path <path>    webhook route (default: /webhook/cdr)
  --token <token>  require this token (?token= or the x-webhook-token header)
  -h, --help       show this help

Stop it with Ctrl+C.
`

const REPLAY_HELP = `Usage: piopiy-webhooks replay <file.jsonl> <url> [options]

Re-sends captured raw bodies, one per line, and prints a summary of the statuses. A line may be:
  - a JSON object: sent as written (a captured notification);
  - a JSON object with a string "rawBody" (what onInvalid receives): its rawBody is sent;
  - a JSON string: its content is sent (a raw body that was not JSON);
  - anything else: the line is sent as it is.
Blank lines are skipped. Progress goes to stderr.

Options:
  --concurrency <n>  deliveries in flight at once (default: 1)
  --token <token>    add ?token=<token> to the URL
  --header <k:v>     extra request header (repeatable)
  -h, --help         show this help
`

const COMMAND_HELP: Record<string, string> = { send: SEND_HELP, listen: LISTEN_HELP, replay: REPLAY_HELP }
const isCommand = (name: string | undefined): name is string => name !== undefined && Object.hasOwn(COMMAND_HELP, name)

/** Runs the CLI; resolves with the exit code. Never rejects: errors are printed as one line. */
export async function main (argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...args] = argv
  try {
    if (command === undefined) {
      io.stderr.write(HELP)
      return EXIT_USAGE
    }
    if (command === '-h' || command === '--help' || command === 'help') {
      io.stdout.write(isCommand(args[0]) ? COMMAND_HELP[args[0]] as string : HELP)
      return EXIT_OK
    }
    if (command === 'send') return await sendCommand(args, io)
    if (command === 'listen') return await listenCommand(args, io)
    if (command === 'replay') return await replayCommand(args, io)
    throw new UsageError(`unknown command '${command}' (commands: send, listen, replay)`)
  } catch (err) {
    const known = isCommand(command)
    const prefix = known ? `piopiy-webhooks ${command}` : 'piopiy-webhooks'
    if (err instanceof UsageError || isParseArgsError(err)) {
      // parseArgs adds a second sentence on how to pass positionals that start with '-': keep the first
      const message = err instanceof UsageError ? err.message : (err as Error).message.split('. ')[0] as string
      io.stderr.write(`${prefix}: ${message}. See 'piopiy-webhooks${known ? ` ${command}` : ''} --help'.\n`)
      return EXIT_USAGE
    }
    io.stderr.write(`${prefix}: ${errorText(err)}\n`)
    return EXIT_FAILED
  }
}

const isParseArgsError = (err: unknown): boolean => String((err as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS_')

/** One line for an error, with its cause (fetch reports `fetch failed` and hides the reason there). */
function errorText (err: unknown): string {
  const error = err as Error & { cause?: Error }
  const message = error.message.replace(/^\[@piopiy-webhooks\/core\] /, '')
  return error.cause?.message === undefined ? message : `${message} (${error.cause.message})`
}

const HELP_OPTION = { help: { type: 'boolean', short: 'h' } } as const

/** Prints a command's help when `--help` was given. */
function helped (help: boolean | undefined, command: string, io: CliIo): boolean {
  if (help === true) io.stdout.write(COMMAND_HELP[command] as string)
  return help === true
}

function targetUrl (value: string | undefined, token: string | undefined): URL {
  if (value === undefined) throw new UsageError('missing <url>')
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new UsageError(`'${value}' is not a URL (expected e.g. http://127.0.0.1:3000/webhook/cdr)`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`'${value}' is not an http(s) URL`)
  if (token !== undefined) url.searchParams.set('token', token)
  return url
}

function positiveInteger (name: string, value: string): number {
  if (!/^[1-9][0-9]*$/.test(value)) throw new UsageError(`${name} must be a positive integer (got '${value}')`)
  return Number(value)
}

function headerList (values: string[] | undefined): Record<string, string> {
  const headers: Record<string, string> = {}
  for (const value of values ?? []) {
    const colon = value.indexOf(':')
    const name = value.slice(0, colon).trim()
    if (colon < 0 || name === '') throw new UsageError(`--header must look like 'name: value' (got '${value}')`)
    headers[name.toLowerCase()] = value.slice(colon + 1).trim()
  }
  return headers
}

function oneOf<T extends string> (name: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`${name} must be one of ${allowed.join(', ')} (got '${value}')`)
  return value as T
}

async function readInput (file: string): Promise<Buffer> {
  try {
    return await readFile(file)
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${String((err as NodeJS.ErrnoException).code)}`)
  }
}

interface Outgoing { label: string, body: Body }

function builtPayload (kind: SendKind, status: string | undefined, variantName: string | undefined): Outgoing {
  if (status !== undefined && kind !== 'call-event' && kind !== 'stream-event') throw new UsageError('--status applies to --kind call-event and stream-event only')
  const options = variantName === undefined ? {} : { variant: oneOf('--variant', variantName, VARIANTS) }
  if (variantName !== undefined && kind === 'stream-event') throw new UsageError('--variant does not apply to stream events')
  switch (kind) {
    case 'inbound-answered': return { label: kind, body: inboundAnsweredCdr({}, options) }
    case 'inbound-missed': return { label: kind, body: inboundMissedCdr({}, options) }
    case 'outbound-answered': return { label: kind, body: outboundAnsweredCdr({}, options) }
    case 'outbound-missed': return { label: kind, body: outboundMissedCdr({}, options) }
    case 'call-event': {
      const eventStatus = oneOf('--status', status ?? 'in_answered', EVENT_STATUSES)
      return { label: `call-event ${eventStatus}`, body: callEvent(eventStatus, {}, options) }
    }
    case 'stream-event': {
      const state = oneOf('--status', status ?? 'connected', ['connected', 'disconnected'] as const)
      return { label: `stream-event ${state}`, body: streamEvent(state) }
    }
    default: return { label: 'invalid (not JSON)', body: '{"cmiuuid": "not closed' }
  }
}

async function sendCommand (args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      ...HELP_OPTION,
      kind: { type: 'string' },
      status: { type: 'string' },
      variant: { type: 'string' },
      sample: { type: 'string' },
      file: { type: 'string' },
      times: { type: 'string' },
      token: { type: 'string' },
      header: { type: 'string', multiple: true }
    }
  })
  if (helped(values.help, 'send', io)) return EXIT_OK
  if (positionals.length > 1) throw new UsageError(`expected one <url>, got ${positionals.length} arguments`)
  const url = targetUrl(positionals[0], values.token)
  const times = positiveInteger('--times', values.times ?? '1')
  const headers = headerList(values.header)
  const sources = [values.kind, values.sample, values.file].filter(value => value !== undefined).length
  if (sources > 1) throw new UsageError('use only one of --kind, --sample and --file')

  let outgoing: Outgoing[]
  if (values.file !== undefined) {
    outgoing = [{ label: basename(values.file), body: await readInput(values.file) }]
  } else if (values.sample !== undefined) {
    const name = values.sample
    if (!(name in samples)) throw new UsageError(`unknown sample '${name}' (see --kind samples for their names)`)
    outgoing = [{ label: name, body: samples[name as SampleName] }]
  } else {
    const kind = oneOf('--kind', values.kind ?? 'inbound-answered', SEND_KINDS)
    outgoing = kind === 'samples'
      ? sampleInfo.map(info => ({ label: info.name, body: samples[info.name] }))
      : [builtPayload(kind, values.status, values.variant)]
  }

  const style = createStyle(colorEnabled(io.stdout, io.env))
  const width = Math.max(...outgoing.map(item => item.label.length))
  let failed = false
  for (const { label, body } of outgoing) {
    let deliveries
    try {
      deliveries = await send(url, body, { times, headers })
    } catch (err) {
      throw new Error(`cannot reach ${url.href}: ${errorText(err)}`)
    }
    deliveries.forEach((delivery, i) => {
      failed ||= delivery.status < 200 || delivery.status >= 300
      const copy = times > 1 ? `  #${i + 1}/${times}` : ''
      io.stdout.write(`${label.padEnd(width)}${copy}  ${paintStatus(style, delivery.status, delivery.body)}  ${style.dim(shorten(delivery.body))}\n`)
    })
  }
  return failed ? EXIT_FAILED : EXIT_OK
}

const shorten = (text: string, max = 120): string => {
  const line = text.replace(/\s+/g, ' ').trim()
  return line.length > max ? `${line.slice(0, max - 1)}…` : line
}

/** What `listen` saw while the core handled one request. */
interface Seen {
  notification?: Notification
  invalid?: InvalidInfo
  key?: string
  claim?: ClaimResult
}

async function listenCommand (args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: { ...HELP_OPTION, port: { type: 'string' }, host: { type: 'string' }, path: { type: 'string' }, token: { type: 'string' } }
  })
  if (helped(values.help, 'listen', io)) return EXIT_OK
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0] as string}'`)
  const portText = values.port ?? '3000'
  if (!/^[0-9]{1,5}$/.test(portText) || Number(portText) > 65535) throw new UsageError(`--port must be a number from 0 to 65535 (got '${portText}')`)
  const host = values.host ?? '127.0.0.1'
  const style = createStyle(colorEnabled(io.stdout, io.env))

  const seen = new AsyncLocalStorage<Seen>()
  /** The in-memory store, telling `listen` which key each request claimed and what it found. */
  class WatchedStore extends MemoryIdempotencyStore {
    override async claim (key: string, ttlMs: number): Promise<ClaimResult> {
      const result = await super.claim(key, ttlMs)
      Object.assign(seen.getStore() as Seen, { key, claim: result })
      return result
    }
  }
  const note = (obj: unknown, msg?: string): void => { io.stderr.write(`${style.dim(`note: ${msg ?? String(obj)}`)}\n`) }
  const quiet = (): void => {}
  const logger: Logger = { debug: quiet, info: quiet, warn: note, error: note }
  let receiver
  try {
    receiver = createReceiver({
      ...(values.path === undefined ? {} : { path: values.path }),
      ...(values.token === undefined ? {} : { auth: { token: values.token } }),
      idempotency: new WatchedStore(),
      logger,
      onNotification: (n) => { (seen.getStore() as Seen).notification = n },
      onInvalid: (info) => { (seen.getStore() as Seen).invalid = info }
    })
  } catch (err) {
    // createReceiver only throws for bad options (PiopiyWebhookError INVALID_OPTIONS)
    throw new UsageError(errorText(err))
  }

  const server = createServer((req, res) => {
    const state: Seen = {}
    void seen.run(state, async () => {
      const answer = await receiver.handle({ method: req.method as string, path: req.url as string, headers: req.headers, rawBody: req, ip: req.socket.remoteAddress })
      res.writeHead(answer.status, answer.headers).end(answer.body)
      io.stdout.write(report(style, `${req.method as string} ${req.url as string}`, answer.status, answer.body, state, receiver.path))
    })
  })
  server.listen(Number(portText), host)
  try {
    await once(server, 'listening')
  } catch (err) {
    throw new Error(`cannot listen on ${host}:${portText}: ${errorText(err)}`)
  }
  const { port } = server.address() as { port: number }
  const token = values.token === undefined ? '' : `?token=${encodeURIComponent(values.token)}`
  const url = `http://${host}:${port}${receiver.path}${token}`
  io.stdout.write(`${style.bold('piopiy-webhooks listen')}: receiving on ${style.cyan(url)}\n` +
    `  try it: piopiy-webhooks send ${url} --kind samples\n  stop:   Ctrl+C\n\n`)

  if (!io.signal.aborted) await once(io.signal, 'abort')
  server.closeAllConnections()
  await new Promise(resolve => server.close(resolve))
  io.stdout.write('stopped.\n')
  return EXIT_OK
}

/** The lines `listen` prints for one request. */
function report (style: Style, request: string, status: number, body: string, seen: Seen, path: string): string {
  const time = style.dim(new Date().toTimeString().slice(0, 8))
  const head = `${time}  ${request}  ${paintStatus(style, status, body)}`
  if (seen.notification !== undefined) {
    const n = seen.notification
    return `${head}  ${style.bold(describeNotification(n))} → ${callbackOf(n)}\n${formatRecord(n, style, '    ').join('\n')}\n\n`
  }
  if (seen.invalid !== undefined) {
    return `${head}  rejected: ${seen.invalid.reasons.join('; ')}\n    ${style.dim('body')}  ${shorten(seen.invalid.rawBody, 200)}\n\n`
  }
  if (seen.claim === 'done') return `${head}  duplicate of ${seen.key as string}: already processed, callbacks skipped\n\n`
  if (status === 404) return `${head}  (the webhook route is ${path})\n\n`
  return `${head}\n\n`
}

/** What one line of a replay file asks to send. */
export function replayBody (line: string): string {
  let value: unknown
  try {
    value = JSON.parse(line)
  } catch {
    return line
  }
  if (typeof value === 'string') return value
  const rawBody = (value as { rawBody?: unknown } | null)?.rawBody
  return typeof rawBody === 'string' ? rawBody : line
}

async function replayCommand (args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: { ...HELP_OPTION, concurrency: { type: 'string' }, token: { type: 'string' }, header: { type: 'string', multiple: true } }
  })
  if (helped(values.help, 'replay', io)) return EXIT_OK
  if (positionals.length !== 2) throw new UsageError(`expected <file.jsonl> <url>, got ${positionals.length} argument${positionals.length === 1 ? '' : 's'}`)
  const [file, target] = positionals as [string, string]
  const url = targetUrl(target, values.token)
  const concurrency = positiveInteger('--concurrency', values.concurrency ?? '1')
  const headers = headerList(values.header)
  const lines = (await readInput(file)).toString('utf8').split(/\r?\n/)
  const bodies = lines.flatMap((line, i) => line.trim() === '' ? [] : [{ line: i + 1, body: replayBody(line) }])

  const style = createStyle(colorEnabled(io.stdout, io.env))
  const progress = progressBar(io.stderr, bodies.length, colorEnabled(io.stderr, io.env))
  const results: Array<{ line: number, status: number | 'error', detail: string }> = []
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < bodies.length) {
      const { line, body } = bodies[next++] as { line: number, body: string }
      try {
        const [delivery] = await send(url, body, { headers })
        const { status, body: answer } = delivery as { status: number, body: string }
        results.push({ line, status, detail: reasonsOf(answer) })
      } catch (err) {
        results.push({ line, status: 'error', detail: errorText(err) })
      }
      progress(results.length)
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(bodies.length, 1)) }, worker))

  const counts = new Map<string, number>()
  for (const { status } of results) counts.set(String(status), (counts.get(String(status)) ?? 0) + 1)
  const summary = [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([status, count]) => `${count} × ${status}`).join(', ')
  io.stdout.write(`replayed ${bodies.length} bod${bodies.length === 1 ? 'y' : 'ies'} from ${file} to ${url.href}${summary === '' ? '' : `: ${summary}`}\n`)
  const failures = results.filter(r => r.status === 'error' || r.status < 200 || r.status >= 300).sort((a, b) => a.line - b.line)
  const rows = failures.slice(0, 20).map(r => [`  line ${r.line}`, r.status === 'error' ? style.red('error') : paintStatus(style, r.status), r.detail])
  for (const row of alignRows(rows)) io.stdout.write(`${row}\n`)
  if (failures.length > 20) io.stdout.write(`  … and ${failures.length - 20} more\n`)
  return failures.length > 0 ? EXIT_FAILED : EXIT_OK
}

/** The reasons of a 4xx answer (`{ error, reasons }`), else the body on one short line. */
function reasonsOf (body: string): string {
  try {
    const reasons = (JSON.parse(body) as { reasons?: unknown }).reasons
    if (Array.isArray(reasons)) return shorten(reasons.join('; '))
  } catch {}
  return shorten(body)
}

/** Progress on stderr: a bar redrawn in place on a terminal, else a line every tenth of the work. */
function progressBar (stream: Output, total: number, color: boolean): (done: number) => void {
  if (stream.isTTY === true) {
    const style = createStyle(color)
    return done => {
      const filled = Math.round((done / total) * 30)
      stream.write(`\r${style.cyan('█'.repeat(filled))}${style.dim('░'.repeat(30 - filled))} ${done}/${total}${done === total ? '\n' : ''}`)
    }
  }
  const step = Math.max(1, Math.ceil(total / 10))
  return done => {
    if (done % step === 0 || done === total) stream.write(`replay: ${done}/${total} sent\n`)
  }
}
