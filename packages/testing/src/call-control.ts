/**
 * Call control in the testing kit: builders of the requests PIOPIY POSTs to an answer URL and an
 * action URL (shaped like the documented samples, with a fresh cmiuuid and the current time), and a
 * readable one-line-per-action description of a call flow, for the CLI and for test failures.
 */
import type { AnswerRequest, DtmfRequest, PcmoAction } from '@piopiy-webhooks/core'
import { newCmiuuid } from './ids.js'
import type { Overrides } from './builders.js'

/** Which documented answer-URL sample to imitate: the global one (`action: 'inbound'`, quoted numbers) or the India one (no `action`). */
export type AnswerVariant = 'global' | 'india'

function apply<T> (payload: Record<string, unknown>, overrides: object): T {
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) delete payload[key]
    else payload[key] = value
  }
  return payload as T
}

/** The request of an answer URL: a call starting (piopiy/docs/play-file; India: piopiy-india/docs/configure-event-url). */
export function answerRequest (overrides: Overrides<AnswerRequest> = {}, { variant = 'global' }: { variant?: AnswerVariant } = {}): AnswerRequest {
  const payload = variant === 'india'
    ? { from: 919100000000, to: 4471000000, time: Date.now(), cmiuuid: newCmiuuid() }
    : { action: 'inbound', from: '19170000001', to: '19170000000', time: Date.now(), cmiuuid: newCmiuuid() }
  return apply(payload, overrides)
}

/** The request of an action URL: the digits collected (piopiy/docs/input, with its `cmuuid` spelling). */
export function dtmfRequest (dtmf: string, overrides: Overrides<DtmfRequest> = {}): DtmfRequest {
  return apply({ from: 919100000000, to: 4471000000, dtmf, cmuuid: newCmiuuid() }, overrides)
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
