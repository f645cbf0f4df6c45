/** Reads a request body with a byte limit, from whatever the adapter hands over. */
import { Deadlines } from './deadlines.js'
import { type Decoded, decodeBody } from './decode.js'
import { joinedHeader } from './headers.js'
import type { WebhookRequest } from './types.js'

export interface Body {
  /** The bytes read: the whole body, or the first `limit` bytes when it was too large. */
  bytes: Buffer
  tooLarge: boolean
  /** Set when the body did not arrive within the time allowed (`bytes`: what came so far). */
  timedOut?: true
}

interface NodeReadable extends AsyncIterable<Uint8Array | string> {
  on (event: string, listener: (arg?: unknown) => void): unknown
  off (event: string, listener: (arg?: unknown) => void): unknown
  pause (): unknown
  readableEnded?: boolean
}

const toBuffer = (chunk: Uint8Array | string): Buffer => typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)

const collect = (chunks: Buffer[], size: number, limit: number): Body => {
  const bytes = chunks.length === 1 ? chunks[0] as Buffer : Buffer.concat(chunks, size)
  return size > limit ? { bytes: bytes.subarray(0, limit), tooLarge: true } : { bytes, tooLarge: false }
}

const timedOut = (chunks: Buffer[], size: number): Body => ({ bytes: Buffer.concat(chunks, size), tooLarge: false, timedOut: true })

const isNodeReadable = (body: object): body is NodeReadable => typeof (body as NodeReadable).on === 'function' && typeof (body as NodeReadable).pause === 'function'

/**
 * A Node stream is read with listeners and *paused* (not destroyed) at the limit, so the answer can still be
 * written on its socket; Node discards the rest. A stream that already ended (read by someone else) gives an
 * empty body at once rather than waiting for an 'end' that never comes. The time allowed is a place in
 * `timeouts` (the receiver's queue of body deadlines, one timer for all), not a timer of its own.
 */
function readNodeStream (stream: NodeReadable, limit: number, timeouts: Deadlines): Promise<Body> {
  if (stream.readableEnded === true) return Promise.resolve({ bytes: Buffer.alloc(0), tooLarge: false })
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const stop = (): void => {
      timeouts.cancel(deadline)
      stream.off('data', onData)
      stream.off('end', finish)
      stream.off('error', onError)
    }
    const finish = (): void => {
      stop()
      resolve(collect(chunks, size, limit))
    }
    const deadline = timeouts.add(() => {
      stop()
      stream.pause()
      resolve(timedOut(chunks, size))
    })
    const onData = (chunk: unknown): void => {
      const buffer = toBuffer(chunk as Uint8Array | string)
      chunks.push(buffer)
      size += buffer.length
      if (size > limit) {
        stream.pause()
        finish()
      }
    }
    const onError = (err: unknown): void => {
      stop()
      reject(err)
    }
    stream.on('data', onData)
    stream.on('end', finish)
    stream.on('error', onError)
  })
}

/**
 * An async iterable (a web stream's chunks) read chunk by chunk until its end, `limit` or the deadline in
 * `timeouts`: one promise for the whole body, not a race of two per chunk, and no timer of its own.
 */
function readIterable (body: AsyncIterable<Uint8Array | string>, limit: number, timeouts: Deadlines): Promise<Body> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    let settled = false
    const iterator = body[Symbol.asyncIterator]()
    const deadline = timeouts.add(() => {
      settled = true
      resolve(timedOut(chunks, size))
    })
    const end = (): void => {
      settled = true
      timeouts.cancel(deadline)
      resolve(collect(chunks, size, limit))
    }
    const onChunk = (next: IteratorResult<Uint8Array | string>): void => {
      if (settled) return // timed out: what came later is not part of the body given
      if (next.done === true) return end()
      const buffer = toBuffer(next.value)
      chunks.push(buffer)
      size += buffer.length
      if (size > limit) end()
      else iterator.next().then(onChunk, onError)
    }
    const onError = (err: unknown): void => {
      if (settled) return // failed after the deadline: the body stays timed out
      settled = true
      timeouts.cancel(deadline)
      reject(err)
    }
    iterator.next().then(onChunk, onError)
  })
}

/** The raw body of a request, limited to `limit` bytes and to `timeoutMs` for a stream (`timeouts`: a queue with that delay, to share). */
export function readBody (rawBody: WebhookRequest['rawBody'], limit: number, timeoutMs = 10_000, timeouts = new Deadlines(timeoutMs)): Body | Promise<Body> {
  if (rawBody === undefined) return { bytes: Buffer.alloc(0), tooLarge: false }
  if (typeof rawBody === 'string' || rawBody instanceof Uint8Array) {
    const bytes = toBuffer(rawBody)
    return { bytes: bytes.length > limit ? bytes.subarray(0, limit) : bytes, tooLarge: bytes.length > limit }
  }
  return isNodeReadable(rawBody) ? readNodeStream(rawBody, limit, timeouts) : readIterable(rawBody, limit, timeouts)
}

/** A request's body, read once: what the parser gets, its text for `onInvalid`, and whether it is over the limit. */
export interface RequestBody {
  /** The text read from the raw bytes, or the body a framework parser produced (`parsedBody`). */
  input: unknown
  /** The body as text (cut to the limit when too large); for a parsed body, made on first read. */
  readonly text: string
  /** Over `limit` (declared or read), or refused by the framework parser's own limit (`req.tooLarge`). */
  tooLarge: boolean
  /** Not received within the time allowed. */
  timedOut: boolean
  /** Read in full but not decodable: an unknown charset or content-encoding, corrupt or over the limit once inflated. */
  refused?: Extract<Decoded, { ok: false }>
}

/** A parsed body as text: a string (express.text()), bytes (express.raw()) or JSON. */
const textOf = (parsed: unknown): string =>
  typeof parsed === 'string' ? parsed : parsed instanceof Uint8Array ? Buffer.from(parsed).toString('utf8') : JSON.stringify(parsed) ?? ''

const UNREAD_TOO_LARGE: RequestBody = Object.freeze({ input: undefined, text: '', tooLarge: true, timedOut: false })

/**
 * Reads the body of `req` within `limit` bytes and the delay of `timeouts` (the raw bytes, or what a framework parser
 * left): at once for a body in memory without a `Content-Encoding` (every adapter's common case: no promise, no
 * closure), else a promise, which rejects when the body could not be read (the client went away). The caller goes on
 * in that promise's reaction, so in the request's async context (`AsyncLocalStorage`), not the stream's. A declared
 * `content-length` over `limit` is not read at all (the answer is 413 at once).
 */
export function requestBody (req: WebhookRequest, limit: number, timeouts: Deadlines): RequestBody | Promise<RequestBody> {
  if (req.tooLarge === true) return UNREAD_TOO_LARGE
  const parsed = req.parsedBody
  const contentLength = joinedHeader(req.headers, 'content-length')
  if (parsed !== undefined) return parsedBody(parsed, contentLength, limit)
  if (Number(contentLength) > limit) return UNREAD_TOO_LARGE
  const read = readBody(req.rawBody, limit, timeouts.delayMs, timeouts)
  return read instanceof Promise ? read.then(body => decoded(body, req, limit)) : decoded(read, req, limit)
}

/** The body's text, decoded as declared (`refused` when it cannot be); a body cut off is not decoded. */
function decoded ({ bytes, tooLarge, timedOut }: Body, req: WebhookRequest, limit: number): RequestBody | Promise<RequestBody> {
  if (tooLarge || timedOut === true) return asUtf8(bytes, tooLarge, timedOut === true, undefined)
  const decoding = decodeBody(bytes, req.headers, limit)
  if (decoding instanceof Promise) return decoding.then(result => decodedAs(result, bytes))
  return decodedAs(decoding, bytes)
}

/** Decoded once: for onInvalid and the parser. */
const decodedAs = (result: Decoded, bytes: Buffer): RequestBody =>
  result.ok ? { input: result.text, text: result.text, tooLarge: false, timedOut: false } : asUtf8(bytes, false, false, result)

/** Not decodable as declared (or not decoded at all): shown as UTF-8. */
function asUtf8 (bytes: Buffer, tooLarge: boolean, timedOut: boolean, refused: Extract<Decoded, { ok: false }> | undefined): RequestBody {
  const text = bytes.toString('utf8')
  return refused === undefined ? { input: text, text, tooLarge, timedOut } : { input: text, text, tooLarge, timedOut, refused }
}

/** A body a framework parser read: its content-length, or (chunked) the size of its text, against `limit`. */
function parsedBody (parsed: unknown, contentLength: string | undefined, limit: number): RequestBody {
  let full: string | undefined
  const fullText = (): string => (full ??= textOf(parsed))
  const tooLarge = contentLength === undefined ? Buffer.byteLength(fullText()) > limit : Number(contentLength) > limit
  return { input: parsed, tooLarge, timedOut: false, get text () { return tooLarge ? fullText().slice(0, limit) : fullText() } }
}
