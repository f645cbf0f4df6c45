export { createReceiver } from './receiver.js'
export { parseNotification, type ParseResult } from './parse.js'
export { dedupeKey } from './dedupe-key.js'
export { PiopiyWebhookError, type PiopiyWebhookErrorCode } from './errors.js'
export { consoleLogger, silentLogger, type Logger } from './logger.js'
export { MemoryIdempotencyStore, type ClaimResult, type IdempotencyStore, type MemoryIdempotencyStoreOptions } from './idempotency.js'
// the schemas as plain objects generated at build time (identical to the TypeBox definitions, which are not loaded)
export { NOT_BLANK, CdrPayloadSchema, CallEventPayloadSchema, StreamEventPayloadSchema, UnknownPayloadSchema, CdrRecordSchema, CallEventRecordSchema, StreamEventRecordSchema, UnknownNotificationSchema } from './generated/schemas.js'
export type * from './schemas.js'
export type * from './records.js'
export type * from './types.js'
export { pcmo, PcmoBuilder, checkPcmo, type PhoneNumber, type DialOptions, type InputOptions, type PlayGetInputOptions, type StreamOptions } from './pcmo.js'
// the PCMO and call-control schemas, generated at build time like the ones above
export {
  BridgeTargetSchema, SipTargetSchema, PlayActionSchema, SpeakActionSchema, BridgeActionSchema, ConnectActionSchema, InputActionSchema,
  PlayGetInputActionSchema, ParamActionSchema, RecordActionSchema, HangupActionSchema, StreamActionSchema, PcmoSchema, PCMO_ACTION_SCHEMAS,
  AnswerRequestSchema, DtmfRequestSchema, AnswerCallSchema, DtmfInputSchema
} from './generated/call-control-schemas.js'
export type * from './pcmo-schemas.js'
export type * from './call-control-schemas.js'
export { FALLBACK_TEXT, type CallControlContext, type CallControlOptions, type Flow } from './call-control.js'
