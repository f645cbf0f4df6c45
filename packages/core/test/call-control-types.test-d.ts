/**
 * Type-level tests of call control: compiled by `tsc -p tsconfig.test.json` (part of `npm test`), never run.
 * The records `onAnswer`/`onDtmf` receive, what they may return, and the types derived from the exported
 * schemas (which are the generated copies: their types must stay the TypeBox definitions').
 */
import type { Static } from '@sinclair/typebox'
import {
  AnswerRequestSchema, createReceiver, DtmfRequestSchema, PCMO_ACTION_SCHEMAS, pcmo, PcmoSchema,
  type AnswerRequest, type DtmfRequest, type Pcmo, type PcmoAction, type SpeakAction
} from '../src/index.js'

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false
const expectType = <T extends true>(): T | undefined => undefined

createReceiver({
  onAnswer (call, ctx) {
    expectType<Equal<typeof call.kind, 'answer'>>()
    expectType<Equal<typeof call.from, string>>()
    expectType<Equal<typeof call.time, Date>>()
    expectType<Equal<typeof call.direction, string | undefined>>()
    expectType<Equal<typeof ctx.kind, 'answer' | 'dtmf'>>()
    return pcmo().speak('Hello').hangup()
  },
  onDtmf (input) {
    expectType<Equal<typeof input.kind, 'dtmf'>>()
    expectType<Equal<typeof input.dtmf, string>>()
    // a plain array of actions is a flow too
    return [{ action: 'speak', text: 'Bye' }, { action: 'hangup' }]
  },
  fallback: [{ action: 'hangup' }],
  onError (_err, ctx) {
    if (ctx !== undefined && (ctx.kind === 'answer' || ctx.kind === 'dtmf')) expectType<Equal<typeof ctx.key, string>>()
  }
})

createReceiver({
  // @ts-expect-error an action that does not exist is not a flow
  onAnswer: () => [{ action: 'clear' }]
})
// @ts-expect-error speak needs its text
createReceiver({ onDtmf: () => [{ action: 'speak' }] })

expectType<Equal<Static<typeof PcmoSchema>, Pcmo>>()
expectType<Equal<Static<typeof AnswerRequestSchema>, AnswerRequest>>()
expectType<Equal<Static<typeof DtmfRequestSchema>, DtmfRequest>>()
expectType<Equal<Static<typeof PCMO_ACTION_SCHEMAS.speak>, SpeakAction>>()
expectType<Equal<Extract<PcmoAction, { action: 'bridge' }>['connect'][number]['number'], number | string>>()
expectType<Equal<ReturnType<ReturnType<typeof pcmo>['toJSON']>, Pcmo>>()
