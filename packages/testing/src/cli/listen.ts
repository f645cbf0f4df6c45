/** `piopiy-webhooks listen`: a development receiver that prints each notification, duplicate and rejection. */
import { AsyncLocalStorage } from 'node:async_hooks'
import { once } from 'node:events'
import { createServer } from 'node:http'
import { parseArgs } from 'node:util'
import {
  createReceiver, MemoryIdempotencyStore,
  type ClaimResult, type InvalidInfo, type Logger, type Notification, type Receiver
} from '@piopiy-webhooks/core'
import { callbackOf, colorEnabled, createStyle, describeNotification, formatRecord, paintStatus, type Style } from '../format.js'
import { type CliIo, errorText, EXIT_OK, HELP_OPTION, helped, shorten, UsageError, warnEmptyToken } from './common.js'

export const LISTEN_HELP = `Usage: piopiy-webhooks listen [options]

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

/** What `listen` saw while the core handled one request. */
interface Seen {
  notification?: Notification
  invalid?: InvalidInfo
  key?: string
  claim?: ClaimResult
}

export async function listenCommand (args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: { ...HELP_OPTION, port: { type: 'string' }, host: { type: 'string' }, path: { type: 'string' }, token: { type: 'string' } }
  })
  if (helped(values.help, LISTEN_HELP, io)) return EXIT_OK
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0] as string}'`)
  const portText = values.port ?? '3000'
  if (!/^[0-9]{1,5}$/.test(portText) || Number(portText) > 65535) throw new UsageError(`--port must be a number from 0 to 65535 (got '${portText}')`)
  const host = values.host ?? '127.0.0.1'
  warnEmptyToken('listen', values.token, io, 'receiving without a token')
  const style = createStyle(colorEnabled(io.stdout, io.env))

  const seen = new AsyncLocalStorage<Seen>()
  const receiver = listeningReceiver(values, io, style, seen)

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
  const token = values.token === undefined || values.token === '' ? '' : `?token=${encodeURIComponent(values.token)}`
  const url = `http://${host}:${port}${receiver.path}${token}`
  io.stdout.write(`${style.bold('piopiy-webhooks listen')}: receiving on ${style.cyan(url)}\n` +
    `  try it: piopiy-webhooks send ${url} --kind samples\n  stop:   Ctrl+C\n\n`)

  if (!io.signal.aborted) await once(io.signal, 'abort')
  server.closeAllConnections()
  await new Promise(resolve => server.close(resolve))
  io.stdout.write('stopped.\n')
  return EXIT_OK
}

/** The receiver `listen` runs: it notes in `seen` what happened to each request (its notification, rejection, claim). */
function listeningReceiver (values: { path?: string | undefined, token?: string | undefined }, io: CliIo, style: Style, seen: AsyncLocalStorage<Seen>): Receiver {
  /** The in-memory store, telling `listen` which key each request claimed and what it found. */
  class ClaimReportingStore extends MemoryIdempotencyStore {
    override async claim (key: string, ttlMs: number, owner: string): Promise<ClaimResult> {
      const result = await super.claim(key, ttlMs, owner)
      Object.assign(seen.getStore() as Seen, { key, claim: result })
      return result
    }
  }
  const note = (obj: unknown, msg?: string): void => { io.stderr.write(`${style.dim(`note: ${msg ?? String(obj)}`)}\n`) }
  const quiet = (): void => {}
  const logger: Logger = { debug: quiet, info: quiet, warn: note, error: note }
  try {
    return createReceiver({
      ...(values.path === undefined ? {} : { path: values.path }),
      ...(values.token === undefined || values.token === '' ? {} : { auth: { token: values.token } }),
      idempotency: new ClaimReportingStore(),
      logger,
      onNotification: (n) => { (seen.getStore() as Seen).notification = n },
      onInvalid: (info) => { (seen.getStore() as Seen).invalid = info }
    })
  } catch (err) {
    // createReceiver only throws for bad options (PiopiyWebhookError INVALID_OPTIONS)
    throw new UsageError(errorText(err))
  }
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
