// Run by lazy-redis.test.ts with the resolve-redis hooks: claims with { client } (a client made by
// `clientPackage`), then with { url } (which loads `redis`), and prints what happened as one JSON line.
import { RedisIdempotencyStore } from '@piopiy-webhooks/redis'

const [url, clientPackage] = process.argv.slice(2)
const { createClient } = await import(clientPackage)
const result = {}
const client = createClient({ url })
await client.connect()
const given = new RedisIdempotencyStore({ client, prefix: `${clientPackage}-client:` })
result.client = [await given.claim('k', 60_000, 'o:1'), await given.renew('k', 'o:1', 60_000)]
await given.complete('k', 'o:1')
result.client.push(await given.claim('k', 60_000, 'o:2'))
const own = new RedisIdempotencyStore({ url, prefix: `${clientPackage}-url:` })
try {
  result.url = [await own.claim('k', 60_000, 'o:1')]
  await own.complete('k', 'o:1')
  result.url.push(await own.claim('k', 60_000, 'o:2'))
} catch (err) {
  result.url = String(err)
}
await own.close()
await client.close()
process.stdout.write(`${JSON.stringify(result)}\n`)
