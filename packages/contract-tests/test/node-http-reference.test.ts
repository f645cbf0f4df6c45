// The contract suite run against the core alone, behind a bare node:http server: proves the suite
// itself (and the core) before any framework is involved.
import { createReceiver } from '@piopiy-webhooks/core'
import { once } from 'node:events'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { PREFIX, runAdapterContract, type MakeHarness, closeServer } from '../src/index.js'

const readText = async (req: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}
const isJson = (req: IncomingMessage): boolean => /^application\/json\b/.test(req.headers['content-type'] ?? '')
const end = (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void => { res.writeHead(status, headers).end(body) }

const harness: MakeHarness = async (options, mount) => {
  const receiver = createReceiver(options)
  const server = createServer((req, res) => {
    void (async () => {
      const url = req.url as string
      if (url === '/health') return end(res, 200, 'ok')
      if (url === '/echo') {
        const body: unknown = JSON.parse(await readText(req))
        return end(res, 200, JSON.stringify({ type: typeof body, body }), { 'content-type': 'application/json' })
      }
      const path = mount === 'prefix' && url.startsWith(`${PREFIX}/`) ? url.slice(PREFIX.length) : url
      if ((mount === 'prefix') !== (path !== url) || !receiver.matches(path)) return end(res, 404, 'not found')
      // what express.json() does: parse JSON bodies (an empty one as {}) before any route runs
      const parsed = mount === 'after-body-parser' && isJson(req) ? { parsedBody: JSON.parse((await readText(req)) || '{}') as unknown } : {}
      const answer = await receiver.handle({ method: req.method as string, path, headers: req.headers, rawBody: req, ...parsed, ip: req.socket.remoteAddress })
      end(res, answer.status, answer.body, answer.headers)
    })()
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}${mount === 'prefix' ? PREFIX : ''}`,
    close: async () => { await closeServer(server) }
  }
}

void runAdapterContract(t, 'node:http (reference)', harness)
