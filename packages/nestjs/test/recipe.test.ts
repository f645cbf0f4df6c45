// The recipe the docs weigh against the module: the adapters themselves, added in main.ts before
// listen(). It works (which is why the docs can say so), but only where main.ts runs.
import type { INestApplication } from '@nestjs/common'
import type { NestFastifyApplication } from '@nestjs/platform-fastify'
import type { InvalidInfo, ReceiverOptions } from '@piopiy-webhooks/core'
import { piopiyMiddleware } from '@piopiy-webhooks/express'
import { piopiyPlugin } from '@piopiy-webhooks/fastify'
import t from 'tap'
import { platforms, post, seed, silent, startApp, type Platform } from './helpers.js'

const recipes: Record<Platform, (app: INestApplication, options: ReceiverOptions) => void> = {
  express: (app, options) => { app.use(piopiyMiddleware(options)) },
  // @nestjs/platform-fastify pins a fastify of its own: its instance type is not our plugin's
  fastify: (app, options) => { void (app as NestFastifyApplication).register(piopiyPlugin as unknown as Parameters<NestFastifyApplication['register']>[0], options) }
}

for (const platform of platforms) {
  t.test(`${platform}: the adapter added in main.ts before listen() answers, malformed JSON included`, async t => {
    const invalid: InvalidInfo[] = []
    const fired: string[] = []
    const options: ReceiverOptions = { logger: silent, onInvalid: info => { invalid.push(info) }, onNotification: n => { fired.push(n.cmiuuid) } }
    const { origin, close } = await startApp(platform, [], { before: app => { recipes[platform](app, options) } })
    t.teardown(close)
    t.equal((await post(`${origin}/webhook/cdr`, seed)).status, 200)
    t.equal((await post(`${origin}/webhook/cdr`, '{"x": ')).status, 400)
    t.same([fired, invalid.map(i => i.rawBody)], [['b1f8c0de-0001'], ['{"x": ']])
    t.equal(await (await fetch(`${origin}/health`)).text(), 'ok', "the app's routes answer")
  })
}
