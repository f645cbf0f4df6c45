/**
 * node-redis 5 (installed as the devDependency alias `redis5`), as `{ client }`: the whole store contract,
 * and its errors told apart as with node-redis 6 (by class name, since the store imports no redis classes).
 */
import t from 'tap'
import { createClient } from 'redis5'
import { RedisIdempotencyStore } from '../src/index.js'
import { runRedisStoreContract } from './helpers/store-contract.js'

const { client, url } = await runRedisStoreContract(t, 'RedisIdempotencyStore on node-redis 5', createClient, 'v5-')

t.test('node-redis 5 errors: a reply (WRONGTYPE) and an offline client are not replayed; a closed client neither', async t => {
  const store = new RedisIdempotencyStore({ client, prefix: 'v5-errors:' })
  await client.rPush('v5-errors:list', 'x')
  await t.rejects(store.claim('list', 60_000, 'o:1'), { message: /WRONGTYPE/ })
  t.equal(store.unsettled, 0, 'an ErrorReply: the command ran (and was refused)')
  const closed = createClient({ url })
  const offline = new RedisIdempotencyStore({ client: closed })
  await t.rejects(offline.claim('k', 60_000, 'o:1'), 'a client that never connected rejects')
  t.equal(offline.unsettled, 0, 'ClientClosedError: never sent, nothing to replay')
})
