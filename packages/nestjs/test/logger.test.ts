// By default the receiver logs through Nest's Logger (context PiopiyModule): the app's logger gets it.
import type { LoggerService } from '@nestjs/common'
import t from 'tap'
import { PiopiyModule } from '../src/index.js'
import { platforms, post, startApp } from './helpers.js'

/** A LoggerService that keeps what it is given. */
function recordingLogger (): LoggerService & { lines: Array<[level: string, ...args: unknown[]]> } {
  const lines: Array<[string, ...unknown[]]> = []
  const at = (level: string) => (...args: unknown[]): void => { lines.push([level, ...args]) }
  return { lines, log: at('log'), warn: at('warn'), error: at('error'), debug: at('debug'), verbose: at('verbose') }
}

for (const platform of platforms) {
  t.test(`${platform}: warnings and rejections go to the app's logger`, async t => {
    const logger = recordingLogger()
    const { origin, close } = await startApp(platform, [PiopiyModule.forRoot()], { logger })
    t.teardown(close)
    const ours = (): unknown[][] => logger.lines.filter(line => line.at(-1) === 'PiopiyModule')
    t.match(ours(), [['warn', /no auth configured/, 'PiopiyModule']], 'the start-up warning, in context PiopiyModule')
    t.equal((await post(`${origin}/webhook/cdr`, '[]')).status, 400)
    t.match(ours()[1], ['warn', 'piopiy-webhooks: request rejected', { status: 400, rawBody: '[]' }, 'PiopiyModule'],
      'a rejection with no onInvalid: logged as a warning, with its details')
  })
}
