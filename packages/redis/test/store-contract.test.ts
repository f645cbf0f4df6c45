/** The store contract shared with the memory store (packages/contract-tests), on a real redis-server. */
import t from 'tap'
import { createClient } from 'redis'
import { runRedisStoreContract } from './helpers/store-contract.js'

await runRedisStoreContract(t, 'RedisIdempotencyStore', createClient, 'contract')
