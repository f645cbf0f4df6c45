/**
 * The store loads node-redis only when it is given a `url`, and works with node-redis 5 as with 6: proven in
 * child processes whose module resolution is changed by hooks (helpers/resolve-redis.mjs), on a real
 * redis-server, through the built package as an app would load it.
 */
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import t from 'tap'
import { startRedis } from './helpers/redis-server.js'

const redis = await startRedis()
t.teardown(redis.stop)
const helper = (name: string): string => fileURLToPath(new URL(`./helpers/${name}`, import.meta.url))

/** Runs the child with `redis` resolved as `as` says, its own client made from `clientPackage`. */
const run = async (as: string, clientPackage: string): Promise<unknown> => {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', helper('register-resolve-redis.mjs'), helper('lazy-redis-child.mjs'), redis.url, clientPackage],
    { env: { ...process.env, PIOPIY_REDIS_AS: as }, timeout: 60_000 })
  return JSON.parse(stdout)
}

t.test('with { client }, the store never loads the package redis; with { url } it does, on first use', async t => {
  // @redis/client is what the package redis re-exports: an app may well have only that
  t.same(await run('none', '@redis/client'), {
    client: ['claimed', true, 'done'],
    url: "Error: Cannot find package 'redis' (hidden by the test)"
  })
})

t.test('node-redis 5: both { client } and { url } work', async t => {
  t.same(await run('redis5', 'redis5'), { client: ['claimed', true, 'done'], url: ['claimed', 'done'] })
})
