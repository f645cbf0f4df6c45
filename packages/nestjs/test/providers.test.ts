// forRootAsync(): the factory gets Nest providers, and the callbacks it builds use them; the same
// service instance is the one the app's controllers get.
import { Controller, Get, Inject, Module } from '@nestjs/common'
import type { CdrRecord } from '@piopiy-webhooks/core'
import t from 'tap'
import { PiopiyModule } from '../src/index.js'
import { platforms, post, seed, silent, startApp } from './helpers.js'

class CallsService {
  readonly calls: string[] = []
  async record (cdr: CdrRecord): Promise<void> { this.calls.push(`${cdr.cmiuuid} ${cdr.duration}s`) }
}
class CallsController {
  constructor (private readonly service: CallsService) {}
  list (): string[] { return this.service.calls }
}
Get('calls')(CallsController.prototype, 'list', Object.getOwnPropertyDescriptor(CallsController.prototype, 'list') as PropertyDescriptor)
Controller()(CallsController)
Inject(CallsService)(CallsController, undefined, 0)

class CallsModule {}
Module({ providers: [CallsService, { provide: 'PIOPIY_TOKEN', useValue: 's3cret' }], exports: [CallsService, 'PIOPIY_TOKEN'], controllers: [CallsController] })(CallsModule)

const webhook = PiopiyModule.forRootAsync({
  imports: [CallsModule],
  inject: [CallsService, 'PIOPIY_TOKEN'],
  useFactory: async (calls: CallsService, token: string) => ({
    logger: silent,
    auth: { token },
    onInboundAnswered: cdr => calls.record(cdr)
  })
})

for (const platform of platforms) {
  for (const testing of [false, true]) {
    t.test(`${platform}${testing ? ', testing module' : ''}: a callback records through an injected service`, async t => {
      const { app, origin, close } = await startApp(platform, [webhook], { testing })
      t.teardown(close)
      t.equal((await post(`${origin}/webhook/cdr`, seed)).status, 401, 'the token came from a provider: none sent, 401')
      t.equal((await post(`${origin}/webhook/cdr?token=s3cret`, seed)).status, 200)
      t.same(app.get(CallsService).calls, ['b1f8c0de-0001 13s'], 'the service got the record')
      const listed = await fetch(`${origin}/calls`)
      t.same(await listed.json(), ['b1f8c0de-0001 13s'], "the app's controller sees the same service instance")
    })
  }
}
