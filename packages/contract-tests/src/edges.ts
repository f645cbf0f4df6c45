/**
 * The contract at the socket's edge, over raw `node:net` sockets (fetch hides what matters here):
 * a keep-alive client is never left hanging after a 413, a declared oversized body is refused unread,
 * and a body that never completes is answered 408 within `bodyTimeoutMs`. Rows of the contract suite.
 */
import type { ReceiverOptions } from '@piopiy-webhooks/core'
import { connect } from 'node:net'
import { gzipSync } from 'node:zlib'
import type { Mount, Tap } from './contract.js'
import { type Call, recordCallbacks } from './helpers.js'

/** What an edge row works with (a part of the contract suite's environment). */
export interface EdgeEnv {
  seedBody: string
  open: (t: Tap, options: ReceiverOptions, mount: Mount) => Promise<{ hook: string }>
}

/** What came back on one socket, and whether the server closed it (`false`: still open after {@link BOUND_MS}). */
interface Exchange { text: string, closed: boolean }

/** A bound so that a server that never closes fails the test instead of hanging it (not a timing assertion). */
const BOUND_MS = 5000

/**
 * Opens a keep-alive socket to `hook` and writes `first`; once the answer starts to arrive, writes `then`
 * (a second request on the same socket). Resolves when the server closes the socket.
 */
async function exchange (hook: string, first: string | Buffer, then?: string): Promise<Exchange> {
  const { hostname, port } = new URL(hook)
  const socket = connect({ host: hostname, port: Number(port) })
  let text = ''
  return await new Promise(resolve => {
    const bound = setTimeout(() => { socket.destroy(); resolve({ text, closed: false }) }, BOUND_MS)
    socket.on('data', chunk => {
      if (text === '' && then !== undefined) socket.write(then)
      text += chunk.toString('latin1')
    })
    socket.on('error', () => {}) // a reset after the server closed: 'close' follows
    socket.on('close', () => { clearTimeout(bound); resolve({ text, closed: true }) })
    socket.write(first)
  })
}

/** A raw HTTP/1.1 POST to `hook`, keep-alive; `body` goes as is after the head (maybe not all of it). */
function post (hook: string, headers: Record<string, string>, body = ''): string {
  const url = new URL(hook)
  const lines = Object.entries({ host: url.host, connection: 'keep-alive', 'content-type': 'application/json', ...headers })
  return `POST ${url.pathname} HTTP/1.1\r\n${lines.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n${body}`
}
const sized = (hook: string, body: string): string => post(hook, { 'content-length': String(Buffer.byteLength(body)) }, body)
const chunked = (hook: string, body: string): string =>
  post(hook, { 'transfer-encoding': 'chunked' }, `${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n\r\n`)

/** A raw POST of `bytes` on a connection the server closes after answering. */
const once = (hook: string, headers: Record<string, string>, bytes: Buffer): Buffer =>
  Buffer.concat([Buffer.from(post(hook, { connection: 'close', 'content-length': String(bytes.length), ...headers })), bytes])

/** The status lines of every answer on the socket. */
const statuses = (text: string): string[] => [...text.matchAll(/^HTTP\/1\.1 \d{3}/gm)].map(m => m[0])
const closes = (text: string): boolean => /\r\nconnection: close\r\n/i.test(text)

function answeredOnceThenClosed (t: Tap, got: Exchange, status: number): void {
  t.same(statuses(got.text), [`HTTP/1.1 ${status}`], `one answer: ${status}`)
  t.ok(closes(got.text), 'Connection: close')
  t.ok(got.closed, 'the server closed the connection (no hang)')
}

/** Every callback that ran, as `name:status` (onInvalid's HTTP status, a record's call status). */
const ran = (calls: Call[]): string[] => calls.map(c => `${c.callback}:${String((c.record as { status?: unknown }).status)}`)

export const EDGE_ROWS: Array<[title: string, mounts: Mount[], row: (t: Tap, mount: Mount, env: EdgeEnv) => Promise<void>]> = [
  ['after a 413 a keep-alive client gets Connection: close and a closed socket, never a hang', ['root', 'prefix', 'after-body-parser'], async (t, mount, { seedBody, open }) => {
    const big = JSON.stringify({ ...JSON.parse(seedBody) as object, padding: 'x'.repeat(4096) })
    for (const framing of mount === 'after-body-parser' ? [sized] : [sized, chunked]) {
      const rec = recordCallbacks()
      const { hook } = await open(t, { ...rec.options, bodyLimit: 1024 }, mount)
      const got = await exchange(hook, framing(hook, big), sized(hook, seedBody))
      answeredOnceThenClosed(t, got, 413)
      t.same(ran(rec.calls), ['onInvalid:413'], `${framing.name}: onInvalid once, the second request never ran`)
    }
  }],
  ['a declared Content-Length over bodyLimit is answered 413 at once, without waiting for the body', ['root', 'prefix'], async (t, mount, { open }) => {
    const rec = recordCallbacks()
    const { hook } = await open(t, { ...rec.options, bodyLimit: 1024 }, mount)
    const got = await exchange(hook, post(hook, { 'content-length': String(10 * 1024 * 1024) }))
    answeredOnceThenClosed(t, got, 413)
    t.same(ran(rec.calls), ['onInvalid:413'])
  }],
  ['a body that never completes is answered 408 after bodyTimeoutMs, the connection closed, onInvalid told', ['root', 'prefix'], async (t, mount, { seedBody, open }) => {
    const rec = recordCallbacks()
    const { hook } = await open(t, { ...rec.options, bodyTimeoutMs: 200 }, mount)
    const got = await exchange(hook, post(hook, { 'content-length': String(seedBody.length) }, seedBody.slice(0, 10)))
    answeredOnceThenClosed(t, got, 408)
    t.same(ran(rec.calls), ['onInvalid:408'])
    t.match((rec.of('onInvalid')[0] as Call).record, { rawBody: seedBody.slice(0, 10) }, 'with what arrived')
  }],
  ['bodies are decoded as declared: charset and gzip; an unknown charset or coding is 415; a gzip bomb is 413', ['root', 'prefix'], async (t, mount, { seedBody, open }) => {
    const rec = recordCallbacks()
    const { hook } = await open(t, rec.options, mount)
    const utf16 = { 'content-type': 'application/json; charset=utf-16le', 'content-encoding': 'gzip' }
    t.same(statuses((await exchange(hook, once(hook, utf16, gzipSync(Buffer.from(seedBody, 'utf16le'))))).text), ['HTTP/1.1 200'], 'gzip UTF-16LE: 200')
    const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024, ' '), { level: 9 })
    t.same(statuses((await exchange(hook, once(hook, { 'content-encoding': 'gzip' }, bomb))).text), ['HTTP/1.1 413'], '50 MiB of spaces in a gzip: 413')
    const klingon = { 'content-type': 'application/json; charset=klingon' }
    t.same(statuses((await exchange(hook, once(hook, klingon, Buffer.from(seedBody)))).text), ['HTTP/1.1 415'], 'unknown charset: 415')
    t.same(statuses((await exchange(hook, once(hook, { 'content-encoding': 'compress' }, Buffer.from(seedBody)))).text), ['HTTP/1.1 415'], 'unknown coding: 415')
    t.same(ran(rec.calls), ['onInboundAnswered:answered', 'onNotification:answered', 'onInvalid:413', 'onInvalid:415', 'onInvalid:415'])
  }]
]
