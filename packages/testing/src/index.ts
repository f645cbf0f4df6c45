/**
 * @piopiy-webhooks/testing: build PIOPIY notifications and post them like the platform does. The
 * `piopiy-webhooks` CLI (send, listen, replay) is this package's bin; its modules are not public API.
 */
export {
  inboundAnsweredCdr, inboundMissedCdr, outboundAnsweredCdr, outboundMissedCdr, callEvent, streamEvent,
  type BuildOptions, type CallEventStatus, type Overrides, type Variant
} from './builders.js'
export { samples, sampleInfo, type SampleInfo, type SampleName } from './samples.js'
export type { CallbackName, KindCallbackName } from '@piopiy-webhooks/core'
export { send, encodeBody, type Body, type Delivery, type SendOptions } from './send.js'
export { newCmiuuid, newRequestId } from './ids.js'
export { answerRequest, dtmfRequest, callControlSamples, describeAction, describeFlow, inputOf, type AnswerVariant, type CallControlSamples } from './call-control.js'
