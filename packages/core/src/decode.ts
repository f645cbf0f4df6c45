/**
 * Turning a body's bytes into text as the request declares them: `Content-Encoding` (gzip, deflate, br)
 * inflated within `bodyLimit`, then `charset=` decoded with any label `TextDecoder` knows.
 */
import { TextDecoder } from 'node:util'
import type { InputType, ZlibOptions } from 'node:zlib'
import { joinedHeader } from './headers.js'
import type { RequestHeaders } from './types.js'

/** The body as text, or why it cannot be read (the answer's status and reason). */
export type Decoded = { ok: true, text: string } | { ok: false, status: 400 | 413 | 415, reason: string }

/** Charset labels remembered at most (known or not). */
const MAX_DECODERS = 64

type Inflater = (input: InputType, options: ZlibOptions, callback: (err: Error | null, result: Buffer) => void) => void

/** The content-codings inflated (as body-parser does), by the node:zlib function that undoes each; `identity` is no coding at all. */
const INFLATERS: Record<string, 'gunzip' | 'inflate' | 'brotliDecompress'> = { gzip: 'gunzip', 'x-gzip': 'gunzip', deflate: 'inflate', br: 'brotliDecompress' }

/**
 * node:zlib, loaded with the first encoded body: senders rarely encode one, and importing it costs a few ms of
 * start-up CPU in an app that has not loaded it (Fastify and Hono do not; bench/findings.md, "Fourth round").
 */
let zlib: Promise<Record<(typeof INFLATERS)[string], Inflater>> | undefined

/** The `charset` parameter of a content-type, unquoted, or `utf-8` when there is none. */
export function charsetOf (contentType: string | undefined): string {
  if (contentType === undefined || !contentType.includes(';')) return 'utf-8' // no parameters: nothing to split
  for (const param of contentType.split(';').slice(1)) {
    const eq = param.indexOf('=')
    if (param.slice(0, eq).trim().toLowerCase() === 'charset') return param.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1')
  }
  return 'utf-8'
}

/** Decoders made so far, by charset label: `decode()` without `stream` keeps no state between calls, so one serves every request. */
const decoders = new Map<string, TextDecoder | undefined>()

/** The decoder of a body that declares no charset, or `utf-8`: nearly every body (no look-up for it). */
const UTF8 = new TextDecoder('utf-8')

/** A decoder for `charset`, or undefined when TextDecoder does not know the label. */
function decoderFor (charset: string): TextDecoder | undefined {
  if (charset === 'utf-8') return UTF8
  if (decoders.has(charset)) return decoders.get(charset)
  let decoder: TextDecoder | undefined
  try {
    decoder = new TextDecoder(charset)
  } catch {
    decoder = undefined
  }
  // the labels come from requests: bounded, so that a sender cannot grow the map without end
  if (decoders.size < MAX_DECODERS) decoders.set(charset, decoder)
  return decoder
}

/**
 * Inflates `bytes` with one coding; the output stops at `limit` (zlib's `maxOutputLength`),
 * so a bomb costs at most `limit` bytes of memory.
 */
function inflateOne (bytes: Buffer, inflater: Inflater, coding: string, limit: number): Promise<Buffer | Decoded> {
  return new Promise(resolve => {
    inflater(bytes, { maxOutputLength: limit }, (err, result) => {
      if (err === null) resolve(result)
      else if ((err as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') resolve({ ok: false, status: 413, reason: `body: larger than bodyLimit (${limit} bytes) once inflated (${coding})` })
      else resolve({ ok: false, status: 400, reason: `body: is not valid ${coding} (${err.message})` })
    })
  })
}

/** The codings of a content-encoding header, in the order they were applied, `identity` left out. */
const codingsOf = (value: string): string[] =>
  value.split(',').map(coding => coding.trim().toLowerCase()).filter(coding => coding !== '' && coding !== 'identity')

/** The body's text: inflated (each coding undone, last applied first) and decoded with its charset; without a promise when there is nothing to inflate. */
export function decodeBody (bytes: Buffer, headers: RequestHeaders, limit: number): Decoded | Promise<Decoded> {
  const charset = charsetOf(joinedHeader(headers, 'content-type'))
  const decoder = decoderFor(charset)
  if (decoder === undefined) return { ok: false, status: 415, reason: `charset: '${charset}' is not a known character encoding` }
  const encoding = joinedHeader(headers, 'content-encoding')
  return encoding === undefined ? { ok: true, text: decoder.decode(bytes) } : inflateAll(bytes, codingsOf(encoding), decoder, limit)
}

async function inflateAll (bytes: Buffer, codings: string[], decoder: TextDecoder, limit: number): Promise<Decoded> {
  let body = bytes
  for (const coding of codings.reverse()) {
    const name = INFLATERS[coding]
    if (name === undefined) return { ok: false, status: 415, reason: `content-encoding: '${coding}' is not supported (gzip, deflate, br or identity)` }
    const inflated = await inflateOne(body, (await (zlib ??= import('node:zlib')))[name], coding, limit)
    if (!Buffer.isBuffer(inflated)) return inflated
    body = inflated
  }
  return { ok: true, text: decoder.decode(body) }
}
