import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { main } from '../src/cli.js'
import { sampleInfo, samples } from '../src/samples.js'
import { captureIo, receiverServer, recordingServer } from './helpers.js'

t.test('send posts a fresh inbound answered CDR by default and prints its status', async t => {
  const server = await receiverServer()
  t.teardown(server.close)
  const io = captureIo()
  t.equal(await main(['send', server.url], io), 0)
  t.equal(io.out(), 'inbound-answered  200 OK  {"ok":true}\n')
  t.equal(io.err(), '')
  t.same(server.calls.map(c => c.callback), ['onInboundAnswered'])
})

t.test('--times sends identical copies: the receiver dedupes the retries', async t => {
  const server = await receiverServer()
  t.teardown(server.close)
  const io = captureIo()
  t.equal(await main(['send', server.url, '--kind', 'outbound-missed', '--times', '4'], io), 0)
  t.same(io.out().trimEnd().split('\n'), [
    'outbound-missed  #1/4  200 OK  {"ok":true}',
    'outbound-missed  #2/4  200 duplicate  {"ok":true,"duplicate":true}',
    'outbound-missed  #3/4  200 duplicate  {"ok":true,"duplicate":true}',
    'outbound-missed  #4/4  200 duplicate  {"ok":true,"duplicate":true}'
  ])
  t.same(server.calls.map(c => c.callback), ['onOutboundMissed'])
})

t.test('every --kind reaches its callback', async t => {
  const server = await receiverServer()
  t.teardown(server.close)
  const cases: Array<[string[], string]> = [
    [['--kind', 'inbound-answered', '--variant', 'india'], 'onInboundAnswered'],
    [['--kind', 'inbound-missed', '--variant', 'legacy'], 'onInboundMissed'],
    [['--kind', 'outbound-answered'], 'onOutboundAnswered'],
    [['--kind', 'outbound-missed'], 'onOutboundMissed'],
    [['--kind', 'call-event'], 'onCallEvent'],
    [['--kind', 'call-event', '--status', 'ringing', '--variant', 'india'], 'onCallEvent'],
    [['--kind', 'stream-event'], 'onStreamEvent'],
    [['--kind', 'stream-event', '--status', 'disconnected'], 'onStreamEvent']
  ]
  for (const [args, callback] of cases) {
    const io = captureIo()
    server.calls.length = 0
    t.equal(await main(['send', server.url, ...args], io), 0, args.join(' '))
    t.same(server.calls.map(c => c.callback), [callback], `${args.join(' ')} → ${callback}`)
  }
  const io = captureIo()
  await main(['send', server.url, '--kind', 'call-event', '--status', 'out_bridged'], io)
  t.match(io.out(), /^call-event out_bridged {2}200 OK/)
  t.match(server.calls.at(-1)?.record, { kind: 'event', status: 'out_bridged', leg: 'b' })
})

t.test('--kind samples sends every documented sample, each with a fresh cmiuuid; --sample sends one as printed', async t => {
  const server = await recordingServer()
  t.teardown(server.close)
  const io = captureIo()
  t.equal(await main(['send', server.url, '--kind', 'samples'], io), 0)
  const sent = server.requests.map(r => JSON.parse(r.body.toString()) as Record<string, unknown>)
  t.same(sent.map(({ cmiuuid, ...rest }) => rest), sampleInfo.map(info => ({ ...samples[info.name], cmiuuid: undefined })).map(({ cmiuuid, ...rest }) => rest), 'the samples, in order')
  t.equal(new Set(sent.map(body => body['cmiuuid'])).size, sampleInfo.length, 'a distinct cmiuuid each')
  for (const info of sampleInfo) t.not(sent.find((_, i) => sampleInfo[i] === info)?.['cmiuuid'], samples[info.name].cmiuuid, `${info.name}: not the printed cmiuuid`)
  const lines = io.out().trimEnd().split('\n')
  t.equal(lines.length, sampleInfo.length)
  t.ok(lines.every(line => /^piopiy\S* +200 OK {2}\{"n":\d+\}$/.test(line)), 'one aligned line per sample')
  server.requests.length = 0
  t.equal(await main(['send', server.url, '--sample', 'piopiy.event.stream.disconnected'], captureIo()), 0)
  t.same(JSON.parse(server.requests[0]?.body.toString() as string), samples['piopiy.event.stream.disconnected'])
})

t.test('--kind samples reaches a deduplicating receiver with no duplicate, twice in a row; --keep-ids sends the printed ids', async t => {
  const server = await receiverServer()
  t.teardown(server.close)
  for (const run of [1, 2]) {
    const io = captureIo()
    t.equal(await main(['send', server.url, '--kind', 'samples'], io), 0)
    t.notMatch(io.out(), /duplicate/, `run ${run}: no sample answers duplicate`)
  }
  t.equal(server.calls.length, 2 * sampleInfo.length, 'every callback ran, both times')
  const kept = captureIo()
  t.equal(await main(['send', server.url, '--kind', 'samples', '--keep-ids'], kept), 0)
  t.match(kept.out(), /duplicate/, 'the printed ids: legs and retries of one call share a dedupe key')
  const misuse = captureIo()
  t.equal(await main(['send', server.url, '--keep-ids'], misuse), 2)
  t.match(misuse.err(), /--keep-ids applies to --kind samples only/)
})

t.test('--token "" (an unset shell variable) warns on stderr, and sends ?token= as asked', async t => {
  const server = await recordingServer()
  t.teardown(server.close)
  const io = captureIo()
  t.equal(await main(['send', server.url, '--token', ''], io), 0)
  t.equal(io.err(), 'piopiy-webhooks send: warning: --token is empty (an unset shell variable?); sending ?token= with no value\n')
  t.match(server.requests[0]?.url, /\?token=$/)
})

t.test('--file posts the file bytes as they are; a 400 exits 1', async t => {
  const server = await receiverServer()
  t.teardown(server.close)
  const dir = await mkdtemp(join(tmpdir(), 'piopiy-send-'))
  const file = join(dir, 'broken.json')
  await writeFile(file, '{"cmiuuid": ')
  const io = captureIo()
  t.equal(await main(['send', server.url, '--file', file], io), 1)
  t.match(io.out(), /^broken\.json {2}400 Bad Request {2}\{"error":"Bad Request","reasons":\["body: is not valid JSON/)
  const good = join(dir, 'cdr.json')
  await writeFile(good, JSON.stringify(samples['piopiy.cdr.outbound.missed.leg-a']))
  t.equal(await main(['send', server.url, '--file', good], captureIo()), 0)
  t.same(server.calls.map(c => c.callback), ['onOutboundMissed'])
})

t.test('--kind invalid sends a body that is not JSON', async t => {
  const server = await receiverServer()
  t.teardown(server.close)
  const io = captureIo({ env: { FORCE_COLOR: '1' } })
  t.equal(await main(['send', server.url, '--kind', 'invalid'], io), 1)
  t.match(io.out(), /^invalid \(not JSON\) {2}\u001b\[31m400 Bad Request\u001b\[39m/, 'coloured when forced')
})

t.test('--token goes in the URL, --header in the headers', async t => {
  const server = await receiverServer({ auth: { token: 's3cret' } })
  t.teardown(server.close)
  const denied = captureIo()
  t.equal(await main(['send', server.url], denied), 1)
  t.match(denied.out(), /401 Unauthorized/)
  t.equal(await main(['send', server.url, '--token', 's3cret'], captureIo()), 0)
  t.equal(await main(['send', server.url, '--header', 'X-Webhook-Token: s3cret', '--header', 'x-other:1'], captureIo()), 0)
  t.equal(server.calls.length, 2)
})

t.test('a long answer is shortened to one line', async t => {
  const server = await receiverServer()
  t.teardown(server.close)
  const dir = await mkdtemp(join(tmpdir(), 'piopiy-send-'))
  const file = join(dir, 'not-a-cdr.json')
  await writeFile(file, JSON.stringify({ type: 'cdr', cmiuuid: 'x', status: 'answered' }))
  const io = captureIo()
  t.equal(await main(['send', server.url, '--file', file], io), 1)
  const line = io.out().trimEnd()
  t.notOk(line.includes('\n'))
  t.match(line, /^not-a-cdr\.json {2}400 Bad Request {2}\{"error":"Bad Request","reasons":\[.{60,}…$/)
  t.equal(line.length, 'not-a-cdr.json  400 Bad Request  '.length + 120)
})

t.test('an unreachable receiver is one clear line and exit 1', async t => {
  const server = await recordingServer()
  await server.close()
  const io = captureIo()
  t.equal(await main(['send', server.url], io), 1)
  t.equal(io.out(), '')
  t.equal(io.err(), `piopiy-webhooks send: cannot reach ${server.url}: fetch failed (connect ECONNREFUSED ${new URL(server.url).host})\n`)
})
