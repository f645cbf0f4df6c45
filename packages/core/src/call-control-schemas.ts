/**
 * What PIOPIY POSTs to an answer URL (when a call starts) and to an action URL (the digits an
 * `input` or `play_get_input` action collected), and the records `onAnswer` and `onDtmf` receive.
 * Samples: doc.telecmi.com/piopiy/docs/play-file (answer, global), piopiy-india/docs/configure-event-url
 * (answer, India: no `action`), piopiy/docs/input and play-get-input (DTMF, spelled `cmuuid`),
 * piopiy/docs/param (DTMF with `extra_params`). Validated by Ajv standalone code generated from these
 * at build time (scripts/generate.ts); the core exports the generated copies.
 */
import { Type, type Static, type TSchema, type TUnsafe } from '@sinclair/typebox'
import { NOT_BLANK, phone } from './schemas.js'


const callIds = {
  cmiuuid: Type.Optional(Type.String({ pattern: NOT_BLANK, description: 'A unique identifier of this call' })),
  cmuuid: Type.Optional(Type.String({ pattern: NOT_BLANK, description: 'Spelling of cmiuuid printed by the DTMF samples' }))
}
const extraParams = Type.Optional(Type.Unsafe<string | Record<string, unknown>>({
  type: ['string', 'object'], description: 'The text of a preceding param action (piopiy/docs/param), e.g. "{ Name=Akil, ID=8915726 }"'
}))

/** The request of an answer URL. */
export const AnswerRequestSchema = Type.Object({
  action: Type.Optional(Type.String({ pattern: NOT_BLANK, description: "Direction of this call ('inbound'); absent in the India docs" })),
  from: phone('The number who made the call'),
  to: phone('Your PIOPIY phone number'),
  time: Type.Unsafe<number | string>({
    type: ['integer', 'string'], minimum: 0, maximum: 8.64e15, pattern: '^[0-9]{1,16}$',
    description: 'Timestamp of this call (epoch milliseconds; a number in the samples, "string" in the table)'
  }),
  ...callIds,
  extra_params: extraParams
}, { $id: 'piopiy-answer-request', title: 'PIOPIY answer URL request', additionalProperties: true })

/** The request of an action URL: the digits collected. */
export const DtmfRequestSchema = Type.Object({
  from: phone('The number the call came from'),
  to: phone('Your PIOPIY phone number'),
  dtmf: Type.Unsafe<string | number>({ type: ['string', 'integer'], minimum: 0, pattern: '^[0-9*#]*$', description: "The digits entered during the call ('1234'; may be empty when none were pressed — not documented)" }),
  ...callIds,
  extra_params: extraParams
}, { $id: 'piopiy-dtmf-request', title: 'PIOPIY action URL request (DTMF)', additionalProperties: true })

export type AnswerRequest = Static<typeof AnswerRequestSchema>
export type DtmfRequest = Static<typeof DtmfRequestSchema>

const opt = <T extends TSchema>(schema: T) => Type.Optional(schema)
const common = {
  from: Type.String({ description: 'from, always a string' }),
  to: Type.String({ description: 'to, always a string' }),
  cmiuuid: Type.String({ description: 'Id of this call (cmiuuid, or cmuuid)' }),
  extraParams: opt(Type.Record(Type.String(), Type.Unknown(), { description: 'extra_params parsed from any of its four styles' })),
  extraParamsRaw: opt(Type.String({ description: 'extra_params exactly as sent' })),
  raw: Type.Record(Type.String(), Type.Unknown(), { description: 'The request body as received (frozen)' })
}

/** What `onAnswer` receives: a call that needs its flow. */
export const AnswerCallSchema = Type.Object({
  kind: Type.Literal('answer'),
  direction: opt(Type.String({ description: "action: 'inbound' in the global docs; absent in the India docs" })),
  time: Type.Date({ description: 'time (epoch ms)' }),
  ...common
})

/** What `onDtmf` receives: the digits an `input` or `play_get_input` action collected. */
export const DtmfInputSchema = Type.Object({
  kind: Type.Literal('dtmf'),
  dtmf: Type.String({ description: 'The digits, always a string (a JSON number is turned into its digits)' }),
  ...common
})

export type AnswerCall = Static<typeof AnswerCallSchema>
export type DtmfInput = Static<typeof DtmfInputSchema>
