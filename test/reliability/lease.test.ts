// The lease case in real time, over every adapter's real server: a callback that runs for many lengths of
// its lease keeps its claim (the receiver renews it every leaseMs / 3), so copies sent meanwhile answer 503
// and never start it again; once it ends, copies are duplicates. Memory store on every adapter, and the
// Redis store on a real redis-server. Bounded: a short lease (1 s, against 60 s by default; shorter ones lapsed on a loaded 2-core CI machine,
// where one request took 300 ms), about 5 s and 10 requests per run.
import { RedisIdempotencyStore } from '@piopiy-webhooks/redis'
import { inboundAnsweredCdr } from '@piopiy-webhooks/testing'
import t from 'tap'
import { startRedis } from '../../packages/redis/test/helpers/redis-server.js'
import type { Harness } from '@piopiy-webhooks/contract-tests'
import type { IdempotencyStore, ReceiverOptions } from '@piopiy-webhooks/core'
import { harnesses } from './harnesses.js'

const LEASE_MS = 1000
const COPIES = 8
const sleep = async (ms: number): Promise<void> => { await new Promise(resolve => setTimeout(resolve, ms)) }

async function leaseHolds (t: Tap, make: (options: ReceiverOptions) => Promise<Harness>, cmiuuid: string): Promise<void> {
  let runs = 0
  let finish!: () => void
  const running = new Promise<void>(resolve => { finish = resolve })
  const warnings: unknown[] = []
  const logger = { debug () {}, info () {}, error () {}, warn (_obj: unknown, msg?: string) { if (msg !== undefined) warnings.push(msg) } }
  const harness = await make({ handlerTimeoutMs: 50, leaseMs: LEASE_MS, logger, onError: () => {}, onInboundAnswered: async () => { runs++; await running } })
  t.teardown(harness.close)
  const send = async (): Promise<Response> => await fetch(`${harness.url}/webhook/cdr`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(inboundAnsweredCdr({ cmiuuid }))
  })
  const started = Date.now()
  t.equal((await send()).status, 503, 'the first copy outlives handlerTimeoutMs: 503, the callback goes on')
  const statuses: number[] = []
  for (let copy = 0; copy < COPIES; copy++) {
    await sleep(LEASE_MS / 2)
    statuses.push((await send()).status)
  }
  const elapsed = Date.now() - started
  t.ok(elapsed > 3 * LEASE_MS, `the copies spanned ${elapsed} ms, more than 3 leases of ${LEASE_MS} ms`)
  t.same(statuses, Array(COPIES).fill(503), 'every copy meanwhile: 503 (the claim held)')
  t.equal(runs, 1, 'never started again beside itself')
  t.same(warnings, [], 'no renewal failed, no claim was lost')
  finish()
  let answer: unknown
  for (let tries = 0; tries < 100 && (answer = await (await send()).json(), JSON.stringify(answer) !== '{"ok":true,"duplicate":true}'); tries++) await sleep(10)
  t.same(answer, { ok: true, duplicate: true }, 'once it ended, a copy is a duplicate')
  t.equal(runs, 1)
}
type Tap = Parameters<Parameters<typeof t.test>[0]>[0]

for (const [name, makeHarness] of Object.entries(harnesses)) {
  t.test(`${name}: a callback running for many leases keeps its claim (memory store)`, async t => {
    await leaseHolds(t, async options => await makeHarness(options, 'root'), `lease-${name}`)
  })
}

t.test('fastify: a callback running for many leases keeps its claim (Redis store)', async t => {
  const redis = await startRedis()
  t.teardown(redis.stop)
  const store: IdempotencyStore & { close: () => Promise<void> } = new RedisIdempotencyStore({ url: redis.url })
  t.teardown(store.close.bind(store))
  await leaseHolds(t, async options => await (harnesses['fastify'] as NonNullable<typeof harnesses['fastify']>)({ ...options, idempotency: store }, 'root'), 'lease-redis')
})
