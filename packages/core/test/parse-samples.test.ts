/**
 * Every documented sample and every variant fields.md describes parses to its exact record, field by
 * field (t.strictSame: Dates, strings vs numbers and absent vs undefined all count).
 */
import t from 'tap'
import { parseNotification } from '../src/parse.js'
import type { Notification } from '../src/records.js'
import { validate } from '../src/validate.js'
import { classify } from '../src/classify.js'
import { bytes, filesIn, fixture, payload, SAMPLE_NAMES, VARIANT_NAMES, type FixtureName } from './fixtures/index.js'
import { parsedOrFail } from './helpers.js'

const s = (seconds: number): Date => new Date(seconds * 1000)
const ms = (millis: number): Date => new Date(millis)

/** A record without its raw payload (one per kind: Omit on the union itself would keep only shared keys). */
type WithoutRaw<N> = N extends unknown ? Omit<N, 'raw'> : never

/** The outbound missed leg a CDR, which the current and the legacy sample both give. */
const outboundMissedLegA: WithoutRaw<Notification> = {
  kind: 'cdr',
  direction: 'outbound',
  status: 'missed',
  leg: 'a',
  cmiuuid: '1edceb4c-4e2c-402d-81b4-1c2f6fca442d',
  conversationUuid: 'S9U4Mo29GHBfCJ2uHczcY75QQDri7HcAxXYZuktJLxf',
  requestId: 'S9U4Mo29GHBfCJ2uHczcY75QQDri7HcAxXYZuktJLxf',
  appId: 2222222,
  from: '19170000000',
  to: '440000000000',
  callerId: '19170000000',
  time: ms(1632307235000),
  startTime: s(1632307238),
  endTime: s(1632307265),
  duration: 0,
  callRate: '0',
  balance: '76.349024',
  extraParams: { key: 'value' },
  extraParamsRaw: '{"key":"value"}'
}

/** The record each fixture must give, written from design.md's "Records" (raw is the payload itself). */
const expected: Record<FixtureName, WithoutRaw<Notification>> = {
  // ---- the ten documented samples ----
  'piopiy.cdr.inbound.answered.leg-a.legacy': {
    kind: 'cdr',
    direction: 'inbound',
    status: 'answered',
    leg: 'a',
    cmiuuid: '55348d77-c515-425d-b22c-f0c6ecd8d780',
    conversationUuid: 'c62abd10-1bab-11ec-8e24-ddb7c33510ad',
    appId: 2222222,
    from: '440000000001',
    to: '440000000000',
    time: ms(1632318511000),
    startTime: s(1632318510),
    endTime: s(1632318528),
    answerTime: s(1632318515),
    duration: 13,
    callRate: '0.450000',
    balance: '878.900000',
    extraParams: { Name: 'Akil', ID: 8915726 },
    extraParamsRaw: "{ 'Name': 'Akil', 'ID':8915726 }"
  },
  'piopiy.cdr.inbound.missed.leg-a': {
    kind: 'cdr',
    direction: 'inbound',
    status: 'missed',
    leg: 'a',
    cmiuuid: '33079756-faed-4a29-8b36-c8ead67e047c',
    conversationUuid: '33079756-faed-4a29-8b36-c8ead67e047c',
    appId: 2222222,
    from: '440000000001',
    to: '440000000000',
    time: ms(1632317071000),
    startTime: s(1632317068),
    endTime: s(1632317073),
    answerTime: s(1632318515), // on a missed call, after end_time: kept as sent
    duration: 0,
    callRate: '0', // number 0 on the wire
    balance: '899.000000',
    extraParams: { key: 'value' },
    extraParamsRaw: '{"key":"value"}'
  },
  'piopiy.cdr.outbound.missed.leg-a': outboundMissedLegA,
  'piopiy.cdr.outbound.missed.leg-a.legacy': outboundMissedLegA, // the legacy page's sample: the same record
  'piopiy-india.cdr.outbound.answered.leg-a': {
    kind: 'cdr',
    direction: 'outbound',
    status: 'answered',
    leg: 'a',
    cmiuuid: 'a3438686-746c-48f4-93de-e57e4c72f8d3',
    conversationUuid: 'a3438686-746c-48f4-93de-e57e4c72f8d3',
    requestId: 'SxqRqbMbxXa6HVIGTbrGoJs4d6vqAiWIBaSFKqYqGkQ',
    appId: 2222222,
    from: '4471000000',
    to: '9100000000',
    callerId: '04471000000', // a string with a leading zero, kept
    virtualNumber: '4471000000',
    time: ms(1637122471000),
    duration: 8,
    extraParams: { key: 'value' },
    extraParamsRaw: '{"key":"value"}'
  },
  'piopiy.event.inbound.answered.leg-a': {
    kind: 'event',
    status: 'in_answered',
    event: 'answered',
    direction: 'inbound',
    leg: 'a',
    cmiuuid: 'a39e868b-a221-48db-ab5e-401147a5c619',
    conversationUuid: 'a39e868b-a221-48db-ab5e-401147a5c619',
    appId: 2222224,
    from: '440000000000',
    to: '19170000000',
    time: ms(1725886117909),
    extraParams: { key: 'value' }, // '{key: value}': unquoted keys
    extraParamsRaw: '{key: value}'
  },
  'piopiy.event.outbound.started.leg-a': {
    kind: 'event',
    status: 'out_started',
    event: 'started',
    direction: 'outbound',
    leg: 'a',
    cmiuuid: 'ee6a7a9b-78ea-4693-9e77-5fc085567b2f',
    conversationUuid: 'GQqYoKtV3Tn25SVqbWwdzPkNwMBo9hhLwWadm9N71N5',
    requestId: 'GQqYoKtV3Tn25SVqbWwdzPkNwMBo9hhLwWadm9N71N5',
    appId: 2222224,
    from: '440000000000',
    to: '19170000000',
    callerId: '440000000000',
    virtualNumber: '440000000000',
    time: ms(1725942871456),
    extraParams: { key: 'value' },
    extraParamsRaw: '{"key":"value"}'
  },
  'piopiy.event.outbound.started.leg-b': {
    kind: 'event',
    status: 'out_started',
    event: 'started',
    direction: 'outbound',
    leg: 'b',
    cmiuuid: 'ade4153c-d8bd-4a62-bd6d-30774e0aa30a',
    conversationUuid: 'GQqYoKtV3Tn25SVqbWwdzPkNwMBo9hhLwWadm9N71N5',
    requestId: 'GQqYoKtV3Tn25SVqbWwdzPkNwMBo9hhLwWadm9N71N5',
    appId: 2222224,
    from: '440000000000',
    to: '19170000001',
    callerId: '440000000000',
    virtualNumber: '440000000000',
    time: ms(1725942893683),
    extraParams: { key: 'value' },
    extraParamsRaw: '{"key":"value"}'
  },
  'piopiy-india.event.inbound.hangup.leg-a': {
    kind: 'event',
    status: 'hangup',
    event: 'hangup',
    direction: 'inbound',
    leg: 'a',
    cmiuuid: 'f3abcdb7-276e-4219-9358-7a03da88690a',
    conversationUuid: 'f3abcdb7-276e-4219-9358-7a03da88690a',
    appId: 2222226,
    from: '9100000000',
    to: '4461000000',
    time: ms(1571041441000)
  },
  'piopiy.event.stream.connected': {
    kind: 'stream',
    status: 'stream_connected',
    direction: 'inbound',
    leg: 'b',
    cmiuuid: 'c4ec9bd2-efad-4296-aa5b-eeafa6aeeea0',
    appId: 2222224,
    from: '440000000000',
    time: ms(1725975496000),
    wsStatus: { status: 'connected' },
    wsStatusRaw: '{"status":"connected"}'
  },

  // ---- the variants fields.md describes ----
  'piopiy.cdr.inbound.missed.leg-a.legacy': {
    kind: 'cdr',
    direction: 'inbound',
    status: 'missed',
    leg: 'a',
    cmiuuid: '33079756-faed-4a29-8b36-c8ead67e047c',
    conversationUuid: '33079756-faed-4a29-8b36-c8ead67e047c',
    appId: 2222222,
    from: '440000000001',
    to: '440000000000',
    time: ms(1632317071000),
    startTime: s(1632317068),
    endTime: s(1632317073),
    duration: 0,
    callRate: '0',
    balance: '899.000000',
    extraParams: { key: 'value' },
    extraParamsRaw: '{"key":"value"}'
  },
  'piopiy.cdr.inbound.missed.leg-b': {
    kind: 'cdr',
    direction: 'outbound', // leg b of an inbound call, as the platform labels it
    status: 'missed',
    leg: 'b',
    cmiuuid: '5b0c6a1e-0c1d-4a57-9b1e-2f6a8f3c9d01',
    conversationUuid: '33079756-faed-4a29-8b36-c8ead67e047c',
    appId: 2222222,
    from: '440000000001',
    to: '440000000000',
    time: ms(1632317071000),
    startTime: s(1632317068),
    endTime: s(1632317073),
    duration: 0,
    callRate: '0',
    balance: '899.000000',
    extraParams: { key: 'value' },
    extraParamsRaw: '{"key":"value"}'
  },
  'piopiy.cdr.outbound.missed.leg-b': {
    kind: 'cdr',
    direction: 'outbound',
    status: 'missed',
    leg: 'b',
    cmiuuid: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
    conversationUuid: 'S9U4Mo29GHBfCJ2uHczcY75QQDri7HcAxXYZuktJLxf',
    requestId: 'S9U4Mo29GHBfCJ2uHczcY75QQDri7HcAxXYZuktJLxf',
    appId: 2222222,
    from: '19170000000',
    to: '440000000001',
    callerId: '19170000000',
    time: ms(1632307235000),
    startTime: s(1632307240),
    endTime: s(1632307265),
    duration: 0,
    callRate: '0',
    balance: '76.349024',
    extraParams: { key: 'value' },
    extraParamsRaw: '{"key":"value"}'
  },
  'piopiy-india.cdr.inbound.answered.leg-a': {
    kind: 'cdr',
    direction: 'inbound',
    status: 'answered',
    leg: 'a',
    cmiuuid: '55348d77-c515-425d-b22c-f0c6ecd8d780',
    conversationUuid: 'c62abd10-1bab-11ec-8e24-ddb7c33510ad',
    appId: 2222222,
    from: '4471000000',
    to: '9100000000',
    time: ms(1632318511000),
    duration: 13,
    extraParams: { Name: 'Akil', ID: 8915726 },
    extraParamsRaw: "{ 'Name': 'Akil', 'ID':8915726 }"
  },
  'piopiy-india.cdr.inbound.missed.leg-a': {
    kind: 'cdr',
    direction: 'inbound',
    status: 'missed',
    leg: 'a',
    cmiuuid: '301a0dce-9674-43e7-9750-7824d4629fd2',
    conversationUuid: '301a0dce-9674-43e7-9750-7824d4629fd2',
    appId: 2222222,
    from: '9100000000',
    to: '4471000000',
    time: ms(1637123450000),
    duration: 0
  },
  'piopiy.event.inbound.hangup.leg-a.legacy': {
    kind: 'event',
    status: 'hangup',
    event: 'hangup',
    direction: 'inbound',
    leg: 'a',
    cmiuuid: '6f4e194a-9617-43e9-9756-ad93c3ab922f',
    conversationUuid: '6f4e194a-9617-43e9-9756-ad93c3ab922f',
    appId: 2222222,
    from: '440000000000',
    to: '19170000000',
    time: ms(1636372054000),
    extraParams: { key: 'value' },
    extraParamsRaw: '{key: value}'
  },
  'piopiy.event.outbound.answered.leg-a': {
    kind: 'event',
    status: 'out_answered',
    event: 'answered',
    direction: 'outbound',
    leg: 'a',
    cmiuuid: 'ee6a7a9b-78ea-4693-9e77-5fc085567b2f',
    conversationUuid: 'GQqYoKtV3Tn25SVqbWwdzPkNwMBo9hhLwWadm9N71N5',
    requestId: 'GQqYoKtV3Tn25SVqbWwdzPkNwMBo9hhLwWadm9N71N5',
    appId: 2222224,
    from: '440000000000',
    to: '19170000000',
    callerId: '440000000000',
    virtualNumber: '440000000000',
    time: ms(1725942871456),
    extraParams: { key: 'value' },
    extraParamsRaw: '{"key":"value"}'
  },
  'piopiy.event.outbound.answered.leg-b': {
    kind: 'event',
    status: 'out_bridged',
    event: 'bridged',
    direction: 'outbound',
    leg: 'b',
    cmiuuid: 'ade4153c-d8bd-4a62-bd6d-30774e0aa30a',
    conversationUuid: 'GQqYoKtV3Tn25SVqbWwdzPkNwMBo9hhLwWadm9N71N5',
    requestId: 'GQqYoKtV3Tn25SVqbWwdzPkNwMBo9hhLwWadm9N71N5',
    appId: 2222224,
    from: '440000000000',
    to: '19170000001',
    callerId: '440000000000',
    virtualNumber: '440000000000',
    time: ms(1725942893683),
    extraParams: { key: 'value' },
    extraParamsRaw: '{"key":"value"}'
  },
  'piopiy-india.event.inbound.answered.leg-a': {
    kind: 'event', // type 'event' + status 'answered': a live event, never a CDR
    status: 'answered',
    event: 'answered',
    direction: 'inbound',
    leg: 'a',
    cmiuuid: 'f3abcdb7-276e-4219-9358-7a03da88690a',
    conversationUuid: 'f3abcdb7-276e-4219-9358-7a03da88690a',
    appId: 2222226,
    from: '9100000000',
    to: '4461000000',
    time: ms(1571041441000)
  },
  'piopiy-india.event.outbound.started.leg-a': {
    kind: 'event',
    status: 'started',
    event: 'started',
    direction: 'outbound',
    leg: 'a',
    cmiuuid: '0d5e4c3b-8a71-4f2e-9c6d-1b2a3c4d5e6f',
    conversationUuid: '0d5e4c3b-8a71-4f2e-9c6d-1b2a3c4d5e6f',
    appId: 2222222,
    from: '4471000000',
    to: '9200000000',
    callerId: '04471000000',
    virtualNumber: '4471000000',
    time: ms(1637122460000)
  },
  'piopiy-india.event.outbound.ringing.leg-a': {
    kind: 'event',
    status: 'ringing',
    event: 'ringing',
    direction: 'outbound',
    leg: 'a',
    cmiuuid: '0d5e4c3b-8a71-4f2e-9c6d-1b2a3c4d5e6f',
    conversationUuid: '0d5e4c3b-8a71-4f2e-9c6d-1b2a3c4d5e6f',
    appId: 2222222,
    from: '4471000000',
    to: '9200000000',
    callerId: '04471000000',
    virtualNumber: '4471000000',
    time: ms(1637122462000)
  },
  'piopiy.event.stream.disconnected': {
    kind: 'stream',
    status: 'stream_disconnected', // STREAM_DISCONNECTED on the wire
    direction: 'inbound',
    leg: 'b',
    cmiuuid: 'c4ec9bd2-efad-4296-aa5b-eeafa6aeeea0',
    appId: 2222324,
    from: '440000000000',
    time: ms(1725975496000),
    wsStatus: { status: 'disconnected', message: { code: 1006, reason: 'Abnormal closure' } },
    wsStatusRaw: '{"status":"disconnected","message":{"code":1006,"reason":"Abnormal closure"}}'
  },
  // the answer-URL and DTMF requests: JSON objects naming a call, of no known kind
  'piopiy.answer_url.request.inbound': { kind: 'unknown', cmiuuid: '9a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d' },
  'piopiy-india.answer_url.request': { kind: 'unknown', cmiuuid: '1f2e3d4c-5b6a-4978-8a9b-0c1d2e3f4a5b' },
  'piopiy.action_url.dtmf': { kind: 'unknown', cmiuuid: '2b3c4d5e-6f70-4812-9a3b-4c5d6e7f8091' }, // from cmuuid
  'piopiy.action_url.dtmf.with-param': { kind: 'unknown', cmiuuid: '3c4d5e6f-7081-4923-8b4c-5d6e7f809102' }
}


t.test('the fixture folders hold exactly the listed fixtures', async t => {
  t.strictSame(filesIn('samples'), [...SAMPLE_NAMES].sort())
  t.strictSame(filesIn('variants'), [...VARIANT_NAMES].sort())
  for (const name of [...SAMPLE_NAMES, ...VARIANT_NAMES]) t.equal(fixture(name).name, name, `${name}: file name matches its name field`)
})

t.test('every fixture is valid against the schema of its kind', async t => {
  for (const name of [...SAMPLE_NAMES, ...VARIANT_NAMES]) {
    const json = payload(name)
    const kind = classify(json)
    t.equal(kind, expected[name].kind, `${name}: classified as ${expected[name].kind}`)
    t.strictSame(validate(kind, json), [], `${name}: no reasons`)
  }
})

for (const name of [...SAMPLE_NAMES, ...VARIANT_NAMES]) {
  t.test(`${name}: normalized field by field, from bytes, a string and a parsed object`, async t => {
    const want = { ...expected[name], raw: payload(name) }
    const inputs: Array<[string, Parameters<typeof parseNotification>[0]]> = [
      ['Buffer', bytes(name)],
      ['string', JSON.stringify(payload(name))],
      ['object', payload(name)]
    ]
    for (const [label, input] of inputs) {
      const record = parsedOrFail(t, input)
      t.strictSame(record, want, label)
      t.ok(Object.isFrozen(record?.raw), `${label}: raw is frozen`)
    }
  })
}

t.test('the sample printed as strict JSON parses from its printed text', async t => {
  const sample = fixture('piopiy-india.event.inbound.hangup.leg-a')
  t.strictSame(parsedOrFail(t, sample.raw_text), { ...expected['piopiy-india.event.inbound.hangup.leg-a'], raw: sample.json })
})

t.test('samples printed as JavaScript object literals are not JSON, and are rejected as such', async t => {
  // the docs print most samples with unquoted keys and single quotes; the platform POSTs JSON
  const sample = fixture('piopiy.cdr.inbound.answered.leg-a.legacy')
  const result = parseNotification(sample.raw_text)
  t.equal(result.ok, false)
  if (!result.ok) {
    t.equal(result.status, 400)
    t.equal(result.reasons.length, 1)
    t.match(result.reasons[0], /^body: is not valid JSON \(.+\)$/)
  }
})

t.test("India callerid printed as the bare literal 04471000000 is not JSON; its string form keeps the zero", async t => {
  const json = JSON.stringify(payload('piopiy-india.event.outbound.started.leg-a'))
  const printed = json.replace('"callerid":"04471000000"', '"callerid":04471000000')
  t.not(printed, json, 'the literal was substituted')
  const result = parseNotification(printed)
  t.equal(result.ok, false, 'a leading-zero number literal is malformed JSON')
  const record = parsedOrFail(t, json)
  t.equal(record?.kind === 'event' ? record.callerId : undefined, '04471000000')
})
