/**
 * Call control in the testing kit: the documented requests PIOPIY POSTs to an answer URL and an
 * action URL (read from the package's `samples/answer-url`, the repository's one copy of them),
 * builders of such requests (a documented sample with a fresh cmiuuid and the current time), and a
 * readable one-line-per-action description of a call flow, for the CLI and for test failures.
 */
import type { AnswerRequest, DtmfRequest, PcmoAction } from '@piopiy-webhooks/core'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { newCmiuuid } from './ids.js'
import type { Overrides } from './builders.js'
import { packageRoot } from './package-root.js'

/** The documented call-control requests, by the name of their file in `samples/answer-url`. */
export interface CallControlSamples {
  /** The global answer-URL request (piopiy/docs/play-file): `action: 'inbound'`, `from`/`to` as strings. */
  readonly 'piopiy.answer_url.request.inbound': Readonly<AnswerRequest>
  /** The India answer-URL request (piopiy-india/docs/configure-event-url): no `action`, numbers. */
  readonly 'piopiy-india.answer_url.request': Readonly<AnswerRequest>
  /** The action-URL request of an `input` (piopiy/docs/input), spelled `cmuuid`. */
  readonly 'piopiy.action_url.dtmf': Readonly<DtmfRequest>
}

const readBody = (name: keyof CallControlSamples): object =>
  Object.freeze((JSON.parse(readFileSync(join(packageRoot, 'samples', 'answer-url', `${name}.json`), 'utf8')) as { body: object }).body)

/** The documented answer-URL and action-URL request bodies, as printed (frozen: spread one to change it). */
export const callControlSamples: CallControlSamples = Object.freeze({
  'piopiy.answer_url.request.inbound': readBody('piopiy.answer_url.request.inbound'),
  'piopiy-india.answer_url.request': readBody('piopiy-india.answer_url.request'),
  'piopiy.action_url.dtmf': readBody('piopiy.action_url.dtmf')
}) as CallControlSamples

/** Which documented answer-URL sample to imitate: the global one (`action: 'inbound'`, quoted numbers) or the India one (no `action`). */
export type AnswerVariant = 'global' | 'india'

function apply<T> (payload: Record<string, unknown>, overrides: object): T {
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) delete payload[key]
    else payload[key] = value
  }
  return payload as T
}

/**
 * The request of an answer URL: a call starting. The documented sample (global: piopiy/docs/play-file;
 * India: piopiy-india/docs/configure-event-url) with a fresh cmiuuid and the current time.
 */
export function answerRequest (overrides: Overrides<AnswerRequest> = {}, { variant = 'global' }: { variant?: AnswerVariant } = {}): AnswerRequest {
  const sample = callControlSamples[variant === 'india' ? 'piopiy-india.answer_url.request' : 'piopiy.answer_url.request.inbound']
  return apply({ ...sample, time: Date.now(), cmiuuid: newCmiuuid() }, overrides)
}

/** The request of an action URL: the digits collected. The documented sample (piopiy/docs/input, with its `cmuuid` spelling) with a fresh cmuuid. */
export function dtmfRequest (dtmf: string, overrides: Overrides<DtmfRequest> = {}): DtmfRequest {
  return apply({ ...callControlSamples['piopiy.action_url.dtmf'], dtmf, cmuuid: newCmiuuid() }, overrides)
}

const plural = (n: unknown, word: string): string => `${String(n)} ${word}${n === 1 ? '' : 's'}`
const dialOptions = (a: Record<string, unknown>): string => [
  a.from === undefined ? '' : `caller id ${String(a.from)}`,
  a.ring_type === 'group' ? 'all at once' : '',
  a.timeout === undefined ? '' : `ring ${String(a.timeout)} s`,
  a.duration === undefined ? '' : `at most ${String(a.duration)} s`,
  a.loop === undefined ? '' : plural(a.loop, 'try').replace('trys', 'tries')
].filter(Boolean).join(', ')
const targets = (list: unknown, key: 'number' | 'user'): string =>
  (Array.isArray(list) ? list : []).map(item => String((item as Record<string, unknown>)[key])).join(', ')

/** One action as a person reads it, e.g. `input           up to 4 digits, wait 5 s → https://…`. */
export function describeAction (action: PcmoAction): string {
  const a = action as Record<string, unknown>
  const digits = (): string => [`up to ${plural(a.max_digit ?? 1, 'digit')}`, a.timeout === undefined ? '' : `wait ${String(a.timeout)} s`].filter(Boolean).join(', ')
  const detail = ((): string => {
    switch (action.action) {
      case 'play': return String(a.file_name ?? a.file_url)
      case 'speak': return JSON.stringify(a.text)
      case 'bridge': return `call ${targets(a.connect, 'number')}${dialOptions(a) === '' ? '' : ` (${dialOptions(a)})`}`
      case 'connect': return `SIP ${targets(a.connect ?? a.call, 'user')}${dialOptions(a) === '' ? '' : ` (${dialOptions(a)})`}`
      case 'input': return `${digits()} → ${String(a.action_url)}`
      case 'play_get_input': return `play ${String(a.file_name ?? a.file_url)}, ${digits()}${a.max_retry === undefined ? '' : `, ${plural(a.max_retry, 'play')}`} → ${String(a.action_url)}`
      case 'param': return String(a.text ?? '')
      case 'stream': return `${String(a.ws_url)} (${String(a.listen_mode)}${a.voice_quality === undefined ? '' : `, ${String(a.voice_quality)} bps`}${a.stream_on_answer === true ? ', once answered' : ''})`
      default: return '' // record, hangup
    }
  })()
  return `${action.action.padEnd(15)} ${detail}`.trimEnd()
}

/** A flow as numbered lines; anything that is not a list of actions is shown as it is. */
export function describeFlow (flow: unknown): string[] {
  if (!Array.isArray(flow)) return [`(not a call flow) ${JSON.stringify(flow)}`]
  return flow.map((action, i) => `${String(i + 1).padStart(2)}. ${typeof action === 'object' && action !== null && typeof (action as { action?: unknown }).action === 'string' ? describeAction(action as PcmoAction) : JSON.stringify(action)}`)
}

/** The `input`/`play_get_input` action a flow waits on, if any (the first one). */
export function inputOf (flow: unknown): { action_url: string, max_digit?: number } | undefined {
  if (!Array.isArray(flow)) return undefined
  return flow.find((a): a is { action: string, action_url: string } =>
    typeof a === 'object' && a !== null && (a.action === 'input' || a.action === 'play_get_input') && typeof a.action_url === 'string')
}
