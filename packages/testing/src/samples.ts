/**
 * The payloads printed in the PIOPIY documentation, in their strict-JSON form, embedded so that this
 * package works when installed on its own. Ten are the sample files the project keeps
 * (shared/platform/samples); the other eight are the variants fields.md describes, taken from the
 * same doc pages. `sampleInfo` says where each one comes from and which callback it must reach.
 */
import type { CallEventPayload, CdrPayload, KindCallbackName, StreamEventPayload } from '@piopiy-webhooks/core'

/** What is known about one documented sample. */
export interface SampleInfo {
  /** The sample's name: `<docs>.<cdr|event>.<direction|stream>.<status>[.leg-x][.legacy]`. */
  readonly name: SampleName
  /** Its code in the legend of fields.md, e.g. `G-CDR-IA-L`. */
  readonly code: string
  /** The doc page that prints it. */
  readonly url: string
  /** The kind the receiver classifies it as. */
  readonly kind: 'cdr' | 'event' | 'stream'
  /** The specific callback it must reach. */
  readonly callback: KindCallbackName
  /** A short human title, e.g. `inbound answered CDR (legacy global docs)`. */
  readonly title: string
  /** Set when the printed sample is cut off and the rest was completed; says how. */
  readonly reconstructed?: string
}

// the documented payloads are flat, so freezing the top level freezes them entirely
const cdr = (payload: CdrPayload): Readonly<CdrPayload> => Object.freeze(payload)
const event = (payload: CallEventPayload): Readonly<CallEventPayload> => Object.freeze(payload)
const stream = (payload: StreamEventPayload): Readonly<StreamEventPayload> => Object.freeze(payload)

const GLOBAL = 'https://doc.telecmi.com/piopiy/docs/'
const INDIA = 'https://doc.telecmi.com/piopiy-india/docs/'

/**
 * The documented payloads by name (frozen: spread or `structuredClone` one to change it).
 * Send them as they are with `send(url, samples['piopiy.cdr.inbound.answered.leg-a.legacy'])`.
 */
export const samples = {
  'piopiy.cdr.inbound.answered.leg-a.legacy': cdr({
    to: 440000000000,
    appid: 2222222,
    time: 1632318511000,
    start_time: 1632318510,
    end_time: 1632318528,
    from: 440000000001,
    direction: 'inbound',
    duration: 13,
    extra_params: "{ 'Name': 'Akil', 'ID':8915726 }",
    cmiuuid: '55348d77-c515-425d-b22c-f0c6ecd8d780',
    call_rate: '0.450000',
    balance: '878.900000',
    conversation_uuid: 'c62abd10-1bab-11ec-8e24-ddb7c33510ad',
    answer_time: 1632318515,
    leg: 'a',
    status: 'answered',
    type: 'cdr'
  }),
  'piopiy.cdr.inbound.missed.leg-a': cdr({
    to: 440000000000,
    appid: 2222222,
    time: 1632317071000,
    start_time: 1632317068,
    end_time: 1632317073,
    from: 440000000001,
    direction: 'inbound',
    duration: 0,
    extra_params: '{"key":"value"}',
    cmiuuid: '33079756-faed-4a29-8b36-c8ead67e047c',
    call_rate: 0,
    balance: '899.000000',
    conversation_uuid: '33079756-faed-4a29-8b36-c8ead67e047c',
    answer_time: 1632318515,
    leg: 'a',
    status: 'missed'
  }),
  'piopiy.cdr.inbound.missed.leg-b': cdr({
    to: 440000000000,
    appid: 2222222,
    time: 1632317071000,
    start_time: 1632317068,
    end_time: 1632317073,
    from: 440000000001,
    direction: 'outbound',
    duration: 0,
    extra_params: '{"key":"value"}',
    cmiuuid: '33079756-faed-4a29-8b36-c8ead67e047c',
    call_rate: 0,
    balance: '899.000000',
    conversation_uuid: '33079756-faed-4a29-8b36-c8ead67e047c',
    leg: 'b',
    status: 'missed'
  }),
  'piopiy.cdr.outbound.missed.leg-a': cdr({
    to: 440000000000,
    appid: 2222222,
    time: 1632307235000,
    start_time: 1632307238,
    end_time: 1632307265,
    from: 19170000000,
    direction: 'outbound',
    duration: 0,
    extra_params: '{"key":"value"}',
    cmiuuid: '1edceb4c-4e2c-402d-81b4-1c2f6fca442d',
    call_rate: 0,
    balance: '76.349024',
    conversation_uuid: 'S9U4Mo29GHBfCJ2uHczcY75QQDri7HcAxXYZuktJLxf',
    request_id: 'S9U4Mo29GHBfCJ2uHczcY75QQDri7HcAxXYZuktJLxf',
    callerid: 19170000000,
    status: 'missed',
    leg: 'a'
  }),
  'piopiy.cdr.outbound.missed.leg-a.legacy': cdr({
    to: 440000000000,
    appid: 2222222,
    time: 1632307235000,
    start_time: 1632307238,
    end_time: 1632307265,
    from: 19170000000,
    direction: 'outbound',
    duration: 0,
    extra_params: '{"key":"value"}',
    cmiuuid: '1edceb4c-4e2c-402d-81b4-1c2f6fca442d',
    call_rate: 0,
    balance: '76.349024',
    conversation_uuid: 'S9U4Mo29GHBfCJ2uHczcY75QQDri7HcAxXYZuktJLxf',
    request_id: 'S9U4Mo29GHBfCJ2uHczcY75QQDri7HcAxXYZuktJLxf',
    callerid: 19170000000,
    out: true,
    api_init: true,
    status: 'missed',
    leg: 'a',
    type: 'cdr'
  }),
  'piopiy-india.cdr.inbound.answered.leg-a': cdr({
    to: 9100000000,
    appid: 2222222,
    time: 1632318511000,
    from: 4471000000,
    direction: 'inbound',
    duration: 13,
    extra_params: "{ 'Name': 'Akil', 'ID':8915726 }",
    cmiuuid: '55348d77-c515-425d-b22c-f0c6ecd8d780',
    conversation_uuid: 'c62abd10-1bab-11ec-8e24-ddb7c33510ad',
    leg: 'a',
    status: 'answered',
    type: 'cdr'
  }),
  'piopiy-india.cdr.inbound.missed.leg-a': cdr({
    to: 4471000000,
    appid: 2222222,
    time: 1637123450000,
    from: 9100000000,
    direction: 'inbound',
    duration: 0,
    cmiuuid: '301a0dce-9674-43e7-9750-7824d4629fd2',
    conversation_uuid: '301a0dce-9674-43e7-9750-7824d4629fd2',
    leg: 'a',
    status: 'missed',
    type: 'cdr'
  }),
  'piopiy-india.cdr.outbound.answered.leg-a': cdr({
    to: 9100000000,
    appid: 2222222,
    time: 1637122471000,
    from: 4471000000,
    extra_params: '{"key":"value"}',
    direction: 'outbound',
    duration: 8,
    cmiuuid: 'a3438686-746c-48f4-93de-e57e4c72f8d3',
    conversation_uuid: 'a3438686-746c-48f4-93de-e57e4c72f8d3',
    request_id: 'SxqRqbMbxXa6HVIGTbrGoJs4d6vqAiWIBaSFKqYqGkQ',
    callerid: '04471000000',
    vn: 4471000000,
    out: true,
    status: 'answered',
    leg: 'a',
    type: 'cdr'
  }),
  'piopiy.event.inbound.answered.leg-a': event({
    appid: 2222224,
    conversation_uuid: 'a39e868b-a221-48db-ab5e-401147a5c619',
    direction: 'inbound',
    from: 440000000000,
    leg: 'a',
    status: 'in_answered',
    time: 1725886117909,
    to: 19170000000,
    cmiuuid: 'a39e868b-a221-48db-ab5e-401147a5c619',
    extra_params: '{key: value}'
  }),
  'piopiy.event.inbound.hangup.leg-a.legacy': event({
    extra_params: '{key: value}',
    type: 'event',
    leg: 'a',
    conversation_uuid: '6f4e194a-9617-43e9-9756-ad93c3ab922f',
    time: 1636372054000,
    to: '19170000000',
    from: '440000000000',
    cmiuuid: '6f4e194a-9617-43e9-9756-ad93c3ab922f',
    direction: 'inbound',
    appid: 2222222,
    status: 'hangup'
  }),
  'piopiy.event.outbound.started.leg-a': event({
    appid: 2222224,
    callerid: 440000000000,
    conversation_uuid: 'GQqYoKtV3Tn25SVqbWwdzPkNwMBo9hhLwWadm9N71N5',
    direction: 'outbound',
    extra_params: '{"key":"value"}',
    from: 440000000000,
    leg: 'a',
    request_id: 'GQqYoKtV3Tn25SVqbWwdzPkNwMBo9hhLwWadm9N71N5',
    status: 'out_started',
    time: 1725942871456,
    to: 19170000000,
    cmiuuid: 'ee6a7a9b-78ea-4693-9e77-5fc085567b2f',
    vn: 440000000000
  }),
  'piopiy.event.outbound.started.leg-b': event({
    appid: 2222224,
    callerid: 440000000000,
    conversation_uuid: 'GQqYoKtV3Tn25SVqbWwdzPkNwMBo9hhLwWadm9N71N5',
    direction: 'outbound',
    extra_params: '{"key":"value"}',
    from: 440000000000,
    leg: 'b',
    request_id: 'GQqYoKtV3Tn25SVqbWwdzPkNwMBo9hhLwWadm9N71N5',
    status: 'out_started',
    time: 1725942893683,
    to: 19170000001,
    cmiuuid: 'ade4153c-d8bd-4a62-bd6d-30774e0aa30a',
    vn: 440000000000
  }),
  'piopiy.event.outbound.answered.leg-a': event({
    appid: 2222224,
    callerid: 440000000000,
    conversation_uuid: 'GQqYoKtV3Tn25SVqbWwdzPkNwMBo9hhLwWadm9N71N5',
    direction: 'outbound',
    extra_params: '{"key":"value"}',
    from: 440000000000,
    leg: 'a',
    request_id: 'GQqYoKtV3Tn25SVqbWwdzPkNwMBo9hhLwWadm9N71N5',
    status: 'out_answered',
    time: 1725942871456,
    to: 19170000000,
    cmiuuid: 'ee6a7a9b-78ea-4693-9e77-5fc085567b2f',
    vn: 440000000000
  }),
  'piopiy.event.outbound.answered.leg-b': event({
    appid: 2222224,
    callerid: 440000000000,
    conversation_uuid: 'GQqYoKtV3Tn25SVqbWwdzPkNwMBo9hhLwWadm9N71N5',
    direction: 'outbound',
    extra_params: '{"key":"value"}',
    from: 440000000000,
    leg: 'b',
    request_id: 'GQqYoKtV3Tn25SVqbWwdzPkNwMBo9hhLwWadm9N71N5',
    status: 'out_bridged',
    time: 1725942893683,
    to: 19170000001,
    cmiuuid: 'ade4153c-d8bd-4a62-bd6d-30774e0aa30a',
    vn: 440000000000
  }),
  'piopiy-india.event.inbound.answered.leg-a': event({
    type: 'event',
    leg: 'a',
    conversation_uuid: 'f3abcdb7-276e-4219-9358-7a03da88690a',
    time: 1571041441000,
    to: 4461000000,
    from: 9100000000,
    cmiuuid: 'f3abcdb7-276e-4219-9358-7a03da88690a',
    direction: 'inbound',
    appid: 2222226,
    status: 'answered'
  }),
  'piopiy-india.event.inbound.hangup.leg-a': event({
    type: 'event',
    leg: 'a',
    conversation_uuid: 'f3abcdb7-276e-4219-9358-7a03da88690a',
    time: 1571041441000,
    to: 4461000000,
    from: 9100000000,
    cmiuuid: 'f3abcdb7-276e-4219-9358-7a03da88690a',
    direction: 'inbound',
    appid: 2222226,
    status: 'hangup'
  }),
  'piopiy.event.stream.connected': stream({
    appid: 2222224,
    direction: 'inbound',
    from: 440000000000,
    leg: 'b',
    status: 'stream_connected',
    time: 1725975496000,
    cmiuuid: 'c4ec9bd2-efad-4296-aa5b-eeafa6aeeea0',
    ws_status: '{"status":"connected"}'
  }),
  'piopiy.event.stream.disconnected': stream({
    appid: 2222324,
    direction: 'inbound',
    from: 440000000000,
    leg: 'b',
    status: 'STREAM_DISCONNECTED',
    time: 1725975496000,
    cmiuuid: 'c4ec9bd2-efad-4296-aa5b-eeafa6aeeea0',
    ws_status: '{"status":"disconnected","message":{"code":1006,"reason":"Abnormal closure"}}'
  })
} as const

/** The name of a documented sample. */
export type SampleName = keyof typeof samples

const info = (name: SampleName, code: string, url: string, callback: KindCallbackName, title: string, reconstructed?: string): SampleInfo => {
  const kind = callback === 'onCallEvent' ? 'event' : callback === 'onStreamEvent' ? 'stream' : 'cdr'
  return Object.freeze(reconstructed === undefined ? { name, code, url, kind, callback, title } : { name, code, url, kind, callback, title, reconstructed })
}

/** Where each documented sample comes from and what it must reach, in a sensible order to send them. */
export const sampleInfo: readonly SampleInfo[] = Object.freeze([
  info('piopiy.cdr.inbound.answered.leg-a.legacy', 'G-CDR-IA-L', `${GLOBAL}inbound-webhooks-answered/`, 'onInboundAnswered', 'inbound answered CDR (legacy global docs)'),
  info('piopiy-india.cdr.inbound.answered.leg-a', 'I-CDR-IA', `${INDIA}inbound-webhooks-answered`, 'onInboundAnswered', 'inbound answered CDR (India docs)'),
  info('piopiy.cdr.inbound.missed.leg-a', 'G-CDR-IM-A', `${GLOBAL}inbound-webhooks-missed`, 'onInboundMissed', 'inbound missed CDR, leg a'),
  info('piopiy.cdr.inbound.missed.leg-b', 'G-CDR-IM-B', `${GLOBAL}inbound-webhooks-missed`, 'onOutboundMissed', "leg b of an inbound missed call, sent with direction 'outbound'",
    'the docs cut this leg off inside its cmiuuid; what was printed matches leg a except leg and direction, and the rest is leg a\'s'),
  info('piopiy-india.cdr.inbound.missed.leg-a', 'I-CDR-IM', `${INDIA}inbound-webhooks-hangup`, 'onInboundMissed', 'inbound missed CDR (India docs)'),
  info('piopiy-india.cdr.outbound.answered.leg-a', 'I-CDR-OA', `${INDIA}outbound-webhooks-answered`, 'onOutboundAnswered', 'outbound answered CDR (India docs)'),
  info('piopiy.cdr.outbound.missed.leg-a', 'G-CDR-OM-A', `${GLOBAL}outbound-webhooks-missed`, 'onOutboundMissed', 'outbound missed CDR'),
  info('piopiy.cdr.outbound.missed.leg-a.legacy', 'G-CDR-OM-L', `${GLOBAL}outbound-webhooks-missed/`, 'onOutboundMissed', 'outbound missed CDR (legacy global docs)'),
  info('piopiy.event.inbound.answered.leg-a', 'G-EV-IA', `${GLOBAL}live-in-answered`, 'onCallEvent', 'live event in_answered'),
  info('piopiy-india.event.inbound.answered.leg-a', 'I-EV-IA', `${INDIA}live-in-answered`, 'onCallEvent', "live event 'answered' (India docs; an event, not a CDR)"),
  info('piopiy.event.outbound.started.leg-a', 'G-EV-OS-A', `${GLOBAL}live-out-started`, 'onCallEvent', 'live event out_started, leg a'),
  info('piopiy.event.outbound.started.leg-b', 'G-EV-OS-B', `${GLOBAL}live-out-started`, 'onCallEvent', 'live event out_started, leg b'),
  info('piopiy.event.outbound.answered.leg-a', 'G-EV-OA-A', `${GLOBAL}live-out-answered`, 'onCallEvent', 'live event out_answered, leg a'),
  info('piopiy.event.outbound.answered.leg-b', 'G-EV-OA-B', `${GLOBAL}live-out-answered`, 'onCallEvent', 'live event out_bridged, leg b'),
  info('piopiy.event.inbound.hangup.leg-a.legacy', 'G-EV-IH-L', `${GLOBAL}live-in-hangup/`, 'onCallEvent', 'live event hangup (legacy global docs)'),
  info('piopiy-india.event.inbound.hangup.leg-a', 'I-EV-IH', `${INDIA}live-in-hangup`, 'onCallEvent', 'live event hangup (India docs)'),
  info('piopiy.event.stream.connected', 'G-EV-SC', `${GLOBAL}live-stream-connected`, 'onStreamEvent', 'stream_connected'),
  info('piopiy.event.stream.disconnected', 'G-EV-SD', `${GLOBAL}live-stream-disconnected`, 'onStreamEvent', 'STREAM_DISCONNECTED')
])
