/** What the commands share: their output streams, exit codes, usage errors and argument readers. */
import { readFile } from 'node:fs/promises'

/** Where the CLI writes: `process.stdout` and `process.stderr`, or anything with `write`. */
export interface Output {
  write (chunk: string): unknown
  isTTY?: boolean
}

export interface CliIo {
  stdout: Output
  stderr: Output
  /** Environment (`NO_COLOR`, `FORCE_COLOR`, `TERM`). */
  env?: Record<string, string | undefined>
  /** Where `call` reads the digits from (the bin passes `process.stdin`). */
  stdin?: NodeJS.ReadableStream
  /** Stops `listen` when aborted (the bin aborts it on SIGINT and SIGTERM). */
  signal: AbortSignal
}

/** Exit codes: 0 all delivered with 2xx; 1 some delivery failed or answered non-2xx; 2 usage error. */
export const EXIT_OK = 0
export const EXIT_FAILED = 1
export const EXIT_USAGE = 2

export class UsageError extends Error {}

/** One line for an error, with its cause (fetch reports `fetch failed` and hides the reason there). */
export function errorText (err: unknown): string {
  const error = err as Error & { cause?: Error }
  const message = error.message.replace(/^\[@piopiy-webhooks\/core\] /, '')
  return error.cause?.message === undefined ? message : `${message} (${error.cause.message})`
}

export const HELP_OPTION = { help: { type: 'boolean', short: 'h' } } as const

/** Prints a command's help when `--help` was given. */
export function helped (help: boolean | undefined, text: string, io: CliIo): boolean {
  if (help === true) io.stdout.write(text)
  return help === true
}

export function targetUrl (value: string | undefined, token: string | undefined): URL {
  if (value === undefined) throw new UsageError('missing <url>')
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new UsageError(`'${value}' is not a URL (expected e.g. http://127.0.0.1:3000/webhook/cdr)`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`'${value}' is not an http(s) URL`)
  if (token !== undefined) url.searchParams.set('token', token)
  return url
}

/**
 * `--token ""` is almost always an unset shell variable (`--token "$PIOPIY_TOKEN"`): says so on stderr,
 * with what the command does about it.
 */
export function warnEmptyToken (command: string, token: string | undefined, io: CliIo, consequence: string): void {
  if (token === '') io.stderr.write(`piopiy-webhooks ${command}: warning: --token is empty (an unset shell variable?); ${consequence}\n`)
}

export function positiveInteger (name: string, value: string): number {
  if (!/^[1-9][0-9]*$/.test(value)) throw new UsageError(`${name} must be a positive integer (got '${value}')`)
  return Number(value)
}

export function headerList (values: string[] | undefined): Record<string, string> {
  const headers: Record<string, string> = {}
  for (const value of values ?? []) {
    const colon = value.indexOf(':')
    const name = value.slice(0, colon).trim()
    if (colon < 0 || name === '') throw new UsageError(`--header must look like 'name: value' (got '${value}')`)
    headers[name.toLowerCase()] = value.slice(colon + 1).trim()
  }
  return headers
}

export function oneOf<T extends string> (name: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`${name} must be one of ${allowed.join(', ')} (got '${value}')`)
  return value as T
}

export async function readInput (file: string): Promise<Buffer> {
  try {
    return await readFile(file)
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${String((err as NodeJS.ErrnoException).code)}`)
  }
}

export const shorten = (text: string, max = 120): string => {
  const line = text.replace(/\s+/g, ' ').trim()
  return line.length > max ? `${line.slice(0, max - 1)}…` : line
}
