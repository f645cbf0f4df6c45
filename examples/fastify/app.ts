// A Fastify app that receives PIOPIY webhooks on POST /webhook/cdr.
import { piopiyPlugin, type PiopiyPluginOptions } from '@piopiy-webhooks/fastify'
import Fastify, { type FastifyInstance } from 'fastify'
import { webhookOptions } from '../handlers.js'

/** `log` gets one line per notification; `options` override the example's (tests pass a store, say). */
export async function createApp (log: (line: string) => void = console.log, options: PiopiyPluginOptions = {}): Promise<FastifyInstance> {
  const app = Fastify()
  await app.register(piopiyPlugin, { ...webhookOptions(log), ...options })
  app.get('/health', async () => 'ok')
  return app
}
