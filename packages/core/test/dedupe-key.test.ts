/**
 * The dedupe key is injective: a decoder recovers every field from any key (a left inverse, so no two
 * different notifications can share one), keys of ordinary values are unchanged, and the pair of the
 * issue (`status: 'in:a', cmiuuid: 'X1'` against `status: 'in', cmiuuid: 'a:X1'`) gets two keys and two callbacks.
 */
import fc from 'fast-check'
import t from 'tap'
import { dedupeKey, keyHash } from '../src/dedupe-key.js'
import { hashKey } from '../src/done-keys.js'
import type { Notification } from '../src/records.js'
import { createReceiver } from '../src/receiver.js'
import { post } from './helpers.js'
import { silentLogger as silent } from '../src/index.js'

type KeyFields = Pick<Notification, 'kind' | 'cmiuuid'> & { appId?: number, direction?: string, status?: string, leg?: string }
const FIELDS = ['appId', 'direction', 'status', 'leg'] as const

/** Reads a key back into its fields; the test's own model of the format. */
function decode (key: string): KeyFields {
  const parts = key.split(':')
  if (parts.length !== 6) throw new Error(`a key has 6 fields: ${key}`)
  const text = (field: string): string | undefined => field === '-' ? undefined : decodeURIComponent(field)
  const [kind, appId, direction, status, leg, cmiuuid] = parts as [Notification['kind'], string, string, string, string, string]
  const fields: KeyFields = { kind, cmiuuid: text(cmiuuid) as string }
  if (appId !== '-') fields.appId = Number(appId)
  for (const [name, value] of [['direction', direction], ['status', status], ['leg', leg]] as const) {
    const decoded = text(value)
    if (decoded !== undefined) fields[name] = decoded
  }
  return fields
}

// strings made of the characters that could confuse a key: separators, escapes, and the escape digits
const tricky = fc.string({ unit: fc.constantFrom(':', '%', '-', '2', '5', '3', 'A', 'D', 'a', 'é', '😀'), maxLength: 8 })
const fields: fc.Arbitrary<KeyFields> = fc.record({
  kind: fc.constantFrom('cdr', 'event', 'stream', 'unknown'),
  appId: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
  direction: tricky,
  status: tricky,
  leg: tricky,
  cmiuuid: fc.oneof(tricky, fc.uuid())
}, { requiredKeys: ['kind', 'cmiuuid'] })

const sameFields = (a: KeyFields, b: KeyFields): boolean =>
  a.kind === b.kind && a.cmiuuid === b.cmiuuid && FIELDS.every(name => a[name] === b[name])

t.test('every key decodes to the fields it was made of (so two notifications never share a key)', async t => {
  t.doesNotThrow(() => {
    fc.assert(fc.property(fields, f => {
      const key = dedupeKey(f as Notification)
      if (!sameFields(decode(key), f)) throw new Error(`${key} decodes to ${JSON.stringify(decode(key))}`)
    }), { numRuns: 5000 })
  })
})

t.test('keyHash is the hash of the key, whether its prefix was just built or kept from the notification before', async t => {
  t.doesNotThrow(() => {
    // pairs in a row: the second often has the first one's prefix (same fields, another cmiuuid), which keyHash keeps
    fc.assert(fc.property(fields, fields, fc.boolean(), (a, b, samePrefix) => {
      const second = samePrefix ? { ...a, cmiuuid: b.cmiuuid } : b
      for (const f of [a, second] as Notification[]) {
        if (keyHash(f) !== hashKey(dedupeKey(f))) throw new Error(`keyHash of ${dedupeKey(f)}`)
      }
    }), { numRuns: 5000 })
  })
})

t.test('two different notifications get two different keys', async t => {
  t.doesNotThrow(() => {
    fc.assert(fc.property(fields, fields, (a, b) => (dedupeKey(a as Notification) === dedupeKey(b as Notification)) === sameFields(a, b)), { numRuns: 5000 })
  })
})

t.test('keys of ordinary values are unchanged (Redis keys stay valid); special ones are escaped', async t => {
  const cdr = { kind: 'cdr', appId: 2222222, direction: 'inbound', status: 'answered', leg: 'a', cmiuuid: '55348d77-c515-425d-b22c-f0c6ecd8d780' }
  t.equal(dedupeKey(cdr as Notification), 'cdr:2222222:inbound:answered:a:55348d77-c515-425d-b22c-f0c6ecd8d780')
  t.equal(dedupeKey({ kind: 'unknown', cmiuuid: 'x' } as Notification), 'unknown:-:-:-:-:x', 'missing fields are -')
  t.equal(dedupeKey({ kind: 'unknown', cmiuuid: '-', status: 'a%3Ab:c' } as Notification), 'unknown:-:-:a%253Ab%3Ac:-:%2D')
})

t.test('the colliding pair of the issue: two keys, two callbacks', async t => {
  const statuses: string[] = []
  const receiver = createReceiver({ logger: silent, onNotification: n => { statuses.push(`${String(n.status)}|${n.cmiuuid}`) } })
  const a = await post(receiver, { appid: 2222222, type: 'mystery', status: 'in:a', cmiuuid: 'X1' })
  const b = await post(receiver, { appid: 2222222, type: 'mystery', status: 'in', cmiuuid: 'a:X1' })
  t.same([a.status, b.status], [200, 200])
  t.same([JSON.parse(a.body), JSON.parse(b.body)], [{ ok: true }, { ok: true }], 'neither is a duplicate')
  t.same(statuses, ['in:a|X1', 'in|a:X1'])
})
