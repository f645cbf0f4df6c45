import { readFileSync } from 'node:fs'
import t from 'tap'
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, main } from '../src/cli.js'
import { captureIo } from './helpers.js'

t.test('exit codes', async t => {
  t.same([EXIT_OK, EXIT_FAILED, EXIT_USAGE], [0, 1, 2])
})

t.test('global help: --help, -h and help print it to stdout and exit 0', async t => {
  for (const args of [['--help'], ['-h'], ['help'], ['help', 'constructor']]) {
    const io = captureIo()
    t.equal(await main(args, io), 0)
    t.match(io.out(), /^Usage: piopiy-webhooks <command> \[options\]\n/)
    t.match(io.out(), /send <url>[\s\S]*listen[\s\S]*replay <file\.jsonl> <url>/)
    t.equal(io.err(), '')
  }
})

t.test('--version and -v print the package version to stdout and exit 0', async t => {
  const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
  for (const flag of ['--version', '-v']) {
    const io = captureIo()
    t.equal(await main([flag], io), 0)
    t.equal(io.out(), `${version}\n`)
    t.equal(io.err(), '')
  }
  const help = captureIo()
  await main(['--help'], help)
  t.match(help.out(), /-v, --version +print the version/)
})

t.test('no command prints the help to stderr and exits 2', async t => {
  const io = captureIo()
  t.equal(await main([], io), 2)
  t.equal(io.out(), '')
  t.match(io.err(), /^Usage: piopiy-webhooks <command>/)
})

t.test('each command has its own --help', async t => {
  for (const command of ['send', 'listen', 'replay', 'call']) {
    for (const args of [[command, '--help'], [command, '-h'], ['help', command]]) {
      const io = captureIo()
      t.equal(await main(args, io), 0, args.join(' '))
      t.match(io.out(), new RegExp(`^Usage: piopiy-webhooks ${command}`))
    }
  }
  const io = captureIo()
  await main(['send', '--help'], io)
  t.match(io.out(), /inbound-answered, inbound-missed, outbound-answered, outbound-missed, call-event, stream-event, answer, dtmf, samples, invalid/)
  t.match(io.out(), /in_answered, out_started, out_answered, out_bridged, hangup, started, ringing, answered/)
})

t.test('usage errors are one line, with a pointer to the help, and exit 2', async t => {
  const cases: Array<[string[], string]> = [
    [['deploy'], "piopiy-webhooks: unknown command 'deploy' (commands: send, listen, replay, call). See 'piopiy-webhooks --help'."],
    [['toString'], "piopiy-webhooks: unknown command 'toString' (commands: send, listen, replay, call). See 'piopiy-webhooks --help'."],
    [['send'], "piopiy-webhooks send: missing <url>. See 'piopiy-webhooks send --help'."],
    [['send', 'a', 'b'], 'piopiy-webhooks send: expected one <url>, got 2 arguments'],
    [['send', 'localhost:3000'], "piopiy-webhooks send: 'localhost:3000' is not an http(s) URL"],
    [['send', 'not a url'], "piopiy-webhooks send: 'not a url' is not a URL (expected e.g. http://127.0.0.1:3000/webhook/cdr)"],
    [['send', 'http://127.0.0.1:9/', '--bogus'], "piopiy-webhooks send: Unknown option '--bogus'. See 'piopiy-webhooks send --help'."],
    [['send', 'http://127.0.0.1:9/', '--times'], "piopiy-webhooks send: Option '--times <value>' argument missing"],
    [['send', 'http://127.0.0.1:9/', '--times', '0'], "piopiy-webhooks send: --times must be a positive integer (got '0')"],
    [['send', 'http://127.0.0.1:9/', '--times', '2x'], "piopiy-webhooks send: --times must be a positive integer (got '2x')"],
    [['send', 'http://127.0.0.1:9/', '--kind', 'cdr'], "piopiy-webhooks send: --kind must be one of inbound-answered, inbound-missed, outbound-answered, outbound-missed, call-event, stream-event, answer, dtmf, samples, invalid (got 'cdr')"],
    [['send', 'http://127.0.0.1:9/', '--kind', 'samples', '--file', 'x.json'], 'piopiy-webhooks send: use only one of --kind, --sample and --file'],
    [['send', 'http://127.0.0.1:9/', '--sample', 'nope'], "piopiy-webhooks send: unknown sample 'nope' (see --kind samples for their names)"],
    [['send', 'http://127.0.0.1:9/', '--file', '/nonexistent/x.json'], 'piopiy-webhooks send: cannot read /nonexistent/x.json: ENOENT'],
    [['send', 'http://127.0.0.1:9/', '--header', 'novalue'], "piopiy-webhooks send: --header must look like 'name: value' (got 'novalue')"],
    [['send', 'http://127.0.0.1:9/', '--header', ':v'], "piopiy-webhooks send: --header must look like 'name: value' (got ':v')"],
    [['send', 'http://127.0.0.1:9/', '--status', 'hangup'], 'piopiy-webhooks send: --status applies to --kind call-event and stream-event only'],
    [['send', 'http://127.0.0.1:9/', '--kind', 'call-event', '--status', 'busy'], "piopiy-webhooks send: --status must be one of in_answered, out_started, out_answered, out_bridged, hangup, started, ringing, answered (got 'busy')"],
    [['send', 'http://127.0.0.1:9/', '--kind', 'stream-event', '--status', 'open'], "piopiy-webhooks send: --status must be one of connected, disconnected (got 'open')"],
    [['send', 'http://127.0.0.1:9/', '--variant', 'eu'], "piopiy-webhooks send: --variant must be one of current, legacy, india (got 'eu')"],
    [['send', 'http://127.0.0.1:9/', '--kind', 'stream-event', '--variant', 'india'], 'piopiy-webhooks send: --variant does not apply to stream events']
  ]
  for (const [args, message] of cases) {
    const io = captureIo()
    t.equal(await main(args, io), 2, args.join(' '))
    t.equal(io.out(), '')
    const err = io.err()
    t.equal(err.split('\n').length, 2, `one line: ${err}`)
    t.ok(err.startsWith(message), `${args.join(' ')} → ${err}`)
  }
})
