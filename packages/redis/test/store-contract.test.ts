/** The store contract shared with the memory store (packages/contract-tests), on a real redis-server. */
import { runStoreContract } from '@piopiy-webhooks/contract-tests'
import t from 'tap'
import { createClient } from 'redis'
import { RedisIdempotencyStore } from '../src/index.js'
import { startRedis } from './helpers/redis-server.js'

const redis = await startRedis()
t.teardown(redis.stop)
const client = createClient({ url: redis.url })
await client.connect()
t.teardown(async () => { await client.close() })

let stores = 0
runStoreContract(t, 'RedisIdempotencyStore', {
  // each store gets its own prefix, so the tests share the server and not their keys
  make: async ({ ttlMs }) => new RedisIdempotencyStore({ client, ttlMs, prefix: `contract${++stores}:` }),
  // Redis expires keys on its own clock: the suite's waits are tens of ms
  elapse: async ms => { await new Promise(resolve => setTimeout(resolve, ms)) }
})
