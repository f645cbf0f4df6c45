/** Reads a request body with a byte limit, from whatever the adapter hands over. */
import { joinedHeader } from './headers.js'
import type { WebhookRequest } from './types.js'

export interface Body {
  /** The bytes read: the whole body, or the first `limit` bytes when it was too large. */
  bytes: Buffer
  tooLarge: boolean
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

const isNodeReadable = (body: object): body is NodeReadable => typeof (body as NodeReadable).on === 'function' && typeof (body as NodeReadable).pause === 'function'

/**
 * A Node stream is read with listeners and *paused* (not destroyed) at the limit, so the answer can still be
 * written on its socket; Node discards the rest. A stream that already ended (read by someone else) gives an
 * empty body at once rather than waiting for an 'end' that never comes.
 */
function readNodeStream (stream: NodeReadable, limit: number): Promise<Body> {
  if (stream.readableEnded === true) return Promise.resolve({ bytes: Buffer.alloc(0), tooLarge: false })
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const finish = (): void => {
      stream.off('data', onData)
      stream.off('end', finish)
      stream.off('error', onError)
      resolve(collect(chunks, size, limit))
    }
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
      stream.off('data', onData)
      stream.off('end', finish)
      reject(err)
    }
    stream.on('data', onData)
    stream.on('end', finish)
    stream.on('error', onError)
  })
}

async function readIterable (body: AsyncIterable<Uint8Array | string>, limit: number): Promise<Body> {
  const chunks: Buffer[] = []
  let size = 0
  const iterator = body[Symbol.asyncIterator]()
  while (size <= limit) {
    const { done, value } = await iterator.next()
    if (done === true) break
    const buffer = toBuffer(value)
    chunks.push(buffer)
    size += buffer.length
  }
  return collect(chunks, size, limit)
}

/** The raw body of a request, limited to `limit` bytes. */
export function readBody (rawBody: WebhookRequest['rawBody'], limit: number): Body | Promise<Body> {
  if (rawBody === undefined) return { bytes: Buffer.alloc(0), tooLarge: false }
  if (typeof rawBody === 'string' || rawBody instanceof Uint8Array) {
    const bytes = toBuffer(rawBody)
    return { bytes: bytes.length > limit ? bytes.subarray(0, limit) : bytes, tooLarge: bytes.length > limit }
  }
  return isNodeReadable(rawBody) ? readNodeStream(rawBody, limit) : readIterable(rawBody, limit)
}

/** A request's body, read once: what the parser gets, its text for `onInvalid`, and whether it is over the limit. */
export interface RequestBody {
  /** The text read from the raw bytes, or the body a framework parser produced (`parsedBody`). */
  input: unknown
  /** The body as text (cut to the limit when too large); for a parsed body, made on first read. */
  readonly text: string
  /** Over `limit`, or refused by the framework parser's own limit (`req.tooLarge`). */
  tooLarge: boolean
}

/** A parsed body as text: a string (express.text()), bytes (express.raw()) or JSON. */
const textOf = (parsed: unknown): string =>
  typeof parsed === 'string' ? parsed : parsed instanceof Uint8Array ? Buffer.from(parsed).toString('utf8') : JSON.stringify(parsed) ?? ''

/** Reads the body of `req` within `limit` bytes: the raw bytes, or what a framework parser left. */
export async function requestBody (req: WebhookRequest, limit: number): Promise<RequestBody> {
  if (req.tooLarge === true) return { input: undefined, text: '', tooLarge: true }
  const parsed = req.parsedBody
  if (parsed === undefined) {
    const { bytes, tooLarge } = await readBody(req.rawBody, limit)
    const text = bytes.toString('utf8') // decoded once: for onInvalid and for the parser
    return { input: text, text, tooLarge }
  }
  let full: string | undefined
  const fullText = (): string => (full ??= textOf(parsed))
  // a body a framework parser read: its content-length, or (chunked) the size of its text
  const contentLength = joinedHeader(req.headers, 'content-length')
  const tooLarge = contentLength === undefined ? Buffer.byteLength(fullText()) > limit : Number(contentLength) > limit
  return { input: parsed, tooLarge, get text () { return tooLarge ? fullText().slice(0, limit) : fullText() } }
}
