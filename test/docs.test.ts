// Keeps the docs honest, cheaply: the configuration reference lists exactly the core's options with
// the defaults the code applies (and its JSDoc states), the field map covers every wire field of the
// schemas and the documented samples and exactly the records' fields, the HTTP contract lists exactly
// the statuses, bodies and headers the core answers, the start-up warning is quoted as logged, and
// every relative link (and #anchor) in the docs and READMEs resolves.
import {
  CallEventPayloadSchema, CallEventRecordSchema, CdrPayloadSchema, CdrRecordSchema, consoleLogger, createReceiver,
  MemoryIdempotencyStore, StreamEventPayloadSchema, StreamEventRecordSchema, UnknownNotificationSchema, UnknownPayloadSchema,
  type AuthOptions, type CallbackContext, type ReceiverOptions, type TokenAuth
} from '@piopiy-webhooks/core'
import { inboundAnsweredCdr, samples } from '@piopiy-webhooks/testing'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import * as answers from '../packages/core/src/answers.js'
import { resolveOptions } from '../packages/core/src/options.js'
import { silentLogger } from '@piopiy-webhooks/core'

const root = fileURLToPath(new URL('..', import.meta.url))
const read = (file: string): string => readFileSync(join(root, file), 'utf8')

// Exhaustive by type: `satisfies Record<keyof X, true>` fails to compile when a key is missing or extra,
// so adding an option to the core without listing it here breaks `npm run typecheck`.
const OPTIONS = {
  path: true, onInboundAnswered: true, onInboundMissed: true, onOutboundAnswered: true, onOutboundMissed: true, onCallEvent: true,
  onStreamEvent: true, onNotification: true, onInvalid: true, onError: true, idempotency: true, bodyLimit: true, bodyTimeoutMs: true,
  handlerTimeoutMs: true, leaseMs: true,
  auth: true, logger: true, onAnswer: true, onDtmf: true, answerPath: true, actionPath: true, fallback: true, callControlTimeoutMs: true
} satisfies Record<keyof ReceiverOptions, true>
const AUTH = { token: true, basic: true, allowIps: true, trustProxy: true, appIds: true } satisfies Record<keyof AuthOptions, true>
const TOKEN = { token: true, header: true, query: true } satisfies Record<keyof TokenAuth, true>
const CONTEXT = { key: true, kind: true, receivedAt: true, headers: true, ip: true, log: true, signal: true } satisfies Record<keyof CallbackContext, true>

/** The rows of the first table after `heading` (a line starting with `#`s), as arrays of trimmed cells. */
function table (markdown: string, heading: string): string[][] {
  const lines = markdown.split('\n')
  const start = lines.findIndex(line => /^#+ /.test(line) && line.replace(/^#+ /, '') === heading)
  if (start < 0) throw new Error(`no heading '${heading}'`)
  const rows: string[][] = []
  let i = start + 1
  while (i < lines.length && !(lines[i] as string).startsWith('|')) {
    if (/^#+ /.test(lines[i] as string)) throw new Error(`no table under '${heading}'`)
    i++
  }
  for (; i < lines.length && (lines[i] as string).startsWith('|'); i++) {
    // split on pipes that are not escaped (`\|` inside a cell)
    rows.push((lines[i] as string).slice(1, -1).split(/(?<!\\)\|/).map(cell => cell.trim()))
  }
  return rows.slice(2) // header and separator
}
const names = (cell: string): string[] => [...cell.matchAll(/`([^`]+)`/g)].map(m => m[1] as string)
const firstName = (row: string[]): string => names(row[0] as string)[0] ?? ''
const plain = (text: string): string => text.replaceAll('`', '').toLowerCase()

/** JSDoc `@default` of each member of an interface in types.ts. */
function jsdocDefaults (interfaceName: string): Map<string, string> {
  const source = read('packages/core/src/types.ts')
  const start = source.indexOf(`export interface ${interfaceName} `)
  const body = source.slice(start, source.indexOf('\n}\n', start))
  const defaults = new Map<string, string>()
  for (const [, doc, name] of body.matchAll(/\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*(?:\/\/[^\n]*\n\s*)?(\w+)\??\s*[:(]/g)) {
    const value = (doc as string).match(/@default (.+)/)?.[1]?.trim()
    if (value !== undefined) defaults.set(name as string, value)
  }
  return defaults
}

t.test('configuration.md lists exactly the core\'s options, each accepted by createReceiver', async t => {
  const doc = read('docs/configuration.md')
  const rows = table(doc, 'Options')
  t.same(rows.map(firstName), Object.keys(OPTIONS), 'the options table, in the order of ReceiverOptions')
  for (const name of rows.map(firstName)) {
    t.doesNotThrow(() => createReceiver({ [name]: undefined, logger: silentLogger }), `${name} is an option of the core`)
  }
  t.throws(() => createReceiver({ bodyLimt: 1 } as ReceiverOptions), { code: 'INVALID_OPTIONS', message: /did you mean 'bodyLimit'/ }, 'a name that is not an option is rejected')
  const authRows = table(doc, '`auth`').map(firstName)
  t.same(authRows, Object.keys(AUTH).flatMap(name => name === 'token' ? ['token', ...Object.keys(TOKEN).filter(k => k !== 'token').map(k => `token.${k}`)] : [name]))
  t.same(table(doc, 'What a callback receives').map(firstName), Object.keys(CONTEXT), 'the callback context table')
})

t.test('configuration.md states the defaults the core applies and its JSDoc @default says', async t => {
  const doc = read('docs/configuration.md')
  const documented = new Map(table(doc, 'Options').map(row => [firstName(row), row[1] as string]))
  const resolved = resolveOptions({})
  t.equal(documented.get('path'), `\`'${resolved.path}'\``)
  t.equal(documented.get('bodyLimit'), `\`${resolved.bodyLimit}\``)
  t.equal(documented.get('handlerTimeoutMs'), `\`${resolved.handlerTimeoutMs}\``)
  t.ok(resolved.idempotency instanceof MemoryIdempotencyStore)
  t.match(documented.get('idempotency'), /MemoryIdempotencyStore/)
  t.equal(resolved.logger, consoleLogger)
  t.match(documented.get('logger'), /console/)
  for (const [name, value] of jsdocDefaults('ReceiverOptions')) {
    t.ok(plain(documented.get(name) ?? '').includes(plain(value)), `${name}: '${documented.get(name)}' states the JSDoc default '${value}'`)
  }
  const auth = new Map(table(doc, '`auth`').map(row => [firstName(row), row[1] as string]))
  for (const [name, value] of jsdocDefaults('AuthOptions')) t.equal(plain(auth.get(name) ?? ''), plain(value), `auth.${name} default`)
  for (const [name, value] of jsdocDefaults('TokenAuth')) t.equal(plain(auth.get(`token.${name}`) ?? ''), plain(value), `auth.token.${name} default`)
  t.equal(jsdocDefaults('ReceiverOptions').size, 9, 'nine options carry an @default')

  // the token defaults as the receiver applies them: the x-webhook-token header and the token query parameter
  const receiver = createReceiver({ auth: { token: 's3cret' }, logger: silentLogger, onInvalid () {} })
  const post = async (path: string, headers: Record<string, string> = {}) =>
    (await receiver.handle({ method: 'POST', path, headers, rawBody: JSON.stringify(inboundAnsweredCdr()) })).status
  t.equal(await post('/webhook/cdr?token=s3cret'), 200, '?token= carries the token')
  t.equal(await post('/webhook/cdr', { 'x-webhook-token': 's3cret' }), 200, 'x-webhook-token carries the token')
  t.equal(await post('/webhook/cdr'), 401, 'neither: 401')
})

const WIRE = [CdrPayloadSchema, CallEventPayloadSchema, StreamEventPayloadSchema, UnknownPayloadSchema]
const RECORDS = { 'CDR: `kind: \'cdr\'`': CdrRecordSchema, 'Live call event: `kind: \'event\'`': CallEventRecordSchema, 'AI stream event: `kind: \'stream\'`': StreamEventRecordSchema, 'Other notification: `kind: \'unknown\'`': UnknownNotificationSchema }

t.test('fields.md maps every wire field of the schemas and of the documented samples, to record fields that exist', async t => {
  const rows = table(read('docs/fields.md'), 'Every wire field')
  const documented = rows.map(firstName)
  t.equal(new Set(documented).size, documented.length, 'each wire field once')
  const schemaFields = new Set(WIRE.flatMap(schema => Object.keys(schema.properties)))
  for (const field of schemaFields) t.ok(documented.includes(field), `schema field ${field} is mapped`)
  const sampleFields = new Set(Object.values(samples).flatMap(sample => Object.keys(sample)))
  for (const field of sampleFields) t.ok(documented.includes(field), `sample field ${field} is mapped`)
  const recordFields = new Set(Object.values(RECORDS).flatMap(schema => Object.keys(schema.properties)))
  const mapped = new Set<string>()
  for (const row of rows) {
    const targets = names(row[3] as string).filter(name => name !== 'raw')
    for (const name of targets) {
      t.ok(recordFields.has(name), `${firstName(row)} → ${name}: a record field`)
      mapped.add(name)
    }
    if (targets.length === 0) t.match(row[3], /^— \(in `raw`\)$/, `${firstName(row)} without a record field says it stays in raw`)
  }
  const derived = new Set(['kind', 'event'])
  for (const field of recordFields) if (!derived.has(field)) t.ok(mapped.has(field), `record field ${field} comes from a wire field in the table`)
})

t.test('fields.md lists exactly each record\'s fields, and which are always present', async t => {
  const doc = read('docs/fields.md')
  for (const [heading, schema] of Object.entries(RECORDS)) {
    const rows = table(doc, heading)
    t.same(rows.map(firstName), [...Object.keys(schema.properties), 'raw'], `${heading}: fields in the schema's order, then raw`)
    const required = new Set<string>([...(schema.required ?? []), 'raw'])
    for (const row of rows) t.equal(row[2], required.has(firstName(row)) ? 'always' : 'optional', `${heading}: ${firstName(row)}`)
  }
})

t.test('http.md lists exactly the statuses, bodies and headers the core answers', async t => {
  const doc = read('docs/http.md')
  const statuses = table(doc, 'Status table').map(row => Number((row[0] as string).slice(0, 3)))
  const source = read('packages/core/src/answers.ts')
  const coreStatuses = [...(source.match(/const TEXT[^{]*\{([^}]*)\}/)?.[1] ?? '').matchAll(/^\s*(\d{3}):/gm)].map(m => Number(m[1]))
  t.ok(coreStatuses.length >= 10, 'the status texts of answers.ts')
  t.same([...new Set(statuses)].sort(), [...coreStatuses].sort())
  for (const answer of [answers.OK, answers.DUPLICATE, answers.NOT_FOUND, answers.METHOD_NOT_ALLOWED, answers.FAILED, answers.UNAVAILABLE]) {
    t.ok(doc.includes(`| ${answer.status}`) && doc.includes(`\`${answer.body}\``), `${answer.status} ${answer.body} is in the table`)
  }
  t.ok(doc.includes(`\`Allow: ${answers.METHOD_NOT_ALLOWED.headers['allow']}\``), 'the Allow header')
  t.ok(doc.includes(`\`Retry-After: ${answers.UNAVAILABLE.headers['retry-after']}\``), 'the Retry-After header')
  t.ok(doc.includes(`\`${answers.OK.headers['content-type']}\``), 'the content-type of every answer')
  const mermaid = doc.match(/```mermaid\n([\s\S]*?)```/)?.[1] ?? ''
  t.match(mermaid, /^sequenceDiagram\n/, 'a mermaid sequence diagram')
  for (const at of ['+5 min', '+15 min', '+30 min']) t.ok(mermaid.includes(at), `the retry at ${at}`)
  t.match(mermaid, /S-->>R: done/, 'a retry found done by the store')
})

t.test('security.md quotes the start-up warning as the receiver logs it', async t => {
  const warnings: unknown[] = []
  createReceiver({ logger: { ...silentLogger, warn: (obj: unknown) => { warnings.push(obj) } } })
  t.equal(warnings.length, 1)
  t.ok(read('docs/security.md').includes(`\n${String(warnings[0])}\n`), 'the exact text')
})

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
const slug = (heading: string): string => heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\- ]/gu, '').replaceAll(' ', '-')
const anchors = (markdown: string): Set<string> =>
  new Set(markdown.replace(/```[\s\S]*?```/g, '').split('\n').filter(line => /^#+ /.test(line)).map(line => slug(line.replace(/^#+ /, ''))))

t.test('every relative link in README.md, docs/, and the examples\' and packages\' READMEs resolves, anchors included', async t => {
  const files = ['README.md', 'examples/README.md', 'examples/existing-api/README.md',
    ...readdirSync(join(root, 'docs')).filter(name => name.endsWith('.md')).map(name => `docs/${name}`),
    ...readdirSync(join(root, 'packages')).map(name => `packages/${name}/README.md`).filter(file => existsSync(join(root, file)))]
  let checked = 0
  for (const file of files) {
    const text = read(file).replace(/```[\s\S]*?```/g, '')
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/i.test(target as string)) continue // http(s) and mailto: links are not checked here
      const [path, anchor] = (target as string).split('#') as [string, string | undefined]
      const resolved = path === '' ? join(root, file) : join(root, dirname(file), path)
      checked++
      t.ok(existsSync(resolved), `${file}: ${target} → ${relative(root, resolved)}`)
      if (anchor !== undefined && existsSync(resolved)) t.ok(anchors(readFileSync(resolved, 'utf8')).has(anchor), `${file}: #${anchor} is a heading of ${relative(root, resolved)}`)
    }
  }
  t.ok(checked > 40, `${checked} links checked`)
})
