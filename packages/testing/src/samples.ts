/**
 * The payloads printed in the PIOPIY documentation, in their strict-JSON form, read at load time from
 * the JSON files this package ships (`samples/documented` and `samples/variants`, the repository's one
 * copy of them). Ten are the documented samples; the other eight are the variants fields.md
 * describes, taken from the same doc pages. `sampleInfo` says where each one comes from and which
 * callback it must reach.
 */
import type { CallEventPayload, CdrPayload, KindCallbackName, StreamEventPayload } from '@piopiy-webhooks/core'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { packageRoot } from './package-root.js'

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

const GLOBAL = 'https://doc.telecmi.com/piopiy/docs/'
const INDIA = 'https://doc.telecmi.com/piopiy-india/docs/'

/** Each sample's name and the kind of payload it is. */
const KINDS = {
  'piopiy.cdr.inbound.answered.leg-a.legacy': 'cdr',
  'piopiy.cdr.inbound.missed.leg-a': 'cdr',
  'piopiy.cdr.inbound.missed.leg-b': 'cdr',
  'piopiy.cdr.outbound.missed.leg-a': 'cdr',
  'piopiy.cdr.outbound.missed.leg-a.legacy': 'cdr',
  'piopiy-india.cdr.inbound.answered.leg-a': 'cdr',
  'piopiy-india.cdr.inbound.missed.leg-a': 'cdr',
  'piopiy-india.cdr.outbound.answered.leg-a': 'cdr',
  'piopiy.event.inbound.answered.leg-a': 'event',
  'piopiy.event.inbound.hangup.leg-a.legacy': 'event',
  'piopiy.event.outbound.started.leg-a': 'event',
  'piopiy.event.outbound.started.leg-b': 'event',
  'piopiy.event.outbound.answered.leg-a': 'event',
  'piopiy.event.outbound.answered.leg-b': 'event',
  'piopiy-india.event.inbound.answered.leg-a': 'event',
  'piopiy-india.event.inbound.hangup.leg-a': 'event',
  'piopiy.event.stream.connected': 'stream',
  'piopiy.event.stream.disconnected': 'stream'
} as const

/** The name of a documented sample. */
export type SampleName = keyof typeof KINDS

interface PayloadOfKind { cdr: CdrPayload, event: CallEventPayload, stream: StreamEventPayload }

/** The documented payloads by name, each typed as the payload of its kind. */
export type Samples = { readonly [N in SampleName]: Readonly<PayloadOfKind[typeof KINDS[N]]> }

/** The folder of the sample files: the package's `samples/`. */
const samplesFolder = join(packageRoot, 'samples')

/** One sample's payload: the `json` of its file, in `documented/` if the docs print it, else in `variants/`. */
function readSample (name: SampleName): object {
  const documented = join(samplesFolder, 'documented', `${name}.json`)
  const file = existsSync(documented) ? documented : join(samplesFolder, 'variants', `${name}.json`)
  const { json } = JSON.parse(readFileSync(file, 'utf8')) as { json: object }
  // the documented payloads are flat, so freezing the top level freezes them entirely
  return Object.freeze(json)
}

/**
 * The documented payloads by name (frozen: spread or `structuredClone` one to change it).
 * Send them as they are with `send(url, samples['piopiy.cdr.inbound.answered.leg-a.legacy'])`.
 */
export const samples: Samples = Object.freeze(Object.fromEntries(
  (Object.keys(KINDS) as SampleName[]).map(name => [name, readSample(name)])
)) as Samples

const info = (name: SampleName, code: string, url: string, callback: KindCallbackName, title: string, reconstructed?: string): SampleInfo => {
  const kind = KINDS[name]
  return Object.freeze(reconstructed === undefined ? { name, code, url, kind, callback, title } : { name, code, url, kind, callback, title, reconstructed })
}

/** Where each documented sample comes from and what it must reach, in a sensible order to send them. */
export const sampleInfo: readonly SampleInfo[] = Object.freeze([
  info('piopiy.cdr.inbound.answered.leg-a.legacy', 'G-CDR-IA-L', `${GLOBAL}inbound-webhooks-answered/`, 'onInboundAnswered', 'inbound answered CDR (legacy global docs)'),
  info('piopiy-india.cdr.inbound.answered.leg-a', 'I-CDR-IA', `${INDIA}inbound-webhooks-answered`, 'onInboundAnswered', 'inbound answered CDR (India docs)'),
  info('piopiy.cdr.inbound.missed.leg-a', 'G-CDR-IM-A', `${GLOBAL}inbound-webhooks-missed`, 'onInboundMissed', 'inbound missed CDR, leg a'),
  info('piopiy.cdr.inbound.missed.leg-b', 'G-CDR-IM-B', `${GLOBAL}inbound-webhooks-missed`, 'onOutboundMissed', "leg b of an inbound missed call, sent with direction 'outbound'",
    'the docs cut this leg off inside its cmiuuid; what was printed matches leg a except leg and direction, so the rest is leg a\'s, with a leg-b cmiuuid of its own'),
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
