// The app keeps its own ways: global prefix, middleware and body parser on its routes; the webhook
// is at its own full path, outside the global prefix.
import { RequestMethod, type MiddlewareConsumer, type NestMiddleware, Module } from '@nestjs/common'
import t from 'tap'
import { PiopiyModule } from '../src/index.js'
import { platforms, post, seed, startApp } from './helpers.js'

/** A Nest middleware of the app's own, on every route. */
class Stamp implements NestMiddleware {
  use (_req: unknown, res: { setHeader: (name: string, value: string) => void }, next: () => void): void {
    res.setHeader('x-app-middleware', 'ran')
    next()
  }
}
class StampModule { configure (consumer: MiddlewareConsumer): void { consumer.apply(Stamp).forRoutes({ path: '*path', method: RequestMethod.ALL }) } }
Module({})(StampModule)

for (const platform of platforms) {
  t.test(`${platform}: Nest's routes, prefix and middleware are untouched; the webhook answers at its path`, async t => {
    const { origin, close } = await startApp(platform, [StampModule, PiopiyModule.forRoot()], { before: app => { app.setGlobalPrefix('api') } })
    t.teardown(close)
    const health = await fetch(`${origin}/api/health`)
    t.equal(health.status, 200)
    t.equal(await health.text(), 'ok')
    t.equal(health.headers.get('x-app-middleware'), 'ran', "the app's middleware ran on its route")
    const echo = await post(`${origin}/api/echo`, '{"a":[1,2]}')
    t.same(JSON.parse(echo.text), { type: 'object', body: { a: [1, 2] } }, "Nest's JSON parser still parses the app's routes")
    const form = await post(`${origin}/api/echo`, 'a=1&b=2', 'application/x-www-form-urlencoded')
    t.same(JSON.parse(form.text), { type: 'object', body: { a: '1', b: '2' } }, 'and its urlencoded parser too')
    const hook = await post(`${origin}/webhook/cdr`, seed)
    t.same([hook.status, JSON.parse(hook.text)], [200, { ok: true }], 'the webhook answers at its full path')
    t.equal((await post(`${origin}/api/webhook/cdr`, seed)).status, 404, 'not under the global prefix')
    t.equal((await fetch(`${origin}/api/nowhere`)).status, 404, "Nest's own 404")
  })
}
