/**
 * pcmo(): a typed builder of PIOPIY call flows. Every method checks its input against the
 * documented ranges when it is called (a clear `PiopiyWebhookError` INVALID_PCMO, at build time, not
 * as a dead call) and appends the action exactly as the docs print it: snake_case keys in the
 * documented order, phone numbers as JSON numbers.
 *
 * ```ts
 * pcmo().speak('Press 1 for sales').input({ actionUrl: 'https://example.com/webhook/action', maxDigit: 1 })
 * ```
 */
import { PiopiyWebhookError } from './errors.js'
import * as generated from './generated/call-control-validators.js'
import type {
  BridgeAction, ConnectAction, InputAction, Pcmo, PcmoAction, PlayGetInputAction, StreamAction
} from './pcmo-schemas.js'
import { describeError, describeValue as described } from './validate.js'

/** What a generated (standalone) Ajv validator reports for each problem (the fields read here). */
interface ErrorObject { keyword: string, instancePath: string, schemaPath: string, params: Record<string, unknown> }
/** A validator generated at build time (scripts/generate.ts): Ajv's standalone code, no Ajv at run time. */
export type Validator = ((payload: unknown) => boolean) & { errors?: ErrorObject[] | null }

/** What a value is, for messages (`nothing` for undefined). */
const describeValue = (value: unknown): string => value === undefined ? 'nothing' : described(value)

/** A phone number: a number, or a string of digits (an optional leading `+` is dropped). */
export type PhoneNumber = number | string

/** Options of `bridge` and `connect` (pages forward-call and connect-call). */
export interface DialOptions {
  /** Caller id shown to the called party. @default the platform's default phone number */
  from?: PhoneNumber
  /** Longest call, in seconds. @default 5400 (platform) */
  duration?: number
  /** Ringing time, in seconds. @default 40 (platform) */
  timeout?: number
  /** How many times to try. @default 1 (platform) */
  loop?: number
  /** `'group'` rings every destination at once. @default 'single' (platform: one after another) */
  ringType?: 'single' | 'group'
}

/** Options of `input` (page input). */
export interface InputOptions {
  /** Where the platform POSTs the digits (your `actionPath` route). */
  actionUrl: string
  /** How many digits to collect. @default 1 (platform) */
  maxDigit?: number
  /** Seconds to wait for the digits. @default 5 (platform) */
  timeout?: number
}

/** Options of `playGetInput` (page play-get-input). */
export interface PlayGetInputOptions extends InputOptions {
  /** The file to play: a name on the TeleCMI CDN, or an `http(s)://` URL of your own (sent as `file_url`). */
  file: string
  /** How many times the file plays without input. @default 1 (platform) */
  maxRetry?: number
}

/** Options of `stream` (page ai-streaming). */
export interface StreamOptions {
  /** Whose audio is streamed. */
  listenMode: 'caller' | 'callee' | 'both'
  /** Voice quality in bits per second. @default platform default (not documented) */
  voiceQuality?: 8000 | 16000 | '8000' | '16000'
  /** Start streaming once the call is answered. @default false (platform) */
  streamOnAnswer?: boolean
}

const fail = (message: string): never => { throw new PiopiyWebhookError('INVALID_PCMO', message, { statusCode: 500 }) }
const isHttpUrl = (value: unknown): value is string => typeof value === 'string' && /^https?:\/\/\S+$/.test(value)
const notBlank = (value: unknown): value is string => typeof value === 'string' && value.trim() !== ''

function integer (where: string, value: number | undefined): number | undefined {
  if (value !== undefined && (!Number.isSafeInteger(value) || value < 1)) fail(`${where}: must be a positive integer (got ${describeValue(value)})`)
  return value
}

/** A phone number as the docs print it: a JSON number; a string with a leading zero stays a string (a number would lose it). */
export function phoneNumber (where: string, value: PhoneNumber): number | string {
  const digits = typeof value === 'string' ? value.trim().replace(/^\+/, '') : value
  if (typeof digits === 'number') {
    if (!Number.isSafeInteger(digits) || digits < 1) fail(`${where}: must be a phone number (got ${describeValue(value)})`)
    return digits
  }
  if (!/^[0-9]{3,15}$/.test(digits)) fail(`${where}: must be a phone number: digits, optionally after a '+' (got ${describeValue(value)})`)
  return digits.startsWith('0') ? digits : Number(digits)
}

/** Sets `key` only when `value` is defined (absent keys stay absent on the wire). */
function put<T extends object> (target: T, key: string, value: unknown): T {
  if (value !== undefined) (target as Record<string, unknown>)[key] = value
  return target
}

function dial<T extends BridgeAction | ConnectAction> (name: T['action'], options: DialOptions): T {
  const { from, duration, timeout, loop, ringType } = options
  if (ringType !== undefined && ringType !== 'single' && ringType !== 'group') fail(`${name}.ringType: must be 'single' or 'group' (got ${describeValue(ringType)})`)
  // the order of the documented examples: action, duration, timeout, from, loop, ring_type
  const wire = { action: name } as T
  put(wire, 'duration', integer(`${name}.duration`, duration))
  put(wire, 'timeout', integer(`${name}.timeout`, timeout))
  put(wire, 'from', from === undefined ? undefined : phoneNumber(`${name}.from`, from))
  put(wire, 'loop', integer(`${name}.loop`, loop))
  return put(wire, 'ring_type', ringType)
}

const list = <T>(where: string, value: T | readonly T[]): readonly T[] => {
  const items = Array.isArray(value) ? value as readonly T[] : [value as T]
  if (items.length === 0) fail(`${where}: needs at least one destination`)
  return items
}

function inputAction (name: 'input' | 'play_get_input', options: InputOptions & { file?: string, maxRetry?: number }): InputAction | PlayGetInputAction {
  if (typeof options !== 'object' || options === null) return fail(`${name}: options must be an object with an actionUrl`)
  if (!isHttpUrl(options.actionUrl)) fail(`${name}.actionUrl: must be an http(s) URL (got ${describeValue(options.actionUrl)})`)
  const wire = { action: name } as InputAction | PlayGetInputAction
  if (name === 'play_get_input') {
    if (!notBlank(options.file)) fail(`play_get_input.file: must be a file name or an http(s) URL (got ${describeValue(options.file)})`)
    put(wire, isHttpUrl(options.file) ? 'file_url' : 'file_name', options.file)
  }
  put(wire, 'max_digit', integer(`${name}.maxDigit`, options.maxDigit))
  put(wire, 'max_retry', integer(`${name}.maxRetry`, options.maxRetry))
  put(wire, 'timeout', integer(`${name}.timeout`, options.timeout))
  return put(wire, 'action_url', options.actionUrl)
}

/** A call flow under construction; `toJSON()` (what `JSON.stringify` calls) gives the wire array. */
export class PcmoBuilder {
  readonly #actions: PcmoAction[] = []

  /** The actions so far, as they go on the wire. */
  get actions (): readonly PcmoAction[] { return this.#actions }

  /** The wire array (a copy). */
  toJSON (): Pcmo { return [...this.#actions] }

  /** Appends an action you built yourself, checked against its schema. */
  add (action: PcmoAction): this {
    const reasons = pcmoActionErrors(action, 'action')
    if (reasons.length > 0) fail(reasons.join('; '))
    this.#actions.push(action)
    return this
  }

  /** Plays an audio file: a name on the TeleCMI CDN (`file_name`), or an `http(s)://` URL (`file_url`). Docs: https://doc.telecmi.com/piopiy/docs/play-file */
  play (file: string): this {
    if (!notBlank(file)) fail(`play: must be a file name or an http(s) URL (got ${describeValue(file)})`)
    return this.#push(isHttpUrl(file) ? { action: 'play', file_url: file } : { action: 'play', file_name: file })
  }

  /** Reads `text` to the caller with text to speech. Docs: https://doc.telecmi.com/piopiy/docs/speak */
  speak (text: string): this {
    if (!notBlank(text)) fail(`speak: text must be a non-empty string (got ${describeValue(text)})`)
    return this.#push({ action: 'speak', text })
  }

  /** Forwards the call to one phone number, or several (`ringType: 'group'` rings them at once). Docs: https://doc.telecmi.com/piopiy/docs/forward-call */
  bridge (to: PhoneNumber | readonly PhoneNumber[], options: DialOptions = {}): this {
    const wire = dial<BridgeAction>('bridge', options)
    wire.connect = list('bridge.to', to).map((n, i) => ({ type: 'pstn' as const, number: phoneNumber(`bridge.to[${i}]`, n) }))
    return this.#push(wire)
  }

  /** Connects the call to one SIP user, or several (an app or a browser). Docs: https://doc.telecmi.com/piopiy/docs/connect-call */
  connect (users: string | readonly string[], options: DialOptions & { callType?: string } = {}): this {
    const wire = dial<ConnectAction>('connect', options)
    if (options.callType !== undefined && !notBlank(options.callType)) fail(`connect.callType: must be a non-empty string (got ${describeValue(options.callType)})`)
    put(wire, 'call_type', options.callType)
    wire.connect = list('connect.users', users).map((user, i) => {
      if (!notBlank(user)) fail(`connect.users[${i}]: must be a SIP user name (got ${describeValue(user)})`)
      return { type: 'sip' as const, user }
    })
    return this.#push(wire)
  }

  /** Collects keypad digits and POSTs them to `actionUrl` (your `onDtmf` route). Docs: https://doc.telecmi.com/piopiy/docs/input */
  input (options: InputOptions): this { return this.#push(inputAction('input', options)) }

  /** Plays a file while collecting digits, then POSTs them to `actionUrl`. Docs: https://doc.telecmi.com/piopiy/docs/play-get-input */
  playGetInput (options: PlayGetInputOptions): this { return this.#push(inputAction('play_get_input', options)) }

  /** Custom parameters sent back as `extra_params` with the next DTMF request, e.g. `'{ Name=Akil, ID=8915726 }'`. Docs: https://doc.telecmi.com/piopiy/docs/param */
  param (text: string): this {
    if (!notBlank(text)) fail(`param: text must be a non-empty string (got ${describeValue(text)})`)
    return this.#push({ action: 'param', text })
  }

  /** Records the conversation. Docs: https://doc.telecmi.com/piopiy/docs/record */
  record (): this { return this.#push({ action: 'record' }) }

  /** Ends the call. Docs: https://doc.telecmi.com/piopiy-india/docs/hangup (the global pcmo-overview lists it without a page) */
  hangup (): this { return this.#push({ action: 'hangup' }) }

  /** Streams the call's audio to a WebSocket server. Docs: https://doc.telecmi.com/piopiy/docs/ai-streaming */
  stream (wsUrl: string, options: StreamOptions): this {
    if (typeof wsUrl !== 'string' || !/^wss?:\/\/\S+$/.test(wsUrl)) fail(`stream: wsUrl must be a ws:// or wss:// URL (got ${describeValue(wsUrl)})`)
    const { listenMode, voiceQuality, streamOnAnswer } = options ?? {}
    if (listenMode !== 'caller' && listenMode !== 'callee' && listenMode !== 'both') fail(`stream.listenMode: must be 'caller', 'callee' or 'both' (got ${describeValue(listenMode)})`)
    const quality = voiceQuality === undefined ? undefined : String(voiceQuality)
    if (quality !== undefined && quality !== '8000' && quality !== '16000') fail(`stream.voiceQuality: must be 8000 or 16000 (got ${describeValue(voiceQuality)})`)
    if (streamOnAnswer !== undefined && typeof streamOnAnswer !== 'boolean') fail(`stream.streamOnAnswer: must be a boolean (got ${describeValue(streamOnAnswer)})`)
    const wire = { action: 'stream', ws_url: wsUrl, listen_mode: listenMode } as StreamAction
    put(wire, 'voice_quality', quality)
    return this.#push(put(wire, 'stream_on_answer', streamOnAnswer))
  }

  #push (action: PcmoAction): this {
    this.#actions.push(action)
    return this
  }
}

/** Starts a call flow. */
export const pcmo = (): PcmoBuilder => new PcmoBuilder()

/** One validator per action: Ajv's standalone code, generated from the action schemas at build time (scripts/generate.ts). */
const validators = new Map<string, Validator>((['play', 'speak', 'bridge', 'connect', 'input', 'play_get_input', 'param', 'record', 'hangup', 'stream'] as const)
  .map(name => [name, generated[name] as Validator]))
const NAMES = [...validators.keys()].join(', ')

/** What is wrong with one action (empty when valid); `where` prefixes each reason, e.g. `[2]`. */
function pcmoActionErrors (value: unknown, where: string): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`${where}: must be an object with an action (got ${describeValue(value)})`]
  const name = (value as { action?: unknown }).action
  const validator = typeof name === 'string' ? validators.get(name) : undefined
  if (validator === undefined) return [`${where}.action: must be one of ${NAMES} (got ${describeValue(name)})`]
  if (validator(value)) return []
  const exactlyOne = `${where} (${name}): needs exactly one of ${name === 'connect' ? 'connect or call' : 'file_name or file_url'}`
  return (validator.errors as ErrorObject[]).map(e => e.schemaPath.startsWith('#/oneOf')
    ? exactlyOne
    : `${where} (${name}): ${describeError(e, value as Record<string, unknown>)}`)
    .filter((reason, i, all) => all.indexOf(reason) === i)
}

/**
 * Checks a call flow (a builder or a plain array) against the PCMO schemas. Returns the wire array
 * and no reasons when it is valid; otherwise the reasons, one per problem.
 */
export function checkPcmo (flow: unknown): { pcmo: Pcmo, reasons: [] } | { pcmo: undefined, reasons: string[] } {
  // a builder: ours, or one of the other build of the core (ESM/CommonJS), or anything with toJSON()
  const value: unknown = typeof (flow as { toJSON?: unknown } | null)?.toJSON === 'function' && !Array.isArray(flow) ? (flow as { toJSON: () => unknown }).toJSON() : flow
  if (!Array.isArray(value)) return { pcmo: undefined, reasons: [`flow: must be a pcmo() builder or an array of actions (got ${describeValue(value)})`] }
  if (value.length === 0) return { pcmo: undefined, reasons: ['flow: must hold at least one action'] }
  const reasons = value.flatMap((action, i) => pcmoActionErrors(action, `[${i}]`))
  return reasons.length === 0 ? { pcmo: value as Pcmo, reasons: [] } : { pcmo: undefined, reasons }
}
