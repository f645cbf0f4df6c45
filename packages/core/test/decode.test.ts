import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib'
import t from 'tap'
import { charsetOf, decodeBody } from '../src/decode.js'
import { createReceiver } from '../src/receiver.js'
import { silentLogger } from '../src/logger.js'
import { seedCdr } from './helpers.js'

const json = '{"name":"Zoë Ñúñez"}'
const utf16be = (text: string): Buffer => Buffer.from(text, 'utf16le').swap16()

t.test('the charset of a content-type', async t => {
  t.equal(charsetOf(undefined), 'utf-8')
  t.equal(charsetOf('application/json'), 'utf-8')
  t.equal(charsetOf('application/json; format=flowed'), 'utf-8', 'parameters, none a charset')
  t.equal(charsetOf('application/json; charset="ISO-8859-1"'), 'ISO-8859-1')
  t.equal(charsetOf('text/plain;format=flowed; Charset = utf-16le'), 'utf-16le')
})

t.test('any charset TextDecoder knows is decoded as declared; an unknown one is 415', async t => {
  const decode = async (bytes: Buffer, charset: string): Promise<unknown> => await decodeBody(bytes, { 'content-type': `application/json; charset=${charset}` }, 1000)
  t.same(await decode(Buffer.from(json, 'latin1'), 'iso-8859-1'), { ok: true, text: json }, 'latin1: no U+FFFD')
  t.same(await decode(Buffer.from(json, 'utf16le'), 'utf-16le'), { ok: true, text: json }, 'utf-16le without a BOM')
  t.same(await decode(Buffer.concat([Buffer.from([0xFF, 0xFE]), Buffer.from(json, 'utf16le')]), 'utf-16le'), { ok: true, text: json }, 'utf-16le with a BOM')
  t.same(await decode(utf16be(json), 'utf-16be'), { ok: true, text: json }, 'utf-16be without a BOM')
  t.same(await decode(utf16be('\uFEFF' + json), 'utf-16be'), { ok: true, text: json }, 'utf-16be with a BOM')
  t.same(await decodeBody(Buffer.from(json), {}, 1000), { ok: true, text: json }, 'utf-8 by default')
  t.same(await decode(Buffer.from(json), 'klingon'), { ok: false, status: 415, reason: "charset: 'klingon' is not a known character encoding" })
})

t.test('a decoder serves every request of its charset; labels sent are remembered only up to a bound, and still decoded past it', async t => {
  const decode = async (bytes: Buffer, charset: string): Promise<unknown> => await decodeBody(bytes, { 'content-type': `text/plain; charset=${charset}` }, 1000)
  for (let round = 0; round < 2; round++) {
    t.same(await decode(Buffer.from(json, 'latin1'), 'latin1'), { ok: true, text: json }, 'the same decoder again: no state left from the last body')
    t.same(await decode(Buffer.from([0xE2, 0x82]), 'utf-8'), { ok: true, text: '\uFFFD' }, 'a cut-off sequence ends the body, not the next one')
  }
  for (let i = 0; i < 100; i++) t.equal(((await decode(Buffer.from('x'), `made-up-${i}`)) as { status: number }).status, 415)
  t.same(await decode(Buffer.from(json, 'utf16le'), 'utf-16le'), { ok: true, text: json }, 'a label first seen past the bound still decodes')
  t.same(await decode(Buffer.from(json, 'utf16le'), 'utf-16le'), { ok: true, text: json })
})

t.test('gzip, deflate and br are inflated (several in order), identity is no coding, anything else is 415', async t => {
  const decode = async (bytes: Buffer, encoding: string): Promise<unknown> => await decodeBody(bytes, { 'content-encoding': encoding }, 1000)
  t.same(await decode(gzipSync(json), 'gzip'), { ok: true, text: json })
  t.same(await decode(gzipSync(json), 'x-gzip'), { ok: true, text: json })
  t.same(await decode(deflateSync(json), 'Deflate'), { ok: true, text: json })
  t.same(await decode(brotliCompressSync(json), 'br'), { ok: true, text: json })
  t.same(await decode(brotliCompressSync(gzipSync(json)), 'gzip, br'), { ok: true, text: json }, 'the last coding applied is undone first')
  t.same(await decode(Buffer.from(json), 'identity'), { ok: true, text: json })
  t.same(await decode(Buffer.from(json), 'compress'), { ok: false, status: 415, reason: "content-encoding: 'compress' is not supported (gzip, deflate, br or identity)" })
  t.match(await decode(Buffer.from(json), 'gzip'), { ok: false, status: 400, reason: /^body: is not valid gzip \(/ })
})

t.test('bodyLimit applies to the inflated size: a gzip bomb is 413, inflated no further than the limit', async t => {
  const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024, ' '), { level: 9 })
  t.ok(bomb.length < 65_536, 'the bomb fits the default bodyLimit compressed')
  t.same(await decodeBody(bomb, { 'content-encoding': 'gzip' }, 65_536), { ok: false, status: 413, reason: 'body: larger than bodyLimit (65536 bytes) once inflated (gzip)' })
  t.same(await decodeBody(gzipSync('x'.repeat(1000)), { 'content-encoding': 'gzip' }, 1000), { ok: true, text: 'x'.repeat(1000) }, 'exactly the limit inflated')
  t.equal((await decodeBody(gzipSync('x'.repeat(1001)), { 'content-encoding': 'gzip' }, 1000)).ok, false, 'one byte more')
})

t.test('the receiver answers a gzip UTF-16 CDR with 200, and an undecodable body with its status and onInvalid', async t => {
  const seen: Array<[number, string[]]> = []
  let fired = 0
  const receiver = createReceiver({ logger: silentLogger, onInboundAnswered: () => { fired++ }, onInvalid: info => { seen.push([info.status, info.reasons]) } })
  const post = async (rawBody: Buffer, headers: Record<string, string>): Promise<number> =>
    (await receiver.handle({ method: 'POST', path: '/webhook/cdr', headers, rawBody })).status
  const cdr = JSON.stringify(seedCdr())
  t.equal(await post(gzipSync(Buffer.from(cdr, 'utf16le')), { 'content-type': 'application/json; charset=utf-16le', 'content-encoding': 'gzip' }), 200)
  t.equal(fired, 1)
  t.equal(await post(Buffer.from(cdr), { 'content-type': 'application/json; charset=klingon' }), 415)
  t.equal(await post(Buffer.from(cdr), { 'content-encoding': 'compress' }), 415)
  t.equal(await post(Buffer.from(cdr), { 'content-encoding': 'gzip' }), 400)
  t.same(seen.map(([status]) => status), [415, 415, 400])
})
