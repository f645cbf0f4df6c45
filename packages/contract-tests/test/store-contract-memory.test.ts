import { MemoryIdempotencyStore } from '@piopiy-webhooks/core'
import t from 'tap'
import { runStoreContract } from '../src/index.js'

let now = 1_000_000
runStoreContract(t, 'MemoryIdempotencyStore', {
  make: async options => new MemoryIdempotencyStore({ ...options, now: () => now }),
  elapse: async ms => { now += ms },
  evicts: true
})
