// Smoke check of @piopiy-webhooks/web on a runtime other than Node, by hand (not part of `npm test`:
// Bun and Deno are not installed on CI). After `npm run build`, from the repository root:
//   bun scripts/web-runtime-smoke.mjs
//   deno run --allow-net --allow-read --allow-env scripts/web-runtime-smoke.mjs
//   node scripts/web-runtime-smoke.mjs        (the reference: same output)
// Serves the handler with the runtime's own server (Bun.serve, Deno.serve; node:http + a Request on Node)
// on 127.0.0.1, sends it a few requests with fetch, and prints one line per check; exits 1 if one fails.
import { piopiyHandler } from '@piopiy-webhooks/web'

const runtime = globalThis.Bun !== undefined ? `bun ${Bun.version}` : globalThis.Deno !== undefined ? `deno ${Deno.version.deno}` : `node ${process.versions.node}`
const silent = { debug () {}, info () {}, warn () {}, error () {} }
const fired = []
const cdr = id => JSON.stringify({ cmiuuid: id, appid: 2222222, direction: 'inbound', status: 'answered', leg: 'a', from: 919900000001, to: 914400000001, time: 1700000000000, duration: 13, billedsec: 60, rate: 0.5 })

/** Starts `fetch(request, address)` on 127.0.0.1 with this runtime's server; resolves with its origin and a stop(). */
async function listen (fetch) {
  if (globalThis.Bun !== undefined) {
    const server = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: (request, s) => fetch(request, s.requestIP(request)?.address) })
    return { origin: `http://127.0.0.1:${server.port}`, stop: () => server.stop(true) }
  }
  if (globalThis.Deno !== undefined) {
    const server = Deno.serve({ hostname: '127.0.0.1', port: 0, onListen () {} }, (request, info) => fetch(request, info.remoteAddr.hostname))
    return { origin: `http://127.0.0.1:${server.addr.port}`, stop: () => server.shutdown() }
  }
  const { createServer } = await import('node:http')
  const { Readable } = await import('node:stream')
  const server = createServer(async (req, res) => {
    const body = req.method === 'GET' || req.method === 'HEAD' ? undefined : Readable.toWeb(req)
    const response = await fetch(new Request(`http://127.0.0.1${req.url}`, { method: req.method, headers: req.headers, body, duplex: 'half' }), req.socket.remoteAddress)
    res.writeHead(response.status, Object.fromEntries(response.headers)).end(Buffer.from(await response.arrayBuffer()))
  })
  await new Promise(resolve => server.listen(0, '127.0.0.1', resolve))
  return { origin: `http://127.0.0.1:${server.address().port}`, stop: () => { server.closeAllConnections(); server.close() } }
}

const handle = piopiyHandler({
  logger: silent,
  bodyLimit: 1024,
  auth: { token: 's3cret', allowIps: ['127.0.0.1', '::1'] },
  getClientIp: (_request, address) => address,
  onInboundAnswered: (record, ctx) => { fired.push([record.cmiuuid, ctx.ip]) },
  onInvalid: () => {}
})
const outsider = piopiyHandler({ logger: silent, auth: { allowIps: ['10.0.0.0/8', 'fd00::/8'] }, getClientIp: (_request, address) => address, onInvalid: () => {} })
const { origin, stop } = await listen(handle)
const other = await listen(outsider)
const hook = `${origin}/webhook/cdr?token=s3cret`
const post = async (url, body, headers = { 'content-type': 'application/json' }) => {
  const res = await fetch(url, { method: 'POST', body, headers })
  return `${res.status} ${await res.text()}`
}
const checks = [
  ['a valid CDR', await post(hook, cdr('smoke-1')), '200 {"ok":true}'],
  ['its re-delivery', await post(hook, cdr('smoke-1')), '200 {"ok":true,"duplicate":true}'],
  ['malformed JSON', (await post(hook, '{"cmiuuid": ')).slice(0, 3), '400'],
  ['a body over bodyLimit', (await post(hook, cdr('x'.repeat(2000)))).slice(0, 3), '413'],
  ['no token', (await post(`${origin}/webhook/cdr`, cdr('smoke-2'))).slice(0, 3), '401'],
  ['a client outside auth.allowIps', (await post(`${other.origin}/webhook/cdr`, cdr('smoke-4'))).slice(0, 3), '403'],
  ['another path', await post(`${origin}/other?token=s3cret`, cdr('smoke-3')), '404 {"error":"Not Found"}'],
  ['the callback ran once, with the client address', JSON.stringify(fired.map(([id, ip]) => [id, ip === '::1' || ip === '::ffff:127.0.0.1' ? '127.0.0.1' : ip])), '[["smoke-1","127.0.0.1"]]']
]
await stop()
await other.stop()
let failed = 0
for (const [what, got, want] of checks) {
  if (got !== want) failed++
  console.log(`${got === want ? 'ok  ' : 'FAIL'} ${runtime}: ${what}: ${got}${got === want ? '' : ` (want ${want})`}`)
}
if (failed > 0) process.exitCode = 1
