/**
 * @piopiy-webhooks/testing: build PIOPIY notifications, post them like the platform does, and the
 * `piopiy-webhooks` CLI (send, listen, replay).
 */
export {
  inboundAnsweredCdr, inboundMissedCdr, outboundAnsweredCdr, outboundMissedCdr, callEvent, streamEvent,
  type BuildOptions, type CallEventStatus, type Overrides, type Variant
} from './builders.js'
export { samples, sampleInfo, type SampleInfo, type SampleName } from './samples.js'
export type { CallbackName, KindCallbackName } from '@piopiy-webhooks/core'
export { send, encodeBody, type Body, type Delivery, type SendOptions } from './send.js'
export { newCmiuuid, newRequestId } from './ids.js'
export {
  alignRows, callbackOf, colorEnabled, createStyle, describeNotification, formatRecord, paintStatus, recordRows, statusLabel, visibleWidth,
  type Style
} from './format.js'
export { main, type CliIo, type Output } from './cli.js'
