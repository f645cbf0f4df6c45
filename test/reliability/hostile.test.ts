// Hostile bodies within the size limit, over real servers for every adapter: deep nesting and huge
// arrays neither crash the process nor answer 5xx; prototype-pollution attempts change nothing.
import type { Notification } from '@piopiy-webhooks/core'
import { inboundAnsweredCdr } from '@piopiy-webhooks/testing'
import t from 'tap'
import { harnesses } from './harnesses.js'

const depth = 20_000
const bodies: Array<[string, string]> = [
  ['arrays nested 20 000 deep', `{"cmiuuid":"deep-1","appid":1,"a":${'['.repeat(depth)}${']'.repeat(depth)}}`],
  ['objects nested 10 000 deep, with prototype keys', `{"cmiuuid":"deep-2","appid":1,"constructor":1,"a":${'{"__proto__":'.repeat(depth / 2)}1${'}'.repeat(depth / 2)}}`],
  ['an array of 40 000 numbers', `{"cmiuuid":"wide-1","appid":1,"a":[${new Array(40_000).fill('7').join(',')}]}`],
  ['a CDR nested 20 000 deep inside extra_params', JSON.stringify(inboundAnsweredCdr({ extra_params: `${'['.repeat(depth)}${']'.repeat(depth)}` }))]
]

for (const [name, makeHarness] of Object.entries(harnesses)) {
  t.test(`${name}: deep and wide JSON within the limit is answered, never 5xx`, async t => {
    const fired: Notification[] = []
    const harness = await makeHarness({ bodyLimit: 256 * 1024, onNotification: n => { fired.push(n) }, onInvalid: () => {} }, 'root')
    t.teardown(harness.close)
    for (const [label, body] of bodies) {
      const res = await fetch(`${harness.url}/webhook/cdr`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
      t.equal(res.status, 200, `${label}: 200 (a valid notification; unknown kinds are accepted)`)
    }
    t.same(fired.map(n => n.kind), ['unknown', 'unknown', 'unknown', 'cdr'])
    t.equal(fired[3]?.kind === 'cdr' ? fired[3].extraParams : 'not a cdr', undefined, 'extra_params that fit no style: undefined, raw kept')
  })

  t.test(`${name}: prototype-pollution attempts in the body and in extra_params change nothing`, async t => {
    const fired: Notification[] = []
    const harness = await makeHarness({ onNotification: n => { fired.push(n) } }, 'root')
    t.teardown(harness.close)
    const attacks = [
      `{"__proto__":{"polluted":"body"},${JSON.stringify(inboundAnsweredCdr()).slice(1)}`,
      JSON.stringify({ ...inboundAnsweredCdr(), constructor: { prototype: { polluted: 'ctor' } } }),
      JSON.stringify(inboundAnsweredCdr({ extra_params: '{"__proto__":{"polluted":"extra"},"constructor":{"prototype":{"polluted":"x"}},"ok":1}' })),
      JSON.stringify(inboundAnsweredCdr({ extra_params: "{'__proto__': {'polluted': 'single'}, 'ok': 1}" })),
      JSON.stringify(inboundAnsweredCdr({ extra_params: '{ __proto__=polluted, constructor=x, ok=1 }' }))
    ]
    for (const body of attacks) {
      const res = await fetch(`${harness.url}/webhook/cdr`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
      t.equal(res.status, 200)
    }
    t.equal(({} as Record<string, unknown>)['polluted'], undefined, 'Object.prototype untouched')
    t.equal(fired.length, attacks.length)
    for (const n of fired) {
      t.equal(Object.getPrototypeOf(n), Object.prototype, `${n.cmiuuid}: a plain record`)
      t.equal((n as unknown as Record<string, unknown>)['polluted'], undefined)
      const extra = n.kind === 'cdr' ? n.extraParams : undefined
      if (extra !== undefined) {
        t.equal(Object.getPrototypeOf(extra), Object.prototype)
        t.notOk(Object.hasOwn(extra, '__proto__') || Object.hasOwn(extra, 'constructor'), 'no forbidden key kept')
        t.equal(extra['polluted'], undefined)
      }
    }
    t.same(fired.slice(2).map(n => n.kind === 'cdr' ? n.extraParams?.['ok'] : 'not a cdr'), [1, 1, 1], 'the harmless keys survive')
  })
}
