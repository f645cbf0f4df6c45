/**
 * Fuzz over each adapter's real server: ≥ 10 000 generated bodies per adapter (FUZZ_RUNS to change):
 * mutations of the documented samples (wrong types, missing and extra fields, unicode, huge numbers,
 * nested junk), non-object JSON, truncated JSON, random bytes, oversized bodies and random
 * content-types. Every answer must equal what the core's own rules say (415 / 413 / 400 / 200); never a
 * 5xx; a rejection never fires a success callback and always reaches onInvalid with its raw body.
 * Run twice per adapter: with idempotency off (every valid body fires), and with dedupe on (FUZZ_RUNS / 5
 * bodies: a valid body fires only the first time its dedupe key is seen, and copies answer duplicate).
 */
import { dedupeKey, parseNotification, type InvalidInfo } from '@piopiy-webhooks/core'
import { acceptsContentType } from '@piopiy-webhooks/core/internal'
import { loadSamples } from '@piopiy-webhooks/contract-tests'
import fc from 'fast-check'
import t from 'tap'
import { harnesses } from './harnesses.js'

/** The body as the receiver decodes it for onInvalid: with its declared charset, or as UTF-8 when TextDecoder does not know it. */
function declaredText (body: Buffer, contentType: string | undefined): string {
  const label = /;\s*charset\s*=\s*"?([^";]*)"?/i.exec(contentType ?? '')?.[1]?.trim() ?? 'utf-8'
  try {
    return new TextDecoder(label).decode(body)
  } catch {
    return body.toString('utf8')
  }
}

const runs = Number(process.env.FUZZ_RUNS ?? 10_000)
const bodyLimit = 2048
const samples = loadSamples().map(s => s.json)
const keys = [...new Set(samples.flatMap(s => Object.keys(s)))]

const junk: fc.Arbitrary<unknown> = fc.oneof(
  fc.string(), fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }),
  fc.integer(), fc.double(), fc.constantFrom(1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, -0, 2 ** 53, 0.1 + 0.2),
  fc.boolean(), fc.constant(null),
  fc.constantFrom('', ' ', '0', '04471000000', 'answered', 'MISSED', 'in_answered', 'STREAM_DISCONNECTED', 'a', 'b', 'inbound', '__proto__'),
  fc.jsonValue({ maxDepth: 4 }),
  fc.integer({ min: 1, max: 200 }).map(depth => JSON.parse('['.repeat(depth) + ']'.repeat(depth)) as unknown),
  fc.constant({ __proto__: { polluted: true } })
)

/** A documented sample with fields deleted, replaced or added. */
const mutatedSample = fc.record({
  sample: fc.constantFrom(...samples),
  edits: fc.array(fc.oneof(
    fc.record({ op: fc.constant('delete' as const), key: fc.constantFrom(...keys) }),
    fc.record({ op: fc.constant('set' as const), key: fc.constantFrom(...keys, '__proto__', 'constructor', 'app_id', 'cmuuid'), value: junk }),
    fc.record({ op: fc.constant('set' as const), key: fc.string(), value: junk })
  ), { maxLength: 4 })
}).map(({ sample, edits }) => {
  const body: Record<string, unknown> = { ...sample }
  for (const edit of edits) {
    if (edit.op === 'delete') delete body[edit.key]
    else Object.defineProperty(body, edit.key, { value: edit.value, enumerable: true, writable: true, configurable: true })
  }
  return Buffer.from(JSON.stringify(body) ?? '')
})

const bodies: fc.Arbitrary<Buffer> = fc.oneof(
  { arbitrary: mutatedSample, weight: 6 },
  { arbitrary: junk.map(v => Buffer.from(JSON.stringify(v) ?? '')), weight: 1 },
  { arbitrary: fc.tuple(fc.constantFrom(...samples), fc.nat()).map(([s, n]) => { const text = JSON.stringify(s); return Buffer.from(text.slice(0, n % text.length)) }), weight: 1 },
  { arbitrary: fc.uint8Array({ maxLength: 3000 }).map(bytes => Buffer.from(bytes)), weight: 1 },
  { arbitrary: fc.constantFrom(...samples).map(s => Buffer.from(JSON.stringify({ ...s, pad: 'x'.repeat(bodyLimit) }))), weight: 1 }
)

const contentTypes = fc.oneof(
  { arbitrary: fc.constantFrom('application/json', 'application/json; charset=utf-8', undefined), weight: 6 },
  { arbitrary: fc.constantFrom('text/plain', 'application/vnd.piopiy+json', 'APPLICATION/JSON; charset=latin1', 'text/html', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/octet-stream', 'application/xml', '', ' ', 'json', ';charset=utf-8', 'application/json/x'), weight: 3 },
  { arbitrary: fc.stringMatching(/^[a-z]{1,10}\/[a-z+.-]{1,15}$/), weight: 1 }
)

/** The answer the core's rules give for this request (the body read with its declared charset, as the receiver does). */
const expectedStatus = (body: Buffer, contentType: string | undefined): number =>
  !acceptsContentType(contentType) ? 415 : body.length > bodyLimit ? 413 : parseNotification(declaredText(body, contentType)).ok ? 200 : 400

/** The dedupe key of a valid body, as the receiver decodes it. */
const keyOf = (body: Buffer, contentType: string | undefined): string => {
  const parsed = parseNotification(declaredText(body, contentType))
  return parsed.ok ? dedupeKey(parsed.notification) : ''
}

for (const [name, makeHarness] of Object.entries(harnesses)) for (const dedupe of [false, true]) {
  const count = dedupe ? Math.ceil(runs / 5) : runs
  t.test(`${name}: ${count} generated bodies, dedupe ${dedupe ? 'on' : 'off'}`, async t => {
    const invalid: InvalidInfo[] = []
    const seenKeys = new Set<string>()
    let successes = 0
    let duplicates = 0
    let errors = 0
    const harness = await makeHarness({
      bodyLimit,
      ...(dedupe ? {} : { idempotency: false }), // off: every valid body must fire; on: the first of each key
      onNotification: () => { successes++ },
      onInvalid: info => { invalid.push(info) },
      onError: () => { errors++ }
    }, 'root')
    const seen: Record<number, number> = {}
    try {
      const details = await fc.check(fc.asyncProperty(bodies, contentTypes, async (body, contentType) => {
        const before = { successes, invalid: invalid.length }
        const headers: Record<string, string> = contentType === undefined ? {} : { 'content-type': contentType }
        const response = await fetch(`${harness.url}/webhook/cdr`, { method: 'POST', headers, body })
        const text = await response.text()
        seen[response.status] = (seen[response.status] ?? 0) + 1
        const expected = expectedStatus(body, contentType)
        if (response.status !== expected) throw new Error(`answered ${response.status}, the core's rules say ${expected}: ${text}`)
        if (expected === 200) {
          const key = keyOf(body, contentType)
          const fresh = !dedupe || !seenKeys.has(key)
          if (dedupe) seenKeys.add(key)
          if (!fresh) duplicates++
          if (successes !== before.successes + (fresh ? 1 : 0) || invalid.length !== before.invalid) throw new Error(`a valid body must fire ${fresh ? 'once' : 'nothing (a copy)'} and not be reported invalid`)
          if (!fresh && (JSON.parse(text) as { duplicate?: boolean }).duplicate !== true) throw new Error('a copy of a processed notification must answer duplicate')
        } else {
          if (successes !== before.successes) throw new Error('a rejected body fired a success callback')
          if (invalid.length !== before.invalid + 1) throw new Error('a rejected body did not reach onInvalid')
          const info = invalid.at(-1) as InvalidInfo
          // fetch declares the Content-Length: a body over bodyLimit is answered 413 at once, unread (issue 12)
          const raw = body.length > bodyLimit ? '' : declaredText(body, contentType)
          if (info.status !== expected || info.rawBody !== raw) throw new Error('onInvalid did not get the status and the raw body')
          if (!Array.isArray(JSON.parse(text).reasons)) throw new Error('a 4xx answer must list reasons')
        }
      }), { numRuns: count, endOnFailure: true })
      const [body, contentType] = details.counterexample ?? []
      t.notOk(details.failed, details.failed
        ? `${(details.errorInstance as Error).message} | content-type ${String(contentType)} | body ${body?.toString('utf8').slice(0, 300)} | seed ${details.seed}`
        : `${details.numRuns} bodies, all answered by the rules`)
      t.equal(errors, 0, 'no callback error, no store error')
      t.equal(Object.keys(seen).filter(s => Number(s) >= 500).length, 0, 'no 5xx at all')
      t.ok((seen[200] ?? 0) > 0 && (seen[400] ?? 0) > 0 && (seen[413] ?? 0) > 0 && (seen[415] ?? 0) > 0, 'the generator reached every answer')
      t.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype untouched')
      if (dedupe) t.ok(duplicates > 0, 'the generator sent copies of processed notifications')
      t.comment(JSON.stringify({ adapter: name, dedupe, bodies: count, statuses: seen, onInvalid: invalid.length, fired: successes, duplicates }))
    } finally {
      await harness.close()
    }
  })
}
