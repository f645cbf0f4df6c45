/** `piopiy-webhooks replay`: re-sends captured raw bodies with a progress bar and a summary of the statuses. */
import { parseArgs } from 'node:util'
import { alignRows, colorEnabled, createStyle, paintStatus } from '../format.js'
import { send } from '../send.js'
import { type CliIo, errorText, EXIT_FAILED, EXIT_OK, headerList, HELP_OPTION, helped, type Output, positiveInteger, readInput, shorten, targetUrl, UsageError, warnEmptyToken } from './common.js'

export const REPLAY_HELP = `Usage: piopiy-webhooks replay <file.jsonl> <url> [options]

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

export async function replayCommand (args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: { ...HELP_OPTION, concurrency: { type: 'string' }, token: { type: 'string' }, header: { type: 'string', multiple: true } }
  })
  if (helped(values.help, REPLAY_HELP, io)) return EXIT_OK
  if (positionals.length !== 2) throw new UsageError(`expected <file.jsonl> <url>, got ${positionals.length} argument${positionals.length === 1 ? '' : 's'}`)
  const [file, target] = positionals as [string, string]
  warnEmptyToken('replay', values.token, io, 'sending ?token= with no value')
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
