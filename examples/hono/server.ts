// npm run example:hono   (PORT=3000 by default; PIOPIY_TOKEN to require a token)
import { serve } from '@hono/node-server'
import { portFrom } from '../port.js'
import { createApp } from './app.js'

const server = serve({ fetch: createApp().fetch, port: portFrom(process.env), hostname: '127.0.0.1' }, info => {
  console.log(`Hono: PIOPIY webhooks on http://127.0.0.1:${info.port}/webhook/cdr`)
})
const stop = (): void => { server.close() }
process.once('SIGTERM', stop)
process.once('SIGINT', stop)
