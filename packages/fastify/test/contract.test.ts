import { PREFIX, runAdapterContract } from '@piopiy-webhooks/contract-tests'
import Fastify from 'fastify'
import t from 'tap'
import { piopiyPlugin } from '../src/index.js'

void runAdapterContract(t, 'fastify', async (options, mount) => {
  const app = Fastify()
  app.get('/health', async () => 'ok')
  app.post('/echo', async request => ({ type: typeof request.body, body: request.body }))
  // an app-wide parser of the app's own for every other type: the plugin's scoped one still wins on its route
  if (mount === 'after-body-parser') app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => { done(null, body) })
  await app.register(piopiyPlugin, mount === 'prefix' ? { ...options, prefix: PREFIX } : options)
  const address = await app.listen({ port: 0, host: '127.0.0.1' })
  return { url: address + (mount === 'prefix' ? PREFIX : ''), close: () => app.close() }
})
