import t from 'tap'
import { findRedisServer, MISSING_REDIS, ping, startRedis } from './helpers/redis-server.js'

t.test('a test redis-server answers PING on its port, and is gone after stop', async t => {
  const redis = await startRedis()
  t.equal(await ping(redis.port), true)
  await redis.stop()
  t.equal(await ping(redis.port), false)
})

t.test('without redis-server on PATH the suite fails loudly, saying how to install it', async t => {
  t.throws(() => findRedisServer(''), { message: MISSING_REDIS })
  t.match(MISSING_REDIS, 'apt-get install -y redis-server')
})
