// A Fastify app that receives PIOPIY webhooks on POST /webhook/cdr.
import { piopiyPlugin, type PiopiyPluginOptions } from '@piopiy-webhooks/fastify'
import Fastify, { type FastifyInstance } from 'fastify'

/** `log` gets one line per notification; `options` override the example's (tests pass a store, say). */
export async function createApp (log: (line: string) => void = console.log, options: PiopiyPluginOptions = {}): Promise<FastifyInstance> {
  const token = process.env['PIOPIY_TOKEN']
  const app = Fastify()
  await app.register(piopiyPlugin, {
    // set PIOPIY_TOKEN and give PIOPIY the URL …/webhook/cdr?token=<it> (see docs/security.md)
    ...(token !== undefined && { auth: { token } }),
    onInboundAnswered (cdr, ctx) {
      log(`answered: ${cdr.from} → ${cdr.to}, ${cdr.duration} s (${ctx.key})`)
    },
    onInboundMissed (cdr) {
      log(`missed: ${cdr.from} called ${cdr.to} at ${cdr.time.toISOString()}`)
    },
    onInvalid (info) {
      log(`rejected with ${info.status}: ${info.reasons.join('; ')}`)
    },
    ...options
  })
  app.get('/health', async () => 'ok')
  return app
}
