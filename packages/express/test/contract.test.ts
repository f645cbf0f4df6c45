// The shared HTTP contract, over real Express 5 and Express 4 servers on 127.0.0.1.
import { PREFIX, runAdapterContract, type MakeHarness, closeServer } from '@piopiy-webhooks/contract-tests'
import express from 'express'
import express4 from 'express4'
import { once } from 'node:events'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { piopiyMiddleware } from '../src/index.js'

/** Both majors have the same shape for what these tests use. */
type Express = typeof express

export const expressHarness = (lib: Express): MakeHarness => async (options, mount) => {
  const app = lib()
  app.get('/health', (_req, res) => { res.send('ok') })
  if (mount === 'after-body-parser') app.use(lib.json())
  app.post('/echo', lib.json(), (req, res) => { res.json({ type: typeof req.body, body: req.body as unknown }) })
  if (mount === 'prefix') {
    const router = lib.Router()
    router.use(piopiyMiddleware(options))
    app.use(PREFIX, router)
  } else {
    app.use(piopiyMiddleware(options))
  }
  const server: Server = app.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}${mount === 'prefix' ? PREFIX : ''}`,
    close: async () => { await closeServer(server) }
  }
}

void runAdapterContract(t, 'express 5', expressHarness(express))
void runAdapterContract(t, 'express 4', expressHarness(express4 as unknown as Express))
