/** A pino-compatible logger: `request.log` of Fastify, pino itself, or anything with these four methods. */
export interface Logger {
  debug (obj: unknown, msg?: string): void
  info (obj: unknown, msg?: string): void
  warn (obj: unknown, msg?: string): void
  error (obj: unknown, msg?: string): void
}

const noop = (): void => {}

/** The default logger: quiet for debug/info, `console.warn`/`console.error` for the rest. */
export const consoleLogger: Logger = {
  debug: noop,
  info: noop,
  warn: (obj, msg) => { console.warn(msg ?? '', obj) },
  error: (obj, msg) => { console.error(msg ?? '', obj) }
}
