/**
 * The PCMO (PIOPIY Call Management Object) wire schemas: the JSON array an answer URL or an action
 * URL answers, one schema per documented action. The build turns them into Ajv standalone validators
 * (scripts/generate.ts → src/generated/), which check every flow the receiver sends; the builder's
 * types are derived from them, the core exports them (as generated plain objects: importing the core
 * loads neither TypeBox nor Ajv), and the OpenAPI document describes answer and action URLs with them.
 * Keys are snake_case, exactly as the docs print them.
 *
 * Source pages (fetched 2026-12; the global docs are `doc.telecmi.com/piopiy/docs/<page>`, the
 * India docs `doc.telecmi.com/piopiy-india/docs/<page>`):
 * pcmo-overview, play-file, speak, forward-call, connect-call, input, play-get-input, param,
 * record, ai-streaming, and (India) hangup. The overview also lists a "Clear" action; no page
 * documents its fields, so it is not modelled (a flow containing it is rejected, see docs/call-control.md).
 *
 * Additional keys are allowed on every action: the pages are terse (the connect-call example prints
 * `call_type`, which its table omits) and an unknown key is safer passed on than turned into a fallback.
 */
import { Type, type Static, type TSchema, type TUnsafe } from '@sinclair/typebox'
import { NOT_BLANK } from './schemas.js'

const DOCS = 'https://doc.telecmi.com/piopiy/docs/'

/**
 * A phone number in a PCMO: the docs print numbers (`"number": 440000000000`). A string is accepted
 * too, for a number whose leading zero a JSON number would lose; whether the platform takes it is
 * not documented (the builder only emits a string in that case).
 */
const phone = (description: string): TUnsafe<number | string> =>
  Type.Unsafe<number | string>({ type: ['integer', 'string'], minimum: 1, maximum: Number.MAX_SAFE_INTEGER, pattern: '^[0-9]{3,15}$', description })

const positiveInteger = (description: string): TSchema => Type.Integer({ minimum: 1, description })
const httpUrl = (description: string): TSchema => Type.String({ pattern: '^https?://\\S+$', description })
const action = <const T extends string>(name: T) => Type.Literal(name, { description: 'The PCMO action to control the flow of the call.' })
/** `oneOf` "exactly one of these keys" (each branch declares its key, as Ajv's strict mode wants; the key's own schema checks its value). */
const exactlyOne = (...keys: string[]): Record<string, unknown> => ({
  oneOf: keys.map(key => ({ type: 'object', properties: { [key]: {} }, required: [key] }))
})
const object = <P extends Parameters<typeof Type.Object>[0]>(properties: P, title: string, page: string, extra: Record<string, unknown> = {}) =>
  Type.Object(properties, { title, description: `Documented on ${DOCS}${page}`, additionalProperties: true, ...extra })

/** `play`: plays an audio file (mp3 or wav). One of `file_name` (TeleCMI CDN) or `file_url` (your CDN). Page: play-file. */
const fileName = Type.String({ pattern: NOT_BLANK, description: 'An audio file uploaded to the TeleCMI cloud CDN.' })
const fileUrl = httpUrl('An audio file on your own CDN (play-get-input names file_name only; the official SDK sends a URL as file_url).')
export const PlayActionSchema = object({
  action: action('play'),
  file_name: Type.Optional(fileName),
  file_url: Type.Optional(fileUrl)
}, 'play', 'play-file', exactlyOne('file_name', 'file_url'))

/** `speak`: reads `text` to the caller with text to speech. Page: speak. */
export const SpeakActionSchema = object({
  action: action('speak'),
  text: Type.String({ pattern: NOT_BLANK, description: 'The text content to convert as voice.' })
}, 'speak', 'speak')

/** Options shared by `bridge` and `connect` (their tables are the same). Pages: forward-call, connect-call. */
const dialOptions = {
  duration: Type.Optional(positiveInteger('The duration of this call in seconds (platform default 5400).')),
  timeout: Type.Optional(positiveInteger('The ringing time of this call in seconds (platform default 40).')),
  from: Type.Optional(phone('The caller id of this call (platform default: the platform\'s default phone number).')),
  loop: Type.Optional(positiveInteger('The total number of retries of this call (platform default 1).')),
  ring_type: Type.Optional(Type.Unsafe<'single' | 'group'>({
    type: 'string',
    enum: ['single', 'group'],
    description: "'group' rings every number at once; platform default 'single' (one after another). Only 'group' appears in an example."
  }))
}

/** One destination of a `bridge`: a phone number. The table also names a type `internet`, without an example. */
export const BridgeTargetSchema = Type.Object({
  type: Type.Unsafe<'pstn' | 'internet'>({ type: 'string', enum: ['pstn', 'internet'], description: "'pstn' in every example; the table also names 'internet'." }),
  number: phone('The phone number to connect: a mobile or landline number.')
}, { additionalProperties: true })

/** `bridge`: forwards the call to one or more phone numbers. Page: forward-call. */
export const BridgeActionSchema = object({
  action: action('bridge'),
  ...dialOptions,
  connect: Type.Array(BridgeTargetSchema, { minItems: 1, description: 'The numbers to call.' })
}, 'bridge', 'forward-call')

/** One destination of a `connect`: a SIP user (an app or a browser). */
export const SipTargetSchema = Type.Object({
  type: Type.Literal('sip'),
  user: Type.String({ pattern: NOT_BLANK, description: 'The SIP endpoint to connect: an app or a browser user.' })
}, { additionalProperties: true })

/**
 * `connect`: connects the call to SIP endpoints. Page: connect-call. Its table names the list
 * `connect` (as the official Node SDK emits it); its example prints `call` and a `call_type: 'audio'`
 * the table does not describe. Either list name is accepted here; the builder emits `connect`.
 */
const sipTargets = (whose: string): TSchema => Type.Array(SipTargetSchema, { minItems: 1, description: `The SIP endpoints to call (the ${whose}'s name).` })
export const ConnectActionSchema = object({
  action: action('connect'),
  ...dialOptions,
  call_type: Type.Optional(Type.String({ pattern: NOT_BLANK, description: "Printed in the example only ('audio'); not described." })),
  connect: Type.Optional(sipTargets('table')),
  call: Type.Optional(sipTargets('example'))
}, 'connect', 'connect-call', exactlyOne('connect', 'call'))

/** `input`: collects keypad digits, then POSTs them to `action_url`. Page: input. */
export const InputActionSchema = object({
  action: action('input'),
  max_digit: Type.Optional(positiveInteger('The DTMF input length (platform default 1).')),
  timeout: Type.Optional(positiveInteger('The seconds to wait for the DTMF (platform default 5).')),
  action_url: httpUrl('Your web server URL that receives the DTMF input.')
}, 'input', 'input')

/** `play_get_input`: plays a file while collecting digits, then POSTs them to `action_url`. Page: play-get-input. */
export const PlayGetInputActionSchema = object({
  action: action('play_get_input'),
  file_name: Type.Optional(fileName),
  file_url: Type.Optional(fileUrl),
  max_digit: Type.Optional(positiveInteger('The DTMF input length (platform default 1).')),
  max_retry: Type.Optional(positiveInteger('How many times the file is played without DTMF input (platform default 1).')),
  timeout: Type.Optional(positiveInteger('Time allowed between DTMF inputs in seconds (platform default 1; printed in the global example only).')),
  action_url: httpUrl('Your web server URL that receives the DTMF input.')
}, 'play_get_input', 'play-get-input', exactlyOne('file_name', 'file_url'))

/** `param`: custom parameters passed on with the next DTMF request (as `extra_params`). Page: param. */
export const ParamActionSchema = object({
  action: action('param'),
  text: Type.Optional(Type.String({ pattern: NOT_BLANK, description: 'Your custom parameters, e.g. "{ Name=Akil, ID=8915726 }".' }))
}, 'param', 'param')

/** `record`: records the conversation. The page documents no other field. Page: record. */
export const RecordActionSchema = object({ action: action('record') }, 'record', 'record')

/** `hangup`: ends the call. Page: hangup (India docs; the global overview lists it without a page of fields). */
export const HangupActionSchema = Type.Object({ action: action('hangup') }, {
  title: 'hangup', description: 'Documented on https://doc.telecmi.com/piopiy-india/docs/hangup', additionalProperties: true
})

/** `stream`: streams the call's audio to a WebSocket server (AI streaming). Page: ai-streaming. */
export const StreamActionSchema = object({
  action: action('stream'),
  ws_url: Type.String({ pattern: '^wss?://\\S+$', description: 'The WebSocket URL the audio stream is sent to.' }),
  listen_mode: Type.Unsafe<'caller' | 'callee' | 'both'>({ type: 'string', enum: ['caller', 'callee', 'both'], description: 'Whose audio is streamed: caller, callee or both.' }),
  voice_quality: Type.Optional(Type.Unsafe<'8000' | '16000'>({ type: 'string', enum: ['8000', '16000'], description: 'Voice quality in bits per second, as a string: 8000 or 16000.' })),
  stream_on_answer: Type.Optional(Type.Boolean({ description: 'Start streaming once the call is answered (platform default false).' }))
}, 'stream', 'ai-streaming')

/** Every modelled action, by its `action` name. */
export const PCMO_ACTION_SCHEMAS = {
  play: PlayActionSchema,
  speak: SpeakActionSchema,
  bridge: BridgeActionSchema,
  connect: ConnectActionSchema,
  input: InputActionSchema,
  play_get_input: PlayGetInputActionSchema,
  param: ParamActionSchema,
  record: RecordActionSchema,
  hangup: HangupActionSchema,
  stream: StreamActionSchema
} as const

/** A call flow: the JSON array an answer URL or action URL answers (at least one action). */
export const PcmoSchema = Type.Array(Type.Union(Object.values(PCMO_ACTION_SCHEMAS)), {
  $id: 'piopiy-pcmo',
  title: 'PIOPIY call flow (PCMO)',
  description: `The actions the platform runs, in order. Documented on ${DOCS}pcmo-overview`,
  minItems: 1
})

export type PlayAction = Static<typeof PlayActionSchema>
export type SpeakAction = Static<typeof SpeakActionSchema>
export type BridgeAction = Static<typeof BridgeActionSchema>
export type ConnectAction = Static<typeof ConnectActionSchema>
export type InputAction = Static<typeof InputActionSchema>
export type PlayGetInputAction = Static<typeof PlayGetInputActionSchema>
export type ParamAction = Static<typeof ParamActionSchema>
export type RecordAction = Static<typeof RecordActionSchema>
export type HangupAction = Static<typeof HangupActionSchema>
export type StreamAction = Static<typeof StreamActionSchema>
/** One PCMO action, as sent on the wire. */
export type PcmoAction = Static<typeof PcmoSchema>[number]
/** A call flow, as sent on the wire. */
export type Pcmo = PcmoAction[]
