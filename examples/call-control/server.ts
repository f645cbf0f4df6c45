// npm run example:call-control   (PORT=3000; PUBLIC_URL is how PIOPIY reaches this app, default this server's
// own URL; PIOPIY_TOKEN to require a token; PIOPIY_NUMBER, SALES_NUMBER and SUPPORT_NUMBER set who is called)
import { portFrom } from '../port.js'
import { createApp, type IvrSettings } from './app.js'

const settings: IvrSettings = {
  publicUrl: process.env['PUBLIC_URL'] ?? '',
  piopiyNumber: process.env['PIOPIY_NUMBER'] ?? '19170000000',
  sales: process.env['SALES_NUMBER'] ?? '440000000000',
  support: process.env['SUPPORT_NUMBER'] ?? '440000000001',
  token: process.env['PIOPIY_TOKEN']
}
const server = createApp(settings).listen(portFrom(process.env), '127.0.0.1', () => {
  const local = `http://127.0.0.1:${(server.address() as { port: number }).port}`
  if (settings.publicUrl === '') settings.publicUrl = local
  console.log(`Call control: answer URL ${local}/webhook/answer, action URL ${settings.publicUrl}/webhook/action`)
})
const stop = (): void => { server.closeAllConnections(); server.close() }
process.once('SIGTERM', stop)
process.once('SIGINT', stop)
