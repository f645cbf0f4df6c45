/**
 * `piopiy-webhooks call`: simulates a call against your answer URL. Posts the answer-URL request,
 * prints the flow your server answered, and while that flow collects digits (an `input` or
 * `play_get_input` action), asks for them (stdin, or `--digits`) and posts them to the action's
 * `action_url`, like the platform does. A readable transcript, no progress output.
 */
import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'
import { answerRequest, describeFlow, dtmfRequest, inputOf } from '../call-control.js'
import { colorEnabled, createStyle, paintStatus } from '../format.js'
import { send } from '../send.js'
import { type CliIo, errorText, EXIT_FAILED, EXIT_OK, headerList, HELP_OPTION, helped, targetUrl, UsageError } from './common.js'

export const CALL_HELP = `Usage: piopiy-webhooks call <answer-url> [options]

Simulates a call: posts the answer-URL request PIOPIY sends when a call starts, prints the call
flow your server answers, and for an input or play_get_input action asks for the digits and posts
them to its action_url, until a flow collects no more digits.

Options:
  --from <number>      the caller (default: 19170000001)
  --to <number>        your PIOPIY number (default: 19170000000)
  --digits <list>      the digits to press, comma-separated (e.g. 1,42); without it they are read from stdin
  --token <token>      add ?token=<token> to the answer URL, and to action URLs on the same origin
  --header <k:v>       extra request header (repeatable)
  -h, --help           show this help

Example:
  piopiy-webhooks call http://127.0.0.1:3000/webhook/answer --digits 1
`

/** At most this many requests per simulated call (a flow that always asks again would loop forever). */
const MAX_STEPS = 20

/** Reads one line at a time from stdin (or from --digits), `undefined` once there are no more. */
function digitSource (list: string | undefined, io: CliIo): { next: () => Promise<string | undefined>, close: () => void } {
  if (list !== undefined) {
    const queue = list.split(',').map(d => d.trim())
    if (queue.some(d => !/^[0-9*#]+$/.test(d))) throw new UsageError(`--digits must be comma-separated keypad digits (got '${list}')`)
    return { next: async () => queue.shift(), close: () => {} }
  }
  if (io.stdin === undefined) return { next: async () => undefined, close: () => {} }
  const reader = createInterface({ input: io.stdin, terminal: false })
  const lines = reader[Symbol.asyncIterator]()
  return {
    next: async () => {
      const line = await lines.next()
      return line.done === true ? undefined : line.value.trim()
    },
    close: () => { reader.close() }
  }
}

export async function callCommand (args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: { ...HELP_OPTION, from: { type: 'string' }, to: { type: 'string' }, digits: { type: 'string' }, token: { type: 'string' }, header: { type: 'string', multiple: true } }
  })
  if (helped(values.help, CALL_HELP, io)) return EXIT_OK
  if (positionals.length > 1) throw new UsageError(`expected one <answer-url>, got ${positionals.length} arguments`)
  const answerUrl = targetUrl(positionals[0], values.token)
  const headers = headerList(values.header)
  const digits = digitSource(values.digits, io)
  const style = createStyle(colorEnabled(io.stdout, io.env))
  const call = answerRequest({ ...(values.from !== undefined && { from: values.from }), ...(values.to !== undefined && { to: values.to }) })
  const out = (line: string): void => { io.stdout.write(`${line}\n`) }
  out(`call ${String(call.cmiuuid)} from ${String(call.from)} to ${String(call.to)}`)

  try {
    // a terminal echoes what is typed; otherwise the transcript shows the digits after the prompt
    const echo = values.digits !== undefined || (io.stdin as { isTTY?: boolean } | undefined)?.isTTY !== true
    return await converse(answerUrl, call, digits.next, { token: values.token, headers, style, echo, write: text => { io.stdout.write(text) } })
  } finally {
    digits.close()
  }
}

interface Conversation { headers: Record<string, string>, write: (text: string) => void, style: ReturnType<typeof createStyle>, token: string | undefined, echo: boolean }

/** Posts the answer request, then the digits of each flow that collects some, printing each step. */
async function converse (answerUrl: URL, call: ReturnType<typeof answerRequest>, nextDigits: () => Promise<string | undefined>, { headers, write, style, token, echo }: Conversation): Promise<number> {
  const out = (line: string): void => { write(`${line}\n`) }
  let url = answerUrl
  let body: object = call
  for (let step = 0; step < MAX_STEPS; step++) {
    out(`→ POST ${url.href}`)
    let delivery
    try {
      [delivery] = await send(url, body, { headers })
    } catch (err) {
      throw new Error(`cannot reach ${url.href}: ${errorText(err)}`)
    }
    const { status, body: text } = delivery as { status: number, body: string }
    out(`← ${paintStatus(style, status, text)}`)
    let flow: unknown
    try { flow = JSON.parse(text) } catch { flow = text }
    if (status < 200 || status >= 300) { out(`  ${text}`); return EXIT_FAILED }
    for (const line of describeFlow(flow)) out(`  ${line}`)
    const input = inputOf(flow)
    if (input === undefined) { out('call ends: the flow collects no digits'); return EXIT_OK }
    write(`digits (${input.max_digit ?? 1} max)? `)
    const digits = await nextDigits()
    if (digits === undefined) { out('\ncall ends: no digits given (stdin closed)'); return EXIT_OK }
    if (echo) out(digits)
    url = new URL(input.action_url)
    if (token !== undefined && url.origin === answerUrl.origin) url.searchParams.set('token', token)
    body = dtmfRequest(digits, { cmuuid: call.cmiuuid as string, from: call.from, to: call.to })
  }
  out(`call ends: stopped after ${MAX_STEPS} requests`)
  return EXIT_FAILED
}
