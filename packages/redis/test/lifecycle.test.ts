import t from 'tap'
import { createServer, type Socket } from 'node:net'
import { createClient } from 'redis'
import { RedisIdempotencyStore, type RedisIdempotencyStoreOptions } from '../src/index.js'
import { startRedis } from './helpers/redis-server.js'
import { until } from './helpers/until.js'

const redis = await startRedis()
t.teardown(redis.stop)
const client = createClient({ url: redis.url })
await client.connect()
t.teardown(async () => { await client.close() })

/** Number of connections the server has, as Redis itself counts them. */
const connections = async (): Promise<number> =>
  Number(/connected_clients:(\d+)/.exec(await client.info('clients'))?.[1])

t.test('bad options throw PiopiyWebhookError INVALID_OPTIONS at construction', async t => {
  const bad: unknown[] = [
    undefined, null, 'redis://127.0.0.1', {}, { url: redis.url, client },
    { url: 42 }, { url: 'http://127.0.0.1:6379' }, { client: {} },
    { client, prefix: 7 }, { client, ttlMs: 0 }, { client, ttlMs: -5 }, { client, ttlMs: Number.NaN },
    { client, ttlMs: '3600000' }, { client, commandTimeoutMs: -1 }, { client, commandTimeoutMs: Number.POSITIVE_INFINITY }
  ]
  for (const options of bad) {
    t.throws(() => new RedisIdempotencyStore(options as RedisIdempotencyStoreOptions),
      { name: 'PiopiyWebhookError', code: 'INVALID_OPTIONS', message: /^\[@piopiy-webhooks\/redis\] RedisIdempotencyStore: / },
      `rejects ${JSON.stringify(options, (k, v: unknown) => v === client ? '<client>' : v) ?? String(options)}`)
  }
  t.throws(() => new RedisIdempotencyStore({ url: redis.url, client } as unknown as RedisIdempotencyStoreOptions),
    { message: /exactly one of url and client/ })
  t.throws(() => new RedisIdempotencyStore({ url: 'http://127.0.0.1:6379' }),
    { message: /url is not a Redis URL/, cause: TypeError })
})

t.test('{ url }: connects on first use, not before; close() quits the connection', async t => {
  const before = await connections()
  const store = new RedisIdempotencyStore({ url: redis.url, prefix: 'url:' })
  t.equal(await connections(), before, 'constructing opens no connection')
  t.equal(await store.claim('cdr:1', 60_000, 'o:1'), 'claimed')
  t.equal(await connections(), before + 1)
  await store.complete('cdr:1', 'o:1')
  t.equal(await client.get('url:cdr:1'), 'done')
  await store.close()
  t.ok(await until(async () => await connections() === before), 'the connection is gone')
  await store.close()
  t.pass('close() twice is fine')
  await t.rejects(store.claim('cdr:2', 60_000, 'o:1'), { message: /closed/ }, 'a closed store rejects')
  await t.rejects(store.complete('cdr:2', 'o:1'), { message: /closed/ })
})

t.test('{ url }: many first claims at once share one connection', async t => {
  const before = await connections()
  const store = new RedisIdempotencyStore({ url: redis.url, prefix: 'burst:' })
  t.teardown(async () => { await store.close() })
  const results = await Promise.all(Array.from({ length: 50 }, async (_, i) => await store.claim(`cdr:${i % 10}`, 60_000, 'o:1')))
  t.equal(results.filter(r => r === 'claimed').length, 10)
  t.equal(await connections(), before + 1)
})

t.test('close() of a store that never connected', async t => {
  const store = new RedisIdempotencyStore({ url: redis.url })
  await store.close()
  await t.rejects(store.claim('cdr:3', 60_000, 'o:1'), { message: /closed/ })
})

t.test('{ client }: uses your client and never closes it; commandTimeoutMs 0 is allowed', async t => {
  const store = new RedisIdempotencyStore({ client, prefix: 'own:', commandTimeoutMs: 0 })
  t.equal(await store.claim('cdr:4', 60_000, 'o:1'), 'claimed')
  await store.close()
  t.equal(client.isOpen, true)
  t.equal(await client.get('own:cdr:4') === null, false, 'the claim is in Redis')
  await t.rejects(store.release('cdr:4', 'o:1'), { message: /closed/ }, 'a closed store rejects')
  t.equal(await client.get('own:cdr:4') === null, false, 'and deletes nothing')
})

t.test('a node-redis client pool works as { client }', async t => {
  const { createClientPool } = await import('redis')
  const pool = createClientPool({ url: redis.url })
  await pool.connect()
  t.teardown(async () => { await pool.close() })
  const store = new RedisIdempotencyStore({ client: pool, prefix: 'pool:' })
  t.equal(await store.claim('cdr:5', 60_000, 'o:1'), 'claimed')
  await store.complete('cdr:5', 'o:1')
  t.equal(await store.claim('cdr:5', 60_000, 'o:1'), 'done')
})

t.test('close() while the first connection is still being set up rejects what waits on it', async t => {
  // a TCP server that accepts and never answers: node-redis stays in its handshake
  const sockets = new Set<Socket>()
  const silent = createServer(socket => { sockets.add(socket) })
  await new Promise<void>(resolve => silent.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { for (const s of sockets) s.destroy(); silent.close() })
  const { port } = silent.address() as { port: number }
  const store = new RedisIdempotencyStore({ url: `redis://127.0.0.1:${port}` })
  const pending = store.claim('cdr:6', 60_000, 'o:1')
  t.ok(await until(() => sockets.size > 0), 'node-redis connected to the silent server')
  await store.close()
  await t.rejects(pending, 'the claim rejects instead of hanging')
})

t.test('close() while node-redis is still being loaded: the claim rejects, no client is created', async t => {
  const before = await connections()
  const store = new RedisIdempotencyStore({ url: redis.url })
  const pending = store.claim('cdr:7', 60_000, 'o:1') // import('redis') is pending: it settles on a later turn
  await store.close()
  await t.rejects(pending, { message: /closed/ })
  t.equal(await connections(), before, 'nothing connected')
})
