import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { callEvent, inboundAnsweredCdr, inboundMissedCdr } from '../src/builders.js'
import { main, replayBody } from '../src/cli.js'
import { captureIo, receiverServer, recordingServer } from './helpers.js'

async function jsonl (lines: string[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'piopiy-replay-'))
  const file = join(dir, 'captured.jsonl')
  await writeFile(file, lines.join('\n'))
  return file
}

t.test('what a replay line sends', async t => {
  t.equal(replayBody('{"cmiuuid":"x"}'), '{"cmiuuid":"x"}', 'a JSON object is sent as written')
  t.equal(replayBody('{"rawBody":"{\\"cmiuuid\\": ","reasons":["body: is not valid JSON"],"status":400}'), '{"cmiuuid": ', 'an onInvalid capture sends its rawBody')
  t.equal(replayBody('{"rawBody": 42}'), '{"rawBody": 42}', 'a rawBody that is not a string is just a field')
  t.equal(replayBody('"{\\"not\\": json"'), '{"not": json', 'a JSON string sends its content')
  t.equal(replayBody('{broken'), '{broken', 'anything else is sent as it is')
  t.equal(replayBody('null'), 'null')
  t.equal(replayBody('[1,2]'), '[1,2]')
})

t.test('replay re-sends each captured body and summarises the statuses', async t => {
  const server = await receiverServer()
  t.teardown(server.close)
  const cdr = inboundAnsweredCdr()
  const file = await jsonl([
    JSON.stringify(cdr),
    '',
    JSON.stringify(cdr),
    '   ',
    JSON.stringify({ rawBody: JSON.stringify(inboundMissedCdr()), reasons: ['content-type'], status: 415 }),
    JSON.stringify(JSON.stringify(callEvent('hangup'))),
    '{"cmiuuid": ',
    '\r'
  ])
  const io = captureIo()
  t.equal(await main(['replay', file, server.url], io), 1, 'one body was rejected')
  t.same(server.calls.map(c => c.callback), ['onInboundAnswered', 'onInboundMissed', 'onCallEvent'])
  const [summary, ...failures] = io.out().trimEnd().split('\n')
  t.equal(summary, `replayed 5 bodies from ${file} to ${server.url}: 4 × 200, 1 × 400`)
  t.match(failures, [/^ {2}line 7 {2}400 Bad Request {2}body: is not valid JSON/])
  t.equal(failures.length, 1)
  t.equal(io.err(), 'replay: 1/5 sent\nreplay: 2/5 sent\nreplay: 3/5 sent\nreplay: 4/5 sent\nreplay: 5/5 sent\n', 'progress lines when stderr is not a terminal')
})

t.test('a progress bar on a terminal; every 2xx exits 0; --concurrency', async t => {
  const server = await recordingServer()
  t.teardown(server.close)
  const file = await jsonl(Array.from({ length: 20 }, (_, i) => JSON.stringify({ cmiuuid: `c${i}` })))
  const io = captureIo({ tty: true, env: { NO_COLOR: '1' } })
  t.equal(await main(['replay', file, server.url, '--concurrency', '4'], io), 0)
  t.equal(server.requests.length, 20)
  t.same(server.requests.map(r => JSON.parse(r.body.toString()) as { cmiuuid: string }).map(b => b.cmiuuid).sort(),
    Array.from({ length: 20 }, (_, i) => `c${i}`).sort())
  t.equal(io.out(), `replayed 20 bodies from ${file} to ${server.url}: 20 × 200\n`)
  const frames = io.err().split('\r').slice(1)
  t.equal(frames.length, 20, 'the bar is redrawn once per delivery')
  t.equal(frames[0], `${'█'.repeat(2)}${'░'.repeat(28)} 1/20`)
  t.equal(frames[19], `${'█'.repeat(30)} 20/20\n`, 'and ends its line when done')
})

t.test('coloured bar, --token and --header, and a long list of failures', async t => {
  const server = await receiverServer({ auth: { token: 'tok' } })
  t.teardown(server.close)
  const file = await jsonl(Array.from({ length: 23 }, () => '{"cmiuuid": '))
  const io = captureIo({ tty: true, env: { FORCE_COLOR: '1' } })
  t.equal(await main(['replay', file, server.url, '--token', 'tok', '--header', 'x-replay: yes'], io), 1)
  t.match(io.err(), '\u001b[36m')
  const lines = io.out().trimEnd().split('\n')
  t.match(lines[0], /: 23 × 400$/)
  t.equal(lines.length, 1 + 20 + 1, 'the first 20 failures, then a count of the rest')
  t.equal(lines.at(-1), '  … and 3 more')
  t.match(lines[1], /^ {2}line 1 +\u001b\[31m400 Bad Request\u001b\[39m {2}body: is not valid JSON/)
})

t.test('unreachable receivers count as errors; progress lines every tenth', async t => {
  const server = await recordingServer()
  await server.close()
  const file = await jsonl(['{"a":1}', 'plain text', ...Array.from({ length: 9 }, () => '{}')])
  const io = captureIo()
  t.equal(await main(['replay', file, server.url], io), 1)
  const lines = io.out().trimEnd().split('\n')
  t.equal(lines[0], `replayed 11 bodies from ${file} to ${server.url}: 11 × error`)
  t.match(lines[1], /^ {2}line 1 +error {2}fetch failed \(connect ECONNREFUSED/)
  t.match(lines[2], /^ {2}line 2 +error/)
  t.equal(io.err(), [2, 4, 6, 8, 10, 11].map(n => `replay: ${n}/11 sent\n`).join(''), 'every 2nd of 11, and the last')
})

t.test('an empty file replays nothing and exits 0; a non-JSON 2xx answer is fine', async t => {
  const server = await recordingServer(200, 'got it')
  t.teardown(server.close)
  const io = captureIo({ tty: true })
  const empty = await jsonl(['', ''])
  t.equal(await main(['replay', empty, server.url], io), 0)
  t.equal(io.out(), `replayed 0 bodies from ${empty} to ${server.url}\n`)
  t.equal(io.err(), '')
  const one = await jsonl(['{}'])
  const single = captureIo()
  t.equal(await main(['replay', one, server.url], single), 0)
  t.equal(single.out(), `replayed 1 body from ${one} to ${server.url}: 1 × 200\n`)
})

t.test('--token "" (an unset shell variable) warns on stderr', async t => {
  const server = await recordingServer()
  t.teardown(server.close)
  const io = captureIo()
  t.equal(await main(['replay', await jsonl(['{}']), server.url, '--token', ''], io), 0)
  t.match(io.err(), /^piopiy-webhooks replay: warning: --token is empty \(an unset shell variable\?\); sending \?token= with no value\n/)
  t.match(server.requests[0]?.url, /\?token=$/)
})

t.test('replay usage errors', async t => {
  const file = await jsonl(['{}'])
  const cases: Array<[string[], RegExp]> = [
    [[], /expected <file\.jsonl> <url>, got 0 arguments/],
    [[file], /expected <file\.jsonl> <url>, got 1 argument\./],
    [[file, 'ftp://x/'], /'ftp:\/\/x\/' is not an http\(s\) URL/],
    [[file, 'http://127.0.0.1:9/', '--concurrency', '0'], /--concurrency must be a positive integer \(got '0'\)/],
    [[join(file, 'missing.jsonl'), 'http://127.0.0.1:9/'], /cannot read .*missing\.jsonl: ENOTDIR/],
    [[`${file}.nope`, 'http://127.0.0.1:9/'], /cannot read .*\.nope: ENOENT/]
  ]
  for (const [args, message] of cases) {
    const io = captureIo()
    t.equal(await main(['replay', ...args], io), 2, args.join(' '))
    t.match(io.err(), message)
    t.match(io.err(), /See 'piopiy-webhooks replay --help'\.\n$/)
  }
})
