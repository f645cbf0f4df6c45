/**
 * The `piopiy-webhooks` command line: `send`, `listen`, `replay` and `call` (one module each under `cli/`).
 * Everything runs in `main(argv, io)` with injected output streams, so that it is tested in-process;
 * `bin.ts` only wires it to the process.
 */
import { type CliIo, errorText, EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError } from './cli/common.js'
import { callCommand, CALL_HELP } from './cli/call.js'
import { listenCommand, LISTEN_HELP } from './cli/listen.js'
import { replayCommand, REPLAY_HELP } from './cli/replay.js'
import { sendCommand, SEND_HELP } from './cli/send.js'
import { packageVersion } from './package-root.js'

export { EXIT_FAILED, EXIT_OK, EXIT_USAGE, type CliIo, type Output } from './cli/common.js'
export { replayBody } from './cli/replay.js'

const HELP = `Usage: piopiy-webhooks <command> [options]

Send, receive and replay PIOPIY (TeleCMI) webhooks during development.

Commands:
  send <url>                 post documented samples, built notifications or a file
  listen                     run a development receiver that prints each notification
  replay <file.jsonl> <url>  re-send captured raw bodies, one per line
  call <answer-url>          simulate a call: the flow your answer URL returns, digits to its action URL

Options:
  -h, --help                 show help (also: piopiy-webhooks <command> --help)
  -v, --version              print the version

Exit codes: 0 every delivery answered 2xx, 1 some did not, 2 usage error.
`

interface Command {
  help: string
  run: (args: readonly string[], io: CliIo) => Promise<number>
}
const COMMANDS: Readonly<Record<string, Command>> = {
  send: { help: SEND_HELP, run: sendCommand },
  listen: { help: LISTEN_HELP, run: listenCommand },
  replay: { help: REPLAY_HELP, run: replayCommand },
  call: { help: CALL_HELP, run: callCommand }
}
const commandNamed = (name: string | undefined): Command | undefined =>
  name !== undefined && Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined

/** Runs the CLI; resolves with the exit code. Never rejects: errors are printed as one line. */
export async function main (argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...args] = argv
  const found = commandNamed(command)
  try {
    if (command === undefined) {
      io.stderr.write(HELP)
      return EXIT_USAGE
    }
    if (command === '-h' || command === '--help' || command === 'help') {
      io.stdout.write(commandNamed(args[0])?.help ?? HELP)
      return EXIT_OK
    }
    if (command === '-v' || command === '--version') {
      io.stdout.write(`${packageVersion}\n`)
      return EXIT_OK
    }
    if (found !== undefined) return await found.run(args, io)
    throw new UsageError(`unknown command '${command}' (commands: send, listen, replay, call)`)
  } catch (err) {
    const known = found !== undefined
    const prefix = known ? `piopiy-webhooks ${command}` : 'piopiy-webhooks'
    if (err instanceof UsageError || isParseArgsError(err)) {
      // parseArgs adds a second sentence on how to pass positionals that start with '-': keep the first
      const message = err instanceof UsageError ? err.message : (err as Error).message.split('. ')[0] as string
      io.stderr.write(`${prefix}: ${message}. See 'piopiy-webhooks${known ? ` ${command}` : ''} --help'.\n`)
      return EXIT_USAGE
    }
    io.stderr.write(`${prefix}: ${errorText(err)}\n`)
    return EXIT_FAILED
  }
}

const isParseArgsError = (err: unknown): boolean => String((err as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS_')
