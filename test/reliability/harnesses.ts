/** Real servers on 127.0.0.1 with each adapter mounted, for the reliability tests. */
import type { MakeHarness } from '@piopiy-webhooks/contract-tests'
import { piopiyPlugin } from '@piopiy-webhooks/fastify'
import Fastify from 'fastify'

export const harnesses: Record<string, MakeHarness> = {
  fastify: async options => {
    const app = Fastify()
    await app.register(piopiyPlugin, { logger: silentLogger, ...options })
    return { url: await app.listen({ port: 0, host: '127.0.0.1' }), close: () => app.close() }
  }
}

const noop = (): void => {}
const silentLogger = { debug: noop, info: noop, warn: noop, error: noop }
