// Memory of MemoryIdempotencyStore: `node --expose-gc bench/memory.mjs` prints JSON on stdout.
// Fills a store with BENCH_MEMORY_KEYS completed keys (default 1 M), each a real dedupe key
// (`dedupeKey()` of a CDR with a random cmiuuid), and measures the heap after a full GC, with the memory of
// array buffers (typed arrays keep their contents outside the heap).
import { randomUUID } from 'node:crypto'
import { dedupeKey, MemoryIdempotencyStore } from '@piopiy-webhooks/core'
import { envNumber, progress } from './lib.mjs'

if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc')
const keys = envNumber('BENCH_MEMORY_KEYS', 1_000_000)

function heapAfterGc () {
  for (let i = 0; i < 3; i++) globalThis.gc()
  const { heapUsed, arrayBuffers } = process.memoryUsage()
  return heapUsed + arrayBuffers
}

const before = heapAfterGc()
const store = new MemoryIdempotencyStore({ maxKeys: keys })
const started = performance.now()
const cdr = { kind: 'cdr', appId: 2222222, direction: 'inbound', status: 'answered', leg: 'a' }
for (let i = 0; i < keys; i++) {
  const key = dedupeKey({ ...cdr, cmiuuid: randomUUID() })
  await store.claim(key, 60_000, 'bench:1')
  await store.complete(key, 'bench:1')
  if ((i + 1) % 250_000 === 0) progress(`memory ${(i + 1).toLocaleString('en-US')} keys`)
}
const fillMs = performance.now() - started
const after = heapAfterGc()
if (store.size !== keys) throw new Error(`the store holds ${store.size} keys, not ${keys}`)
const sampleKey = dedupeKey({ ...cdr, cmiuuid: randomUUID() })
process.stdout.write(JSON.stringify({
  keys,
  keyLength: sampleKey.length,
  bytesPerKey: (after - before) / keys,
  heapMiB: (after - before) / 2 ** 20,
  fillNsPerKey: fillMs * 1e6 / keys
}))
