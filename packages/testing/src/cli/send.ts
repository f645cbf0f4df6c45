/** `piopiy-webhooks send`: posts documented samples, built notifications or a file, and prints each status. */
import { basename } from 'node:path'
import { parseArgs } from 'node:util'
import { answerRequest, describeFlow, dtmfRequest } from '../call-control.js'
import { callEvent, inboundAnsweredCdr, inboundMissedCdr, outboundAnsweredCdr, outboundMissedCdr, streamEvent, type CallEventStatus, type Variant } from '../builders.js'
import { colorEnabled, createStyle, paintStatus } from '../format.js'
import { newCmiuuid } from '../ids.js'
import { sampleInfo, samples, type SampleName } from '../samples.js'
import { send, type Body } from '../send.js'
import { type CliIo, errorText, EXIT_FAILED, EXIT_OK, headerList, HELP_OPTION, helped, oneOf, positiveInteger, readInput, shorten, targetUrl, UsageError, warnEmptyToken } from './common.js'

const SEND_KINDS = ['inbound-answered', 'inbound-missed', 'outbound-answered', 'outbound-missed', 'call-event', 'stream-event', 'answer', 'dtmf', 'samples', 'invalid'] as const
type SendKind = typeof SEND_KINDS[number]
const EVENT_STATUSES: readonly CallEventStatus[] = ['in_answered', 'out_started', 'out_answered', 'out_bridged', 'hangup', 'started', 'ringing', 'answered']
const VARIANTS: readonly Variant[] = ['current', 'legacy', 'india']

export const SEND_HELP = `Usage: piopiy-webhooks send <url> [options]

Posts notifications to a receiver like PIOPIY does (JSON, identical copies for retries) and prints
the status of each delivery.

Options:
  --kind <kind>        what to send (default: inbound-answered):
                       ${SEND_KINDS.join(', ')}
                       (samples = every documented sample, each with a fresh cmiuuid so
                       that none is a duplicate of an earlier one; invalid = a body that is not JSON;
                       answer, dtmf = an answer-URL or action-URL request: the flow answered is printed)
  --keep-ids           --kind samples: send each sample's cmiuuid as printed in the docs
  --status <status>    call-event: ${EVENT_STATUSES.join(', ')} (default: in_answered)
                       stream-event: connected, disconnected (default: connected)
  --variant <variant>  CDRs and call events: ${VARIANTS.join(', ')}; answer: global, india
  --digits <digits>    dtmf: the digits pressed (default: 1)
  --sample <name>      one documented sample by name (see --kind samples)
  --file <f.json>      post this file's bytes as they are
  --times <n>          identical copies to post, one after another (default: 1; PIOPIY: up to 4)
  --token <token>      add ?token=<token> to the URL (where the PIOPIY dashboard URL carries it)
  --header <k:v>       extra request header (repeatable)
  -h, --help           show this help

Example:
  piopiy-webhooks send http://127.0.0.1:3000/webhook/cdr --kind inbound-answered --times 4
`

interface Outgoing { label: string, body: Body, flow?: boolean }

function builtPayload (kind: SendKind, status: string | undefined, variantName: string | undefined): Outgoing {
  if (status !== undefined && kind !== 'call-event' && kind !== 'stream-event') throw new UsageError('--status applies to --kind call-event and stream-event only')
  const options = variantName === undefined || kind === 'answer' ? {} : { variant: oneOf('--variant', variantName, VARIANTS) }
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
    case 'answer': return { label: 'answer', body: answerRequest({}, { variant: oneOf('--variant', variantName ?? 'global', ['global', 'india'] as const) }), flow: true }
    case 'dtmf': return { label: 'dtmf', body: dtmfRequest('1'), flow: true }
    case 'stream-event': {
      const state = oneOf('--status', status ?? 'connected', ['connected', 'disconnected'] as const)
      return { label: `stream-event ${state}`, body: streamEvent(state) }
    }
    default: return { label: 'invalid (not JSON)', body: '{"cmiuuid": "not closed' }
  }
}

/** What --kind, --sample or --file asks to send. */
async function outgoingOf (values: { kind?: string | undefined, sample?: string | undefined, file?: string | undefined, status?: string | undefined, variant?: string | undefined, digits?: string | undefined, 'keep-ids'?: boolean | undefined }): Promise<Outgoing[]> {
  if (values.file !== undefined) return [{ label: basename(values.file), body: await readInput(values.file) }]
  if (values.sample !== undefined) {
    const name = values.sample
    if (!(name in samples)) throw new UsageError(`unknown sample '${name}' (see --kind samples for their names)`)
    return [{ label: name, body: samples[name as SampleName] }]
  }
  const kind = oneOf('--kind', values.kind ?? 'inbound-answered', SEND_KINDS)
  if (values['keep-ids'] === true && kind !== 'samples') throw new UsageError('--keep-ids applies to --kind samples only')
  if (values.digits !== undefined) {
    if (kind !== 'dtmf') throw new UsageError('--digits applies to --kind dtmf only')
    if (!/^[0-9*#]+$/.test(values.digits)) throw new UsageError(`--digits must be keypad digits (got '${values.digits}')`)
    return [{ label: 'dtmf', body: dtmfRequest(values.digits), flow: true }]
  }
  return kind === 'samples'
    ? sampleInfo.map(info => ({ label: info.name, body: values['keep-ids'] === true ? samples[info.name] : { ...samples[info.name], cmiuuid: newCmiuuid() } }))
    : [builtPayload(kind, values.status, values.variant)]
}

export async function sendCommand (args: readonly string[], io: CliIo): Promise<number> {
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
      'keep-ids': { type: 'boolean' },
      header: { type: 'string', multiple: true },
      digits: { type: 'string' }
    }
  })
  if (helped(values.help, SEND_HELP, io)) return EXIT_OK
  if (positionals.length > 1) throw new UsageError(`expected one <url>, got ${positionals.length} arguments`)
  warnEmptyToken('send', values.token, io, 'sending ?token= with no value')
  const url = targetUrl(positionals[0], values.token)
  const times = positiveInteger('--times', values.times ?? '1')
  const headers = headerList(values.header)
  const sources = [values.kind, values.sample, values.file].filter(value => value !== undefined).length
  if (sources > 1) throw new UsageError('use only one of --kind, --sample and --file')

  const outgoing = await outgoingOf(values)

  const style = createStyle(colorEnabled(io.stdout, io.env))
  const width = Math.max(...outgoing.map(item => item.label.length))
  let failed = false
  for (const { label, body, flow } of outgoing) {
    let deliveries
    try {
      deliveries = await send(url, body, { times, headers })
    } catch (err) {
      throw new Error(`cannot reach ${url.href}: ${errorText(err)}`)
    }
    deliveries.forEach((delivery, i) => {
      failed ||= delivery.status < 200 || delivery.status >= 300
      const copy = times > 1 ? `  #${i + 1}/${times}` : ''
      const ok = delivery.status >= 200 && delivery.status < 300
      io.stdout.write(`${label.padEnd(width)}${copy}  ${paintStatus(style, delivery.status, delivery.body)}  ${flow === true && ok ? '' : style.dim(shorten(delivery.body))}`.trimEnd() + '\n')
      if (flow === true && ok) io.stdout.write(describeFlow(parsed(delivery.body)).map(line => `  ${line}\n`).join(''))
    })
  }
  return failed ? EXIT_FAILED : EXIT_OK
}

/** The JSON of an answer, or its text when it is not JSON. */
function parsed (text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}
