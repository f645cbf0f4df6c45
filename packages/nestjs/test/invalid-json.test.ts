// Malformed JSON posted to the webhook reaches the core (its 400, and onInvalid with the text as
// sent), however the app was built; Nest's own JSON routes keep Nest's own 400.
import type { InvalidInfo } from '@piopiy-webhooks/core'
import t from 'tap'
import { PiopiyModule } from '../src/index.js'
import { platforms, post, silent, startApp } from './helpers.js'

for (const platform of platforms) {
  for (const testing of [false, true]) {
    t.test(`${platform}, ${testing ? 'testing module (after Nest\'s parser)' : 'NestFactory.create()'}: malformed JSON gets the core's 400 and reaches onInvalid`, async t => {
      const invalid: InvalidInfo[] = []
      const { origin, close } = await startApp(platform, [PiopiyModule.forRoot({ logger: silent, onInvalid: info => { invalid.push(info) } })], { testing })
      t.teardown(close)
      const res = await post(`${origin}/webhook/cdr`, '{"cmiuuid": "x", ')
      t.equal(res.status, 400)
      t.match(JSON.parse(res.text), { error: 'Bad Request', reasons: [/^body: is not valid JSON/] }, "the core's answer, not Nest's")
      t.same(invalid.map(i => [i.status, i.rawBody]), [[400, '{"cmiuuid": "x", ']], 'onInvalid got the text as sent')
      const nest = await post(`${origin}/echo`, '{"a": ')
      t.equal(nest.status, 400, "Nest's JSON route: Nest's 400")
      t.match(JSON.parse(nest.text), { statusCode: 400 })
      t.equal(invalid.length, 1, 'onInvalid saw nothing of it')
    })
  }

  t.test(`${platform}, NestFactory.create(): the core gets the raw body, byte for byte`, async t => {
    const invalid: InvalidInfo[] = []
    const { origin, close } = await startApp(platform, [PiopiyModule.forRoot({ logger: silent, onInvalid: info => { invalid.push(info) } })])
    t.teardown(close)
    const asSent = '{ "hello" :\n  "world" }'
    t.equal((await post(`${origin}/webhook/cdr`, asSent)).status, 400)
    t.same(invalid.map(i => i.rawBody), [asSent], 'not a re-serialized object')
  })
}
