import t, { type Test } from 'tap'
import { PiopiyWebhookError } from '../src/errors.js'
import { MemoryIdempotencyStore } from '../src/idempotency.js'
import { consoleLogger } from '../src/logger.js'
import { createReceiver } from '../src/receiver.js'
import type { ReceiverOptions } from '../src/types.js'
import { recordingLogger } from './helpers.js'
import { silentLogger } from '../src/logger.js'

const invalid = (t: Test, options: unknown, message: RegExp): void => {
  let thrown: unknown
  try { createReceiver(options as ReceiverOptions) } catch (err) { thrown = err }
  t.ok(thrown instanceof PiopiyWebhookError, `throws a PiopiyWebhookError for ${message}`)
  t.match(thrown, { name: 'PiopiyWebhookError', code: 'INVALID_OPTIONS', statusCode: 500, cause: undefined })
  t.match((thrown as Error).message, message)
  t.match((thrown as Error).message, /^\[@piopiy-webhooks\/core\] /)
}

t.test('a misspelt option fails at start-up, with a hint', async t => {
  invalid(t, { onInboundAnswerd: () => {} }, /unknown option 'onInboundAnswerd' \(did you mean 'onInboundAnswered'\?\)/)
  invalid(t, { totallyUnrelated: 1 }, /unknown option 'totallyUnrelated'$/)
  invalid(t, { auth: { tokn: 'x' } }, /unknown option 'auth.tokn' \(did you mean 'auth.token'\?\)/)
})

t.test('callbacks must be functions', async t => {
  for (const name of ['onInboundAnswered', 'onInboundMissed', 'onOutboundAnswered', 'onOutboundMissed', 'onCallEvent', 'onStreamEvent', 'onNotification', 'onInvalid', 'onError']) {
    invalid(t, { [name]: 'save' }, new RegExp(`${name} must be a function`))
  }
})

t.test('each option is checked', async t => {
  invalid(t, null, /options must be an object/)
  invalid(t, { path: 'webhook' }, /path must be a string starting with '\/'/)
  invalid(t, { path: '/a?b' }, /path must be/)
  invalid(t, { bodyLimit: 0 }, /bodyLimit must be a positive integer/)
  invalid(t, { bodyLimit: 1.5 }, /bodyLimit/)
  invalid(t, { handlerTimeoutMs: -5 }, /handlerTimeoutMs must be a positive number/)
  invalid(t, { bodyTimeoutMs: 0 }, /bodyTimeoutMs must be a positive number of ms, at most 2147483647/)
  invalid(t, { bodyTimeoutMs: 2 ** 31 }, /bodyTimeoutMs must be a positive number of ms/)
  invalid(t, { idempotency: true }, /idempotency must be false or an IdempotencyStore/)
  invalid(t, { idempotency: { claim () {} } }, /idempotency must be/)
  invalid(t, { idempotency: null }, /idempotency must be/)
  invalid(t, { logger: console.log }, /logger must have debug, info, warn and error/)
  invalid(t, { logger: null }, /logger must have/)
  invalid(t, { auth: 'secret' }, /auth must be an object/)
  invalid(t, { auth: null }, /auth must be an object/)
  invalid(t, { auth: { token: '' } }, /auth.token must be a non-empty string/)
  invalid(t, { auth: { token: undefined } }, /auth.token is undefined \(an unset environment variable\?\)/)
  invalid(t, { auth: { basic: undefined, appIds: [1] } }, /auth.basic is undefined/)
  invalid(t, { auth: { token: { header: 'x' } } }, /auth.token must be a non-empty string/)
  invalid(t, { auth: { basic: { username: 'u' } } }, /auth.basic needs a username and a password/)
  invalid(t, { auth: { allowIps: '10.0.0.0/8' } }, /auth.allowIps must be an array/)
  invalid(t, { auth: { allowIps: ['10.0.0.300'] } }, /'10.0.0.300' is not an IP address or CIDR range/)
  invalid(t, { auth: { allowIps: ['10.0.0.0/33'] } }, /'10.0.0.0\/33'/)
  invalid(t, { auth: { allowIps: ['::1/129'] } }, /'::1\/129'/)
  invalid(t, { auth: { allowIps: ['10.0.0.0/x'] } }, /'10.0.0.0\/x'/)
  invalid(t, { auth: { trustProxy: 'yes' } }, /auth.trustProxy must be a boolean or a number/)
  invalid(t, { auth: { trustProxy: -1 } }, /auth.trustProxy/)
  invalid(t, { auth: { appIds: 2222222 } }, /auth.appIds must be an array/)
})

t.test('defaults', async t => {
  const receiver = createReceiver({ logger: silentLogger })
  t.equal(receiver.path, '/webhook/cdr')
  t.equal(createReceiver().path, '/webhook/cdr', 'no options at all is fine')
  t.equal(createReceiver({ path: '/hooks/piopiy', idempotency: new MemoryIdempotencyStore(), logger: silentLogger }).path, '/hooks/piopiy')
})

t.test('one start-up warning when no auth is configured, none with auth', async t => {
  const logger = recordingLogger()
  createReceiver({ logger })
  t.equal(logger.lines.length, 1)
  t.equal(logger.lines[0]?.level, 'warn')
  t.match(String(logger.lines[0]?.obj), /no auth configured.*auth: \{ token \}.*docs\/security.md/)
  const quiet = recordingLogger()
  createReceiver({ logger: quiet, auth: { token: 'secret' } })
  createReceiver({ logger: quiet, auth: { appIds: [1] } })
  t.same(quiet.lines, [])
})

t.test('the default console logger: debug/info quiet, warn and error printed', async t => {
  const printed: unknown[][] = []
  const { warn, error } = console
  console.warn = (...args: unknown[]) => { printed.push(['warn', ...args]) }
  console.error = (...args: unknown[]) => { printed.push(['error', ...args]) }
  try {
    consoleLogger.debug('d')
    consoleLogger.info('i')
    consoleLogger.warn('just a message')
    consoleLogger.warn({ a: 1 }, 'with an object')
    consoleLogger.error({ b: 2 }, 'failed')
  } finally {
    console.warn = warn
    console.error = error
  }
  t.same(printed, [['warn', 'just a message'], ['warn', 'with an object', { a: 1 }], ['error', 'failed', { b: 2 }]])
})
