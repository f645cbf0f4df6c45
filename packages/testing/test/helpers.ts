/** Test helpers: real servers on 127.0.0.1 (port 0), in-memory CLI output, child processes. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { once } from 'node:events'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { type Call, closeServer, recordCallbacks } from '@piopiy-webhooks/contract-tests'
import { createReceiver, type ReceiverOptions } from '@piopiy-webhooks/core'
import type { CliIo } from '../src/cli.js'

/** The repository root and the files the child-process tests run. */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url))
export const binPath = fileURLToPath(new URL('../src/bin.ts', import.meta.url))
export const demoPath = fileURLToPath(new URL('../../../examples/demo/demo.js', import.meta.url))

export interface Recorded { method: string, url: string, headers: IncomingHttpHeaders, body: Buffer }

export interface Running {
  url: string
  server: Server
  close (): Promise<void>
}

async function listen (server: Server, path: string): Promise<Running> {
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}${path}`,
    server,
    async close () { await closeServer(server) }
  }
}

/** A server that records every request and answers `status` with `body` (default: a small JSON counter). */
export async function recordingServer (status = 200, body?: string): Promise<Running & { requests: Recorded[] }> {
  const requests: Recorded[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      requests.push({ method: req.method as string, url: req.url as string, headers: req.headers, body: Buffer.concat(chunks) })
      res.writeHead(status, { 'content-type': 'application/json' }).end(body ?? `{"n":${requests.length}}`)
    })
  })
  return Object.assign(await listen(server, '/webhook/cdr'), { requests })
}

/** The core's receiver on node:http, recording which kind callback received what. */
export async function receiverServer (options: ReceiverOptions = {}): Promise<Running & { calls: Call[] }> {
  const { calls, options: recording } = recordCallbacks({}, ['onInboundAnswered', 'onInboundMissed', 'onOutboundAnswered', 'onOutboundMissed', 'onCallEvent', 'onStreamEvent'])
  const receiver = createReceiver({ ...recording, onInvalid: () => {}, ...options })
  const server = createServer((req, res) => {
    void receiver.handle({ method: req.method as string, path: req.url as string, headers: req.headers, rawBody: req, ip: req.socket.remoteAddress }).then(answer => {
      res.writeHead(answer.status, answer.headers).end(answer.body)
    })
  })
  return Object.assign(await listen(server, receiver.path), { calls })
}

/** How long a `waitFor` waits for its pattern before it fails: a bound against hangs, not a timing assertion. */
export const WAIT_FOR_MS = 20_000

/**
 * Waits until `read()` matches `pattern` (`wait` resolves at the next change); fails fast with what was read
 * instead of hanging to the file's timeout: when `ended()` says no more will come, or after `ms`.
 */
export async function waitForMatch (read: () => string, pattern: RegExp, wait: () => Promise<void>, ended: () => boolean = () => false, ms = WAIT_FOR_MS, also: () => string = () => ''): Promise<RegExpMatchArray> {
  const deadline = Date.now() + ms
  for (;;) {
    const match = read().match(pattern)
    if (match !== null) return match
    if (ended()) throw new Error(`ended before printing ${String(pattern)}; printed:\n${read()}${also()}`)
    const left = deadline - Date.now()
    let timer: NodeJS.Timeout | undefined
    const late = new Promise<'late'>(resolve => { timer = setTimeout(resolve, Math.max(0, left), 'late') })
    const woke = await Promise.race([wait().then(() => 'changed' as const), late])
    clearTimeout(timer)
    if (woke === 'late' && read().match(pattern) === null) throw new Error(`${String(pattern)} not printed within ${ms} ms; printed:\n${read()}${also()}`)
  }
}

/** An in-memory CliIo: what the CLI wrote to stdout and stderr. */
export function captureIo (options: { tty?: boolean, env?: Record<string, string | undefined>, signal?: AbortSignal } = {}): CliIo & { out: () => string, err: () => string, waitFor: (pattern: RegExp) => Promise<RegExpMatchArray> } {
  let out = ''
  let err = ''
  const waiters: Array<() => void> = []
  const changed = (): void => { for (const wake of waiters.splice(0)) wake() }
  return {
    stdout: { write (chunk: string) { out += chunk; changed(); return true }, isTTY: options.tty ?? false },
    stderr: { write (chunk: string) { err += chunk; changed(); return true }, isTTY: options.tty ?? false },
    ...(options.env === undefined ? {} : { env: options.env }),
    signal: options.signal ?? new AbortController().signal,
    out: () => out,
    err: () => err,
    /** Resolves when stdout matches `pattern` (the CLI prints as things happen); fails after {@link WAIT_FOR_MS}. */
    async waitFor (pattern) {
      return await waitForMatch(() => out, pattern, async () => { await new Promise<void>(resolve => waiters.push(resolve)) })
    }
  }
}

/** A child process with its output collected, and a way to wait for a line of it. */
export interface Child {
  process: ChildProcessWithoutNullStreams
  stdout: () => string
  stderr: () => string
  waitFor (pattern: RegExp): Promise<RegExpMatchArray>
  exit: Promise<number | null>
}

/** Runs a script with the same Node flags as this test (TypeScript loader, source condition, coverage). */
export function runNode (script: string, args: string[], env: Record<string, string> = {}): Child {
  const child = spawn(process.execPath, [...process.execArgv, script, ...args], { cwd: repoRoot, env: { ...process.env, NO_COLOR: '1', ...env } })
  let stdout = ''
  let stderr = ''
  const waiters: Array<() => void> = []
  const changed = (): void => { for (const wake of waiters.splice(0)) wake() }
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk; changed() })
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; changed() })
  let exited = false
  const exit = new Promise<number | null>(resolve => child.on('close', code => { exited = true; changed(); resolve(code) }))
  return {
    process: child,
    stdout: () => stdout,
    stderr: () => stderr,
    exit,
    /** Matches the output without its colour codes; fails when the child exits first, or after {@link WAIT_FOR_MS}. */
    async waitFor (pattern) {
      const read = (): string => stdout.replace(/\u001b\[[0-9;]*m/g, '')
      return await waitForMatch(read, pattern, async () => { await new Promise<void>(resolve => waiters.push(resolve)) }, () => exited, WAIT_FOR_MS, () => `\nstderr:\n${stderr}`)
    }
  }
}
