/** A pino-compatible logger: `request.log` of Fastify, pino itself, or anything with these four methods. */
export interface Logger {
  debug (obj: unknown, msg?: string): void
  info (obj: unknown, msg?: string): void
  warn (obj: unknown, msg?: string): void
  error (obj: unknown, msg?: string): void
}

const noop = (): void => {}
const print = (write: (...args: unknown[]) => void) => (obj: unknown, msg?: string): void => {
  if (msg === undefined) write(obj)
  else write(msg, obj)
}

/** The default logger: quiet for debug/info, `console.warn`/`console.error` for the rest. */
export const consoleLogger: Logger = {
  debug: noop,
  info: noop,
  warn: print((...args) => { console.warn(...args) }),
  error: print((...args) => { console.error(...args) })
}

/** A logger that drops everything: for tests, or an app that logs through `onInvalid` and `onError` only. */
export const silentLogger: Logger = { debug: noop, info: noop, warn: noop, error: noop }
