/**
 * Every published package loads both ways from its build: `require()` (CommonJS) and `import` (ESM),
 * with the same exports. Runs plain `node` child processes on dist/, without the test loader or the
 * source condition, as a user's app would.
 */
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import t from 'tap'

const run = promisify(execFile)
// No test loader, and no coverage recording: these processes run the build, whose source maps would fold
// dist/ (its CommonJS export getters among it) into the coverage of the sources. tap's process tracking
// adds its hooks to every child it sees; `_TAPJS_PROCESSINFO_COVERAGE_=0` is its switch for coverage.
const env = { ...process.env, NODE_OPTIONS: '', _TAPJS_PROCESSINFO_COVERAGE_: '0' }
const packages: Record<string, string[]> = {
  '@piopiy-webhooks/core': ['createReceiver', 'parseNotification', 'MemoryIdempotencyStore', 'PiopiyWebhookError', 'CdrPayloadSchema'],
  '@piopiy-webhooks/fastify': ['piopiyPlugin', 'default'],
  '@piopiy-webhooks/express': ['piopiyMiddleware'],
  '@piopiy-webhooks/koa': ['piopiyMiddleware'],
  '@piopiy-webhooks/nestjs': ['PiopiyModule'],
  '@piopiy-webhooks/web': ['piopiyHandler', 'default'],
  '@piopiy-webhooks/redis': ['RedisIdempotencyStore'],
  '@piopiy-webhooks/bullmq': ['enqueueTo', 'createPiopiyWorker', 'jobIdOf', 'keyOfJobId'],
  '@piopiy-webhooks/testing': ['send', 'inboundAnsweredCdr']
}

const exportsOf = async (args: string[]): Promise<string[]> => {
  const { stdout } = await run(process.execPath, args, { env })
  return JSON.parse(stdout) as string[]
}

for (const [name, expected] of Object.entries(packages)) {
  t.test(name, async t => {
    const cjs = await exportsOf(['-e', `console.log(JSON.stringify(Object.keys(require('${name}')).sort()))`])
    const esm = await exportsOf(['--input-type=module', '-e', `const m = await import('${name}'); console.log(JSON.stringify(Object.keys(m).sort()))`])
    for (const key of expected) {
      t.ok(cjs.includes(key), `require() exports ${key}`)
      t.ok(esm.includes(key), `import exports ${key}`)
    }
    t.same(cjs.filter(k => k !== 'default'), esm.filter(k => k !== 'default'), 'same named exports both ways')
  })
}

t.test('the CommonJS core works, not only loads', async t => {
  const script = `
    const { parseNotification } = require('@piopiy-webhooks/core')
    const r = parseNotification(JSON.stringify({ cmiuuid: 'c1', appid: 1, direction: 'inbound', status: 'answered', leg: 'a', from: 1, to: 2, time: 0, duration: 3 }))
    console.log(JSON.stringify([r.ok, r.notification.kind, r.notification.from]))`
  t.same(await exportsOf(['-e', script]), [true, 'cdr', '1'])
})
