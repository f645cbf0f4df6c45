/**
 * The HTTP contract every adapter must keep (design.md, "HTTP contract"), proven over a real
 * server on 127.0.0.1 with global fetch. An adapter's test supplies a harness; this suite does the rest.
 */
import { FALLBACK_TEXT, MemoryIdempotencyStore, pcmo, silentLogger, type CallbackName, type ClaimResult, type IdempotencyStore, type ReceiverOptions } from '@piopiy-webhooks/core'
import type { t as tapRoot } from 'tap'
import { EDGE_ROWS } from './edges.js'
import { type Call, recordCallbacks } from './helpers.js'
import { loadAnswerUrlSample, loadSamples, type Sample } from './samples.js'

/** A tap test (the root `t` or a subtest's). */
export type Tap = Parameters<Parameters<typeof tapRoot.test>[0]>[0]

/**
 * Where the harness mounts the adapter:
 * - `root`: on the app itself;
 * - `prefix`: under {@link PREFIX} (Fastify `prefix`, an Express router, a Koa sub-app);
 * - `after-body-parser`: on the app, after the framework's JSON body parser ran for every request.
 */
export type Mount = 'root' | 'prefix' | 'after-body-parser'

/** The prefix a harness mounts the adapter under for `mount === 'prefix'`. */
export const PREFIX = '/hooks'

export interface Harness {
  /**
   * Base URL of a server listening on 127.0.0.1: the webhook is at `url + path`. Whatever the mount,
   * the server's own routes answer at its origin: `GET /health` → 200 `ok`, and `POST /echo` → JSON
   * `{ type: typeof body, body }`, where `body` is what the framework's JSON parser produced.
   */
  url: string
  close (): Promise<void>
}

/** Starts the framework's app with the adapter built from `options`, mounted as `mount` says. */
export type MakeHarness = (options: ReceiverOptions, mount: Mount) => Promise<Harness>

interface Deferred { promise: Promise<void>, resolve: () => void }
function deferred (): Deferred {
  let resolve!: () => void
  const promise = new Promise<void>(r => { resolve = r })
  return { promise, resolve }
}
const nextTurn = (): Promise<void> => new Promise(resolve => { setImmediate(resolve) })
/** How long `WatchedStore.until` waits before failing: a bound against hangs, not a timing assertion. */
export const UNTIL_MS = 5000

/** A memory store that notes what happens to claims, and lets a test hold a claim back. */
export class WatchedStore implements IdempotencyStore {
  private readonly inner = new MemoryIdempotencyStore()
  /** `untilMs`: how long {@link until} waits before it fails. */
  constructor (private readonly untilMs = UNTIL_MS) {}
  private readonly waiters = new Map<string, Deferred[]>()
  readonly events: string[] = []
  claims = 0
  /** Runs before claim number `n` (1-based) reaches the store. */
  beforeClaim: (n: number) => Promise<void> = async () => {}

  /**
   * Resolves once `event` (e.g. `'complete'`, `'claim:in-flight'`) has happened; any number of waiters per
   * event. Rejects, naming the event and what did happen, if it has not within {@link UNTIL_MS}: a test
   * fails fast instead of hanging to the file's timeout.
   */
  async until (event: string): Promise<void> {
    if (this.events.includes(event)) return
    const waiter = deferred()
    const list = this.waiters.get(event) ?? []
    list.push(waiter)
    this.waiters.set(event, list)
    let timer: NodeJS.Timeout | undefined
    const late = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => { reject(new Error(`store.until('${event}'): not within ${this.untilMs} ms; events so far: ${this.events.join(', ') || 'none'}`)) }, this.untilMs)
    })
    try {
      await Promise.race([waiter.promise, late])
    } finally {
      clearTimeout(timer)
    }
  }

  private note (event: string): void {
    this.events.push(event)
    for (const waiter of this.waiters.get(event) ?? []) waiter.resolve()
    this.waiters.delete(event)
  }

  async claim (key: string, ttlMs: number, owner: string): Promise<ClaimResult> {
    await this.beforeClaim(++this.claims)
    const result = await this.inner.claim(key, ttlMs, owner)
    this.note(`claim:${result}`)
    return result
  }

  async complete (key: string, owner: string): Promise<void> { await this.inner.complete(key, owner); this.note('complete') }
  async release (key: string, owner: string): Promise<void> { await this.inner.release(key, owner); this.note('release') }
}

interface Answer { status: number, headers: globalThis.Headers, text: string }
interface SendOptions {
  method?: string
  /** @default 'application/json'; `null` sends no content-type */
  contentType?: string | null
  /** Send the body with chunked transfer-encoding (no content-length). */
  chunked?: boolean
  headers?: Record<string, string>
}

/** One real HTTP request. Bodies go as bytes, so fetch adds no content-type of its own. */
async function send (url: string, body: string | undefined, { method = 'POST', contentType = 'application/json', chunked = false, headers = {} }: SendOptions = {}): Promise<Answer> {
  const bytes = body === undefined ? undefined : Buffer.from(body)
  const init: RequestInit & { duplex?: 'half' } = {
    method,
    headers: { ...(contentType === null ? {} : { 'content-type': contentType }), ...headers }
  }
  if (bytes !== undefined) {
    init.body = chunked ? new ReadableStream({ start (c) { c.enqueue(new Uint8Array(bytes)); c.close() } }) : bytes
    if (chunked) init.duplex = 'half'
  }
  const res = await fetch(url, init)
  return { status: res.status, headers: res.headers, text: await res.text() }
}

/** Nothing of a stack, a file path or an internal message in an error answer. */
function noLeak (t: Tap, answer: Answer, secret?: string): void {
  t.notMatch(answer.text, /\n\s+at |node:internal|node_modules|\.[cm]?[jt]s:\d+/, 'no stack or file path in the answer')
  if (secret !== undefined) t.notMatch(answer.text, secret, 'no internal message in the answer')
}

/** A 4xx answer: JSON `{ error, reasons[] }`. */
function isRejection (t: Tap, answer: Answer, status: number): void {
  t.equal(answer.status, status, `answers ${status}`)
  t.match(answer.headers.get('content-type'), /^application\/json/)
  const body = JSON.parse(answer.text) as { error: unknown, reasons: unknown }
  t.type(body.error, 'string')
  t.ok(Array.isArray(body.reasons) && body.reasons.length > 0 && body.reasons.every(r => typeof r === 'string'), 'reasons: non-empty string[]')
  noLeak(t, answer)
}

const clone = (json: Record<string, unknown>): Record<string, unknown> => JSON.parse(JSON.stringify(json)) as Record<string, unknown>

/** What every row of the contract works with: the samples, and `open`, which starts the adapter under test. */
interface Env {
  samples: Sample[]
  seed: Sample
  indiaEvent: Sample
  seedBody: string
  /** Starts the adapter with `options`, mounted as `mount`; closed when the test ends. */
  open: (t: Tap, options: ReceiverOptions, mount: Mount) => Promise<{ hook: string, url: string, origin: string }>
}

/** Kind callbacks fired (onNotification, onInvalid and onError left out). */
const kinds = (calls: Call[]): string[] => calls.map(c => c.callback).filter(n => n !== 'onNotification' && n !== 'onInvalid' && n !== 'onError')

/** The documented request samples of the answer URL (piopiy/docs/play-file) and action URL (piopiy/docs/input). */
const ANSWER_SAMPLE = loadAnswerUrlSample('piopiy.answer_url.request.inbound')
const DTMF_SAMPLE = loadAnswerUrlSample('piopiy.action_url.dtmf')
const FALLBACK = [{ action: 'speak', text: FALLBACK_TEXT }, { action: 'hangup' }]
type Row = [title: string, mounts: Mount[], row: (t: Tap, mount: Mount, env: Env) => Promise<void>]

const CC_FLOW = pcmo().speak('Press 1 for sales').input({ actionUrl: 'http://127.0.0.1/webhook/action', maxDigit: 1 })
/** What the call-control callbacks saw, in order (reset by `ccAt`; the rows run one after another). */
const ccCalls: unknown[][] = []
const ccOptions = (more: ReceiverOptions, withDtmf: boolean): ReceiverOptions => ({
  logger: silentLogger,
  onAnswer: (call, ctx) => { ccCalls.push([call, ctx]); return CC_FLOW },
  ...(withDtmf && { onDtmf: input => { ccCalls.push([input]); return [{ action: 'hangup' as const }] } }),
  onError: err => { ccCalls.push(['onError', (err as { code?: string }).code]) },
  onInvalid: info => { ccCalls.push(['onInvalid', info.status]) },
  ...more
})
/** Starts the adapter with the call-control callbacks; the URLs of its routes. */
const ccAt = async (t: Tap, mount: Mount, { open }: Env, more: ReceiverOptions = {}, withDtmf = true) => {
  ccCalls.length = 0
  const { url, origin } = await open(t, ccOptions(more, withDtmf), mount)
  return { answer: `${url}/webhook/answer`, action: `${url}/webhook/action`, url, origin }
}

/** The answer URL and action URL routes: the flow, the fallback flow, the 4xx, and every other route untouched. */
const CALL_CONTROL_ROWS: Row[] = [
  ['call control: the documented answer and DTMF samples get the flow their callback returns', ['root', 'prefix', 'after-body-parser'], async (t, mount, env) => {
    const { answer, action } = await ccAt(t, mount, env)
    const answered = await send(answer, JSON.stringify(ANSWER_SAMPLE))
    t.equal(answered.status, 200)
    t.match(answered.headers.get('content-type'), /^application\/json/)
    t.equal(answered.text, JSON.stringify(CC_FLOW), 'the flow, as JSON')
    t.equal((await send(`${action}/?x=1`, JSON.stringify(DTMF_SAMPLE))).text, '[{"action":"hangup"}]', 'the action URL (trailing slash, query) too')
    t.match(ccCalls, [[{ kind: 'answer', from: '19170000001', time: new Date(1670568234000) }, { key: `answer:${String(ANSWER_SAMPLE.cmiuuid)}` }], [{ kind: 'dtmf', dtmf: '1234', from: '919100000000' }]])
    t.equal((await send(answer, JSON.stringify(ANSWER_SAMPLE))).status, 200, 'no dedupe: the same request again gets its flow')
    t.equal(ccCalls.length, 3)
  }],
  ['call control: a callback that throws, is too slow or returns an invalid flow answers the fallback flow; onError is told', ['root', 'prefix', 'after-body-parser'], async (t, mount, env) => {
    const gate = deferred()
    t.teardown(gate.resolve)
    const failing: Array<[string, ReceiverOptions, string]> = [
      ['throws', { onAnswer: () => { throw new Error('boom: secret-detail') } }, 'CALLBACK_FAILED'],
      ['too slow', { onAnswer: async () => { await gate.promise; return CC_FLOW }, callControlTimeoutMs: 20 }, 'CALLBACK_TIMEOUT'],
      ['invalid flow', { onAnswer: () => [{ action: 'speak' }] as never }, 'INVALID_PCMO']
    ]
    for (const [name, more, code] of failing) {
      const { answer } = await ccAt(t, mount, env, more)
      const answered = await send(answer, JSON.stringify(ANSWER_SAMPLE))
      t.equal(answered.status, 200, `${name}: 200`)
      t.same(JSON.parse(answered.text), FALLBACK, `${name}: the fallback flow`)
      noLeak(t, answered, 'secret-detail')
      t.same(ccCalls, [['onError', code]], `${name}: onError ${code}`)
    }
  }],
  ['call control: bad input answers 4xx and reaches onInvalid; auth applies; other methods 405', ['root', 'prefix', 'after-body-parser'], async (t, mount, env) => {
    const { answer, action } = await ccAt(t, mount, env, { auth: { token: 's3cret' } })
    const ok = '?token=s3cret'
    isRejection(t, await send(answer, JSON.stringify(ANSWER_SAMPLE)), 401)
    isRejection(t, await send(`${answer}?token=nope`, JSON.stringify(ANSWER_SAMPLE)), 403)
    isRejection(t, await send(answer + ok, JSON.stringify({ ...ANSWER_SAMPLE, time: 'noon' })), 400)
    isRejection(t, await send(action + ok, JSON.stringify({ ...DTMF_SAMPLE, dtmf: 'one' })), 400)
    isRejection(t, await send(action + ok, '[]'), 400)
    isRejection(t, await send(answer + ok, JSON.stringify(ANSWER_SAMPLE), { contentType: 'application/xml' }), 415)
    t.equal((await send(answer + ok, undefined, { method: 'GET' })).status, 405)
    t.same(ccCalls, [401, 403, 400, 400, 400, 415].map(status => ['onInvalid', status]), 'onInvalid for each 4xx, no callback')
    t.equal((await send(answer + ok, JSON.stringify(ANSWER_SAMPLE))).status, 200, 'the right token: the flow')
  }],
  ['call control: other routes are untouched (the CDR route, the app\'s routes, an action path without onDtmf)', ['root', 'prefix', 'after-body-parser'], async (t, mount, env) => {
    const { answer, action, url, origin } = await ccAt(t, mount, env, {}, false)
    t.equal((await send(`${url}/webhook/cdr`, env.seedBody)).status, 200, 'the CDR route')
    t.equal((await send(`${origin}/health`, undefined, { method: 'GET' })).text, 'ok', "the app's own route")
    t.same(JSON.parse((await send(`${origin}/echo`, '{"a":1}')).text), { type: 'object', body: { a: 1 } }, "the app's JSON route still gets parsed objects")
    t.equal((await send(action, JSON.stringify(DTMF_SAMPLE))).status, 404, 'no onDtmf: the action path is the app\'s (404)')
    t.equal((await send(`${answer}x`, JSON.stringify(ANSWER_SAMPLE))).status, 404)
    t.same(ccCalls, [], 'no callback')
  }]
]

/** A body of exactly `size` bytes: the seed CDR with a padding field (compact JSON, as a framework would re-serialize it). */
const sizedBody = (seedBody: string, size: number): string => {
  const base = JSON.stringify({ ...JSON.parse(seedBody) as object, padding: '' })
  return JSON.stringify({ ...JSON.parse(seedBody) as object, padding: 'x'.repeat(size - Buffer.byteLength(base)) })
}

/** A store whose claims never settle until the test lets them (a store that hangs). */
class HangingStore extends WatchedStore {
  readonly gate = deferred()
  override async claim (key: string, ttlMs: number, owner: string): Promise<ClaimResult> {
    await this.gate.promise
    return await super.claim(key, ttlMs, owner)
  }
}

/** Never hung (issue 12): size limits to the byte, a hanging store, a slow onInvalid. */
const NEVER_HUNG_ROWS: Row[] = [
  ['a body of exactly bodyLimit bytes is read; one byte more is 413 (stream and framework-parsed, content-length and chunked)', ['root', 'prefix', 'after-body-parser'], async (t, mount, { seedBody, open }) => {
    const limit = 2048
    for (const chunked of [false, true]) {
      const rec = recordCallbacks()
      const { hook } = await open(t, { ...rec.options, bodyLimit: limit }, mount)
      const exact = sizedBody(seedBody, limit)
      t.equal(Buffer.byteLength(exact), limit)
      t.equal((await send(hook, exact, { chunked })).status, 200, `${limit} bytes${chunked ? ', chunked' : ''}: 200`)
      t.equal((await send(hook, sizedBody(seedBody, limit + 1), { chunked })).status, 413, `${limit + 1} bytes${chunked ? ', chunked' : ''}: 413`)
      t.same(rec.calls.map(c => c.callback), ['onInboundAnswered', 'onNotification', 'onInvalid'])
    }
  }],
  ['an idempotency store whose claim never settles: 503 within handlerTimeoutMs, onError STORE_FAILED; settling late, the key is given back', ['root', 'after-body-parser'], async (t, mount, { seedBody, open }) => {
    const store = new HangingStore()
    t.teardown(store.gate.resolve)
    const rec = recordCallbacks()
    const { hook } = await open(t, { ...rec.options, idempotency: store, handlerTimeoutMs: 100 }, mount)
    const answer = await send(hook, seedBody)
    t.equal(answer.status, 503, 'answered, not hung')
    t.same(rec.calls.map(c => c.callback), ['onError'])
    t.match((rec.of('onError')[0] as Call).record, { code: 'STORE_FAILED', message: /did not answer claim/ })
    store.gate.resolve() // the store answers at last: the claim it made is released
    await store.until('release')
    t.equal((await send(hook, seedBody)).status, 200, 'the retry is processed: the key was not left stuck')
    t.equal(rec.of('onInboundAnswered').length, 1)
  }],
  ['a slow onInvalid does not delay the 4xx, and sees every rejected request', ['root', 'after-body-parser'], async (t, mount, { open }) => {
    const never = deferred()
    t.teardown(never.resolve)
    const rec = recordCallbacks({ onInvalid: () => never.promise })
    const { hook } = await open(t, rec.options, mount)
    for (const body of ['[]', '{"a":1}', '{"b":2}']) t.equal((await send(hook, body)).status, 400, `${body}: 400 while onInvalid still runs`)
    t.same(rec.calls.map(c => (c.record as { status: number }).status), [400, 400, 400])
  }]
]

/** The contract, one row per behaviour, each run under the mounts it lists. */
const ROWS: Array<[title: string, mounts: Mount[], row: (t: Tap, mount: Mount, env: Env) => Promise<void>]> = [
  ['each documented sample reaches its callback, once, and only it', ['root', 'prefix', 'after-body-parser'], async (t, mount, { samples, open }) => {
    for (const sample of samples) {
      const rec = recordCallbacks()
      const { hook } = await open(t, rec.options, mount)
      const answer = await send(hook, JSON.stringify(sample.json))
      t.equal(answer.status, 200, `${sample.name}: 200`)
      t.same(kinds(rec.calls), [sample.callback], `${sample.name}: only ${sample.callback}`)
      const [record, ctx] = (rec.of(sample.callback)[0] as Call).args as [{ cmiuuid: string, kind: string }, { key: string }]
      t.equal(record.cmiuuid, sample.json.cmiuuid, `${sample.name}: the record of this payload`)
      t.equal(record.kind, sample.callback === 'onCallEvent' ? 'event' : sample.callback === 'onStreamEvent' ? 'stream' : 'cdr')
      t.type(ctx.key, 'string')
      t.equal(rec.of('onNotification').length, 1, `${sample.name}: onNotification once`)
      t.same(rec.of('onInvalid').concat(rec.of('onError')), [], `${sample.name}: no onInvalid, no onError`)
    }
  }],
  ['missed, outbound and event payloads never fire onInboundAnswered; an India answered event neither', ['root'], async (t, _mount, { samples, indiaEvent, open }) => {
    const rec = recordCallbacks()
    const { hook } = await open(t, rec.options, 'root')
    for (const sample of samples.filter(s => s.callback !== 'onInboundAnswered')) {
      t.equal((await send(hook, JSON.stringify(sample.json))).status, 200, sample.name)
    }
    t.equal(rec.of('onInboundAnswered').length, 0, 'onInboundAnswered never fired')
    const india = recordCallbacks()
    const indiaAnswered = JSON.stringify({ ...clone(indiaEvent.json), status: 'answered' })
    t.equal((await send((await open(t, india.options, 'root')).hook, indiaAnswered)).status, 200)
    t.same(india.calls.map(c => c.callback), ['onCallEvent', 'onNotification'], "India { type: 'event', status: 'answered' } is a call event")
  }],
  ['a query string on the webhook path is ignored for routing', ['root', 'prefix'], async (t, mount, { seedBody, open }) => {
    const rec = recordCallbacks()
    const { hook } = await open(t, rec.options, mount)
    t.equal((await send(`${hook}?from=piopiy&x=1`, seedBody)).status, 200)
    t.equal(rec.of('onInboundAnswered').length, 1)
  }],
  ['a trailing slash on the webhook path is the same route', ['root', 'prefix', 'after-body-parser'], async (t, mount, { seedBody, open }) => {
    const rec = recordCallbacks()
    const { hook } = await open(t, rec.options, mount)
    t.equal((await send(`${hook}/`, seedBody)).status, 200, 'POST path/: 200')
    t.equal((await send(`${hook}/?x=1`, undefined, { method: 'GET' })).status, 405, 'GET path/?x=1: 405')
    t.equal(rec.of('onInboundAnswered').length, 1)
  }],
  ['a duplicate answers 200 and fires nothing again', ['root', 'prefix', 'after-body-parser'], async (t, mount, { seedBody, open }) => {
    const rec = recordCallbacks()
    const { hook } = await open(t, rec.options, mount)
    const first = await send(hook, seedBody)
    const again = await send(hook, seedBody)
    t.equal(first.status, 200)
    t.equal(again.status, 200)
    t.equal(rec.of('onInboundAnswered').length, 1, 'fired once')
    t.equal(rec.of('onNotification').length, 1)
  }],
  ['a duplicate arriving while the first is in flight waits for it and answers the same', ['root'], async (t, _mount, { seedBody, open }) => {
    const store = new WatchedStore()
    const claimHeld = deferred()
    const firstClaiming = deferred()
    const secondClaiming = deferred()
    const entered = deferred()
    const gate = deferred()
    // copy 1's claim waits until copy 2 reached the store too; copy 2 claims once copy 1 runs its callback
    store.beforeClaim = async n => {
      if (n === 1) { firstClaiming.resolve(); await claimHeld.promise } else { secondClaiming.resolve(); await entered.promise }
    }
    const rec = recordCallbacks({ onInboundAnswered: async () => { entered.resolve(); await gate.promise } })
    const { hook } = await open(t, { ...rec.options, idempotency: store }, 'root')
    const first = send(hook, seedBody)
    await firstClaiming.promise
    const second = send(hook, seedBody)
    await secondClaiming.promise
    claimHeld.resolve()
    await store.until('claim:in-flight')
    await nextTurn()
    gate.resolve()
    const [a, b] = await Promise.all([first, second])
    t.equal(a.status, 200)
    t.equal(b.status, a.status, 'same status')
    t.equal(b.text, a.text, 'same answer')
    t.equal(rec.of('onInboundAnswered').length, 1, 'fired once')
  }],
  ['malformed JSON, a JSON array, an empty body, null and schema violations answer 400 with reasons, and reach onInvalid with the raw body', ['root', 'prefix'], async (t, mount, { seed, seedBody, open }) => {
    const violation = JSON.stringify({ ...clone(seed.json), direction: 'sideways' })
    for (const body of ['{"cmiuuid": "x", ', '[' + seedBody + ']', '', 'null', violation, '{"hello":"world"}', '"text"']) {
      const rec = recordCallbacks()
      const { hook } = await open(t, rec.options, mount)
      isRejection(t, await send(hook, body), 400)
      t.equal(rec.of('onInvalid').length, 1, `onInvalid once for ${JSON.stringify(body.slice(0, 20))}`)
      const info = (rec.of('onInvalid')[0] as Call).args[0] as { rawBody: string, status: number, reasons: string[] }
      t.equal(info.rawBody, body, 'with the raw body')
      t.equal(info.status, 400)
      t.same(kinds(rec.calls), [], 'no other callback')
    }
  }],
  ['after a body parser: arrays, empty bodies and schema violations still answer 400 and reach onInvalid', ['after-body-parser'], async (t, _mount, { seed, open }) => {
    const violation = { ...clone(seed.json), direction: 'sideways' }
    for (const body of [JSON.stringify([seed.json]), JSON.stringify(violation), '{"hello":"world"}', '']) {
      const rec = recordCallbacks()
      const { hook } = await open(t, rec.options, 'after-body-parser')
      isRejection(t, await send(hook, body), 400)
      t.equal(rec.of('onInvalid').length, 1, 'onInvalid once')
      const info = (rec.of('onInvalid')[0] as Call).args[0] as { rawBody: string }
      if (body !== '') t.same(JSON.parse(info.rawBody), JSON.parse(body), 'with the body as sent')
      t.same(kinds(rec.calls), [], 'no other callback')
    }
  }],
  ['a body over bodyLimit answers 413 and reaches onInvalid, truncated', ['root', 'prefix', 'after-body-parser'], async (t, mount, { seed, open }) => {
    const big = JSON.stringify({ ...clone(seed.json), padding: 'x'.repeat(4096) })
    for (const chunked of mount === 'after-body-parser' ? [false] : [false, true]) {
      const rec = recordCallbacks()
      const { hook } = await open(t, { ...rec.options, bodyLimit: 1024 }, mount)
      const answer = await send(hook, big, { chunked })
      t.equal(answer.status, 413, `413 (${chunked ? 'chunked' : 'content-length'})`)
      noLeak(t, answer)
      t.equal(rec.of('onInvalid').length, 1)
      const info = (rec.of('onInvalid')[0] as Call).args[0] as { rawBody: string, status: number }
      t.equal(info.status, 413)
      t.ok(info.rawBody.length <= 1024 && big.startsWith(info.rawBody), 'the raw body, truncated to bodyLimit')
      t.same(kinds(rec.calls), [])
    }
  }],
  ['a content-type that is not JSON or text answers 415 and reaches onInvalid', ['root', 'prefix', 'after-body-parser'], async (t, mount, { seedBody, open }) => {
    for (const contentType of ['text/html', 'application/x-www-form-urlencoded', 'application/xml']) {
      const rec = recordCallbacks()
      const { hook } = await open(t, rec.options, mount)
      const answer = await send(hook, seedBody, { contentType })
      isRejection(t, answer, 415)
      t.same(rec.calls.map(c => c.callback), ['onInvalid'], `${contentType}: onInvalid only`)
      t.equal(((rec.of('onInvalid')[0] as Call).args[0] as { status: number }).status, 415)
    }
  }],
  ['an empty content-type is a missing one; one that is not a media type answers 415 and reaches onInvalid', ['root', 'prefix', 'after-body-parser'], async (t, mount, { seedBody, open }) => {
    const empty = recordCallbacks()
    t.equal((await send((await open(t, empty.options, mount)).hook, seedBody, { contentType: '' })).status, 200, "'': 200")
    t.equal(empty.of('onInboundAnswered').length, 1)
    for (const contentType of ['json', 'application/json/extra', ';charset=utf-8']) {
      const rec = recordCallbacks()
      isRejection(t, await send((await open(t, rec.options, mount)).hook, seedBody, { contentType }), 415)
      t.same(rec.calls.map(c => c.callback), ['onInvalid'], `${contentType}: onInvalid only`)
    }
  }],
  ['a missing content-type, text/plain, a charset and application/*+json are accepted', ['root', 'prefix', 'after-body-parser'], async (t, mount, { seedBody, open }) => {
    for (const contentType of [null, 'text/plain', 'application/json; charset=utf-8', 'text/plain;charset=UTF-8', 'application/vnd.piopiy+json']) {
      const rec = recordCallbacks()
      const { hook } = await open(t, rec.options, mount)
      t.equal((await send(hook, seedBody, { contentType })).status, 200, `${String(contentType)}: 200`)
      t.equal(rec.of('onInboundAnswered').length, 1)
    }
    const rec = recordCallbacks()
    const { hook } = await open(t, rec.options, mount)
    t.equal((await send(hook, seedBody, { contentType: null, chunked: true })).status, 200, 'chunked, no content-type: 200')
    t.equal(rec.of('onInboundAnswered').length, 1)
  }],
  ['any method but POST on the path answers 405 with Allow: POST, and fires nothing', ['root', 'prefix', 'after-body-parser'], async (t, mount, { seedBody, open }) => {
    const rec = recordCallbacks()
    const { hook } = await open(t, rec.options, mount)
    for (const [method, body] of [['GET', undefined], ['PUT', seedBody], ['DELETE', undefined], ['PATCH', seedBody]] as const) {
      const answer = await send(hook, body, { method })
      t.equal(answer.status, 405, `${method}: 405`)
      t.equal(answer.headers.get('allow'), 'POST', `${method}: Allow: POST`)
      noLeak(t, answer)
    }
    t.equal((await send(`${hook}?x=1`, undefined, { method: 'GET' })).status, 405, 'with a query string too')
    t.same(rec.calls, [], 'no callback')
  }],
  ['a callback that throws answers 500 and reaches onError; the retry is processed', ['root', 'after-body-parser'], async (t, mount, { seedBody, open }) => {
    let attempts = 0
    const store = new WatchedStore()
    const rec = recordCallbacks({ onInboundAnswered: () => { if (++attempts === 1) throw new Error('boom: secret-detail') } })
    const { hook } = await open(t, { ...rec.options, idempotency: store }, mount)
    const failed = await send(hook, seedBody)
    t.equal(failed.status, 500)
    noLeak(t, failed, 'secret-detail')
    t.equal(rec.of('onError').length, 1, 'onError once')
    const [err] = (rec.of('onError')[0] as Call).args as [Error & { code?: string }]
    t.ok(err instanceof Error)
    t.equal(err.code, 'CALLBACK_FAILED')
    t.ok(store.events.includes('release'), 'the claim was released before the answer')
    const retry = await send(hook, seedBody)
    t.equal(retry.status, 200, 'the retry answers 200')
    t.equal(rec.of('onInboundAnswered').length, 2, 'the retry ran the callback again')
    t.equal(rec.of('onError').length, 1)
  }],
  ['a callback past handlerTimeoutMs answers 503 (well before the 10 s default), aborts ctx.signal and reaches onError; the claim is completed once it settles', ['root', 'prefix'], async (t, mount, { seedBody, open }) => {
    const gate = deferred()
    t.teardown(gate.resolve)
    const store = new WatchedStore()
    const rec = recordCallbacks({ onInboundAnswered: () => gate.promise })
    const { hook } = await open(t, { ...rec.options, idempotency: store, handlerTimeoutMs: 200 }, mount)
    const started = performance.now()
    const slow = await send(hook, seedBody)
    // a bound, not a timing: the configured 200 ms holds, not the 10 s default
    t.ok(performance.now() - started < 5000, 'answered well before the 10 s default')
    t.equal(slow.status, 503)
    const { signal } = (rec.of('onInboundAnswered')[0] as Call).args[1] as { signal: AbortSignal }
    t.match(signal.reason, { name: 'TimeoutError' }, 'ctx.signal aborted with a TimeoutError')
    noLeak(t, slow)
    t.equal(rec.of('onError').length, 1, 'onError once')
    t.equal(((rec.of('onError')[0] as Call).args[0] as { code?: string }).code, 'CALLBACK_TIMEOUT')
    gate.resolve()
    await store.until('complete')
    const retry = await send(hook, seedBody)
    t.equal(retry.status, 200, 'the retry after it settled answers 200')
    t.equal(rec.of('onInboundAnswered').length, 1, 'and does not run the callback again')
  }],
  ['auth: missing token 401, wrong token 403, both reach onInvalid; the right one (query or header) 200', ['root', 'prefix', 'after-body-parser'], async (t, mount, { seed, seedBody, open }) => {
    const rec = recordCallbacks()
    const { hook } = await open(t, { ...rec.options, auth: { token: 's3cret-token' } }, mount)
    isRejection(t, await send(hook, seedBody), 401)
    isRejection(t, await send(`${hook}?token=nope`, seedBody), 403)
    t.same(rec.calls.map(c => c.callback), ['onInvalid', 'onInvalid'])
    t.same(rec.calls.map(c => (c.args[0] as { status: number }).status), [401, 403])
    t.equal((await send(`${hook}?token=s3cret-token`, seedBody)).status, 200, 'token in the query')
    const other = JSON.stringify({ ...clone(seed.json), cmiuuid: 'another-leg' })
    t.equal((await send(hook, other, { headers: { 'x-webhook-token': 's3cret-token' } })).status, 200, 'token in the header')
    t.equal(rec.of('onInboundAnswered').length, 2)
  }],
  ['auth: the client address reaches the core (allowIps), and other app ids answer 403', ['root'], async (t, _mount, { seedBody, open }) => {
    const allowed = recordCallbacks()
    t.equal((await send((await open(t, { ...allowed.options, auth: { allowIps: ['127.0.0.1/32', '::1'] } }, 'root')).hook, seedBody)).status, 200, '127.0.0.1 allowed')
    const denied = recordCallbacks()
    isRejection(t, await send((await open(t, { ...denied.options, auth: { allowIps: ['10.0.0.0/8'] } }, 'root')).hook, seedBody), 403)
    t.same(denied.calls.map(c => c.callback), ['onInvalid'])
    const app = recordCallbacks()
    isRejection(t, await send((await open(t, { ...app.options, auth: { appIds: [1] } }, 'root')).hook, seedBody), 403)
    t.same(app.calls.map(c => c.callback), ['onInvalid'])
  }],
  ['auth: basic credentials missing 401 (with the challenge), wrong 403, right 200', ['root'], async (t, _mount, { seedBody, open }) => {
    const rec = recordCallbacks()
    const { hook } = await open(t, { ...rec.options, auth: { basic: { username: 'piopiy', password: 'pa:ss' } } }, 'root')
    const basic = (credentials: string): { headers: Record<string, string> } => ({ headers: { authorization: `Basic ${Buffer.from(credentials).toString('base64')}` } })
    const missing = await send(hook, seedBody)
    isRejection(t, missing, 401)
    t.match(missing.headers.get('www-authenticate'), /^Basic realm="piopiy-webhooks"/)
    isRejection(t, await send(hook, seedBody, basic('piopiy:wrong')), 403)
    t.equal((await send(hook, seedBody, basic('piopiy:pa:ss'))).status, 200, 'a colon in the password is kept')
    t.same(rec.calls.map(c => c.callback), ['onInvalid', 'onInvalid', 'onInboundAnswered', 'onNotification'])
  }],
  ['auth: a spoofed X-Forwarded-For is ignored without trustProxy, and read with it', ['root'], async (t, _mount, { seedBody, open }) => {
    const spoofed = { headers: { 'x-forwarded-for': '203.0.113.5' } }
    const plain = recordCallbacks()
    const direct = await open(t, { ...plain.options, auth: { allowIps: ['203.0.113.0/24'] } }, 'root')
    isRejection(t, await send(direct.hook, seedBody, spoofed), 403)
    t.match((plain.of('onInvalid')[0]?.args[0] as { ip: string }).ip, /^(127\.0\.0\.1|::1)$/, 'the socket address was checked')
    const proxied = recordCallbacks()
    const behind = await open(t, { ...proxied.options, auth: { allowIps: ['203.0.113.0/24'], trustProxy: 1 } }, 'root')
    t.equal((await send(behind.hook, seedBody, spoofed)).status, 200, 'trustProxy: 1 reads the address the proxy (127.0.0.1) saw')
    t.equal((proxied.of('onInboundAnswered')[0]?.args[1] as { ip: string }).ip, '203.0.113.5', 'ctx.ip')
  }],
  ["other paths are untouched: the app's routes answer and its JSON routes still get parsed objects", ['root', 'prefix', 'after-body-parser'], async (t, mount, { seedBody, open }) => {
    const rec = recordCallbacks()
    const { hook, url, origin } = await open(t, rec.options, mount)
    const health = await send(`${origin}/health`, undefined, { method: 'GET' })
    t.equal(health.status, 200)
    t.equal(health.text, 'ok')
    const echo = await send(`${origin}/echo`, '{"a":[1,2],"b":"c"}')
    t.equal(echo.status, 200)
    t.same(JSON.parse(echo.text), { type: 'object', body: { a: [1, 2], b: 'c' } }, 'the JSON route got a parsed object')
    for (const other of [`${url}/webhook/other`, `${hook}/deeper`, `${hook}x`, ...(mount === 'prefix' ? [`${origin}/webhook/cdr`] : [])]) {
      t.equal((await send(other, seedBody)).status, 404, `${other.slice(origin.length)}: 404 from the app`)
    }
    t.same(rec.calls, [], 'no callback')
  }],
  ['a custom path is honoured, and the default path is then not ours', ['root', 'prefix', 'after-body-parser'], async (t, mount, { seedBody, open }) => {
    const rec = recordCallbacks()
    const { hook, url } = await open(t, { ...rec.options, path: '/piopiy/events' }, mount)
    t.equal((await send(hook, seedBody)).status, 200)
    t.equal((await send(`${hook}`, undefined, { method: 'GET' })).status, 405)
    t.equal((await send(`${url}/webhook/cdr`, seedBody)).status, 404)
    t.equal(rec.of('onInboundAnswered').length, 1)
  }],
  ...NEVER_HUNG_ROWS,
  ...CALL_CONTROL_ROWS
]

/**
 * Runs the whole contract against one adapter: every row of the status table at the root, then the
 * rows that depend on mounting under a prefix and after the framework's body parser.
 */
export async function runAdapterContract (t: Tap, name: string, makeHarness: MakeHarness): Promise<void> {
  const samples = loadSamples()
  const seed = samples.find(s => s.callback === 'onInboundAnswered') as Sample
  const env: Env = {
    samples,
    seed,
    indiaEvent: samples.find(s => s.json.type === 'event') as Sample,
    seedBody: JSON.stringify(seed.json),
    open: async (t, options, mount) => {
      const harness = await makeHarness(options, mount)
      t.teardown(() => harness.close())
      return { hook: harness.url + (options.path ?? '/webhook/cdr'), url: harness.url, origin: new URL(harness.url).origin }
    }
  }
  await t.test(`${name}: HTTP contract`, async t => {
    for (const mount of ['root', 'prefix', 'after-body-parser'] as const) {
      await t.test(`mounted: ${mount}`, async t => {
        for (const [title, mounts, row] of [...ROWS, ...EDGE_ROWS]) {
          if (mounts.includes(mount)) await t.test(title, async t => { await row(t, mount, env) })
        }
      })
    }
  })
}
