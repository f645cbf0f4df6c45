import { readdirSync, readFileSync } from 'node:fs'
import t from 'tap'
import { createReceiver, parseNotification } from '@piopiy-webhooks/core'
import { sampleInfo, samples, type SampleName } from '../src/samples.js'
import { silentLogger } from '@piopiy-webhooks/core'

const names = Object.keys(samples) as SampleName[]

t.test('sampleInfo describes every documented sample exactly once', async t => {
  t.equal(names.length, 18, 'ten sample files plus eight variants described in fields.md')
  t.same(sampleInfo.map(info => info.name).sort(), [...names].sort())
  t.equal(new Set(sampleInfo.map(info => info.code)).size, names.length, 'each has its own fields.md code')
  for (const info of sampleInfo) t.match(info.url, /^https:\/\/doc\.telecmi\.com\/piopiy(-india)?\/docs\//, `${info.name} cites its doc page`)
})

t.test('every sample passes the core parser and is classified as sampleInfo says', async t => {
  for (const info of sampleInfo) {
    const payload = samples[info.name]
    for (const input of [payload, JSON.stringify(payload), Buffer.from(JSON.stringify(payload))]) {
      const result = parseNotification(input)
      if (!result.ok) {
        t.fail(`${info.name}: ${result.reasons.join('; ')}`)
        continue
      }
      t.equal(result.notification.kind, info.kind, `${info.name} is a ${info.kind}`)
    }
  }
})

t.test('every sample reaches the callback sampleInfo names, through a receiver', async t => {
  let calls: string[] = []
  const on = (callback: string) => (): void => { calls.push(callback) }
  const receiver = createReceiver({
    idempotency: false,
    logger: silentLogger,
    onInboundAnswered: on('onInboundAnswered'),
    onInboundMissed: on('onInboundMissed'),
    onOutboundAnswered: on('onOutboundAnswered'),
    onOutboundMissed: on('onOutboundMissed'),
    onCallEvent: on('onCallEvent'),
    onStreamEvent: on('onStreamEvent')
  })
  for (const info of sampleInfo) {
    calls = []
    const answer = await receiver.handle({ method: 'POST', path: '/webhook/cdr', headers: { 'content-type': 'application/json' }, rawBody: JSON.stringify(samples[info.name]) })
    t.equal(answer.status, 200, `${info.name} is accepted`)
    t.same(calls, [info.callback], `${info.name} reaches ${info.callback} only`)
  }
})

t.test('the documented quirks are kept as printed', async t => {
  t.equal(samples['piopiy.cdr.inbound.missed.leg-b'].direction, 'outbound', 'leg b of an inbound missed call says outbound')
  t.equal(samples['piopiy.event.stream.disconnected'].status, 'STREAM_DISCONNECTED', 'upper-case stream status')
  t.equal(samples['piopiy-india.cdr.outbound.answered.leg-a'].callerid, '04471000000', 'India callerid keeps its leading zero as a string')
  t.equal(samples['piopiy.event.inbound.hangup.leg-a.legacy'].to, '19170000000', 'legacy hangup sends numbers as strings')
  t.equal(samples['piopiy.cdr.inbound.answered.leg-a.legacy'].call_rate, '0.450000', 'billed call_rate is a decimal string')
  t.equal(samples['piopiy.cdr.inbound.missed.leg-a'].call_rate, 0, 'unbilled call_rate is the number 0')
  t.equal(samples['piopiy-india.event.inbound.answered.leg-a'].type, 'event', "India 'answered' live event carries type: 'event'")
  t.notOk('type' in samples['piopiy.cdr.inbound.missed.leg-a'], 'current global payloads carry no type')
  t.match(sampleInfo.find(info => info.name === 'piopiy.cdr.inbound.missed.leg-b'), { reconstructed: /cut this leg off/ })
})

t.test('the samples are frozen, so no test can change them for another', async t => {
  for (const name of names) t.ok(Object.isFrozen(samples[name]), name)
  t.ok(Object.isFrozen(sampleInfo))
})

t.test('each sample is the json of its file in the package\'s samples folder, the repository\'s one copy', async t => {
  const root = new URL('../samples/', import.meta.url)
  const read = (folder: string, name: string): unknown => (JSON.parse(readFileSync(new URL(`${folder}/${name}.json`, root), 'utf8')) as { json: unknown }).json
  const documented = readdirSync(new URL('documented/', root)).map(file => file.replace(/\.json$/, ''))
  t.equal(documented.length, 10, 'the ten documented samples')
  for (const name of names) t.same(samples[name], read(documented.includes(name) ? 'documented' : 'variants', name), name)
  t.not(samples['piopiy.cdr.inbound.missed.leg-b'].cmiuuid, samples['piopiy.cdr.inbound.missed.leg-a'].cmiuuid, 'each leg has its own cmiuuid')
})
