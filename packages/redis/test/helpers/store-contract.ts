/** The store contract of packages/contract-tests on a real redis-server, through a node-redis client of any supported major. */
import { runStoreContract, type Tap } from '@piopiy-webhooks/contract-tests'
import { RedisIdempotencyStore, type RedisClientLike } from '../../src/index.js'
import { startRedis } from './redis-server.js'

/** A node-redis client (v5 or v6) as `createClient({ url })` makes it. */
export interface ConnectableClient extends RedisClientLike {
  connect (): Promise<unknown>
  close (): Promise<unknown>
}

/**
 * Starts a redis-server, connects `createClient({ url })` to it and runs the store contract, each store with
 * its own key prefix (so the tests share the server and not their keys; Redis expires keys on its own clock,
 * so the suite's waits are real, tens of ms). Returns the connected client and the server's URL, for further tests.
 */
export async function runRedisStoreContract<C extends ConnectableClient> (t: Tap, name: string, createClient: (options: { url: string }) => C, prefix: string): Promise<{ client: C, url: string }> {
  const redis = await startRedis()
  t.teardown(redis.stop)
  const client = createClient({ url: redis.url })
  await client.connect()
  t.teardown(async () => { await client.close() })
  let stores = 0
  runStoreContract(t, name, {
    make: async ({ ttlMs }) => new RedisIdempotencyStore({ client, ttlMs, prefix: `${prefix}${++stores}:` }),
    elapse: async ms => { await new Promise(resolve => setTimeout(resolve, ms)) }
  })
  return { client, url: redis.url }
}
