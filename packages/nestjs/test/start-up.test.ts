// What stops an app at start-up, with a clear message: bad options, and an HTTP platform other
// than Express or Fastify.
import { ExpressAdapter } from '@nestjs/platform-express'
import { PiopiyWebhookError } from '@piopiy-webhooks/core'
import t from 'tap'
import { PiopiyModule } from '../src/index.js'
import { platforms, silent, startApp } from './helpers.js'

for (const platform of platforms) {
  for (const testing of [false, true]) {
    t.test(`${platform}${testing ? ', testing module' : ''}: bad options stop the app before it listens`, async t => {
      const misspelt = { logger: silent, onInboundAnswerd: () => {} } as object
      await t.rejects(startApp(platform, [PiopiyModule.forRoot(misspelt)], { testing }), {
        name: 'PiopiyWebhookError', code: 'INVALID_OPTIONS', message: /unknown option 'onInboundAnswerd' \(did you mean 'onInboundAnswered'\?\)/
      })
    })
  }
}

t.test('an HTTP adapter that is neither Express nor Fastify is refused, by name', async t => {
  class OtherAdapter extends ExpressAdapter {
    override getType (): string { return 'other' }
  }
  const refused = startApp('express', [PiopiyModule.forRoot({ logger: silent })], { adapter: new OtherAdapter() })
  await t.rejects(refused, PiopiyWebhookError)
  await t.rejects(refused, { code: 'INVALID_OPTIONS', message: /runs on @nestjs\/platform-express or @nestjs\/platform-fastify, not on 'other'/ })
})
