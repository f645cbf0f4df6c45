import { Logger } from '@nestjs/common'
import type { Logger as ReceiverLogger } from '@piopiy-webhooks/core'

type Level = 'debug' | 'log' | 'warn' | 'error'

/** The core's `{ debug, info, warn, error }` over a Nest `Logger`: the app's logger gets the messages. */
export function nestLogger (logger: Logger = new Logger('PiopiyModule')): ReceiverLogger {
  const write = (level: Level) => (obj: unknown, msg?: string): void => {
    if (msg === undefined) logger[level](obj)
    else logger[level](msg, obj)
  }
  return { debug: write('debug'), info: write('log'), warn: write('warn'), error: write('error') }
}
