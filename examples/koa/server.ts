// npm run example:koa   (PORT=3000 by default; PIOPIY_TOKEN to require a token)
import { portFrom } from '../port.js'
import { createApp } from './app.js'

const server = createApp().listen(portFrom(process.env), '127.0.0.1', () => {
  const { port } = server.address() as { port: number }
  console.log(`Koa: PIOPIY webhooks on http://127.0.0.1:${port}/webhook/cdr`)
})
const stop = (): void => { server.close() }
process.once('SIGTERM', stop)
process.once('SIGINT', stop)
