// npm run example:fastify   (PORT=3000 by default; PIOPIY_TOKEN to require a token)
import { portFrom } from '../port.js'
import { createApp } from './app.js'

const app = await createApp()
await app.listen({ port: portFrom(process.env), host: '127.0.0.1' })
console.log(`Fastify: PIOPIY webhooks on http://127.0.0.1:${(app.server.address() as { port: number }).port}/webhook/cdr`)
const stop = (): void => { void app.close() }
process.once('SIGTERM', stop)
process.once('SIGINT', stop)
