/**
 * Puts the webhook on the Nest app's HTTP platform: the Express middleware (`@piopiy-webhooks/express`)
 * or the Fastify plugin (`@piopiy-webhooks/fastify`) on the underlying instance. Nothing else is
 * decided here: every HTTP answer is the core's.
 */
import type { AbstractHttpAdapter, HttpAdapterHost } from '@nestjs/core'
import { PiopiyWebhookError } from '@piopiy-webhooks/core'
import type { PiopiyMiddleware } from '@piopiy-webhooks/express'
import type { PiopiyPluginOptions, piopiyPlugin } from '@piopiy-webhooks/fastify'
import { nestLogger } from './logger.js'
import type { PiopiyModuleOptions } from './options.js'

/** What is used of an Express app and of a Fastify instance. */
interface ExpressApp { use (handlers: PiopiyMiddleware): unknown }
interface FastifyApp { register (plugin: typeof piopiyPlugin, options: PiopiyPluginOptions): unknown }

/**
 * Each platform's adapter package, loaded only on that platform: they are optional peer
 * dependencies, so an app installs the one it runs on (and not the other's framework).
 */
const platforms: Record<string, (adapter: AbstractHttpAdapter, options: PiopiyModuleOptions) => Promise<(() => void) | undefined>> = {
  express: async (adapter, options) => {
    const { piopiyMiddleware } = await import('@piopiy-webhooks/express')
    const middleware = piopiyMiddleware(options)
    adapter.getInstance<ExpressApp>().use(middleware)
    return middleware.close
  },
  fastify: async (adapter, options) => {
    const { piopiyPlugin } = await import('@piopiy-webhooks/fastify')
    void adapter.getInstance<FastifyApp>().register(piopiyPlugin, options)
    return undefined // the plugin's onClose hook closes the receiver with the Fastify instance
  }
}

/**
 * Mounts once, as soon as the app's HTTP adapter exists. With `NestFactory.create()` that is when
 * the providers are created, before Nest adds its body parsers, so the core reads the raw body. A
 * testing module (`Test.createTestingModule()`) gets its adapter later, from
 * `createNestApplication()`: the module's `configure()` mounts it then, after Nest's JSON parser,
 * whose failures the Express middleware's error handler still hands to the core.
 */
export class PiopiyMount {
  private mounted = false
  private closeReceiver: (() => void) | undefined

  constructor (private readonly options: PiopiyModuleOptions, private readonly host: HttpAdapterHost) {}

  async mount (): Promise<void> {
    const adapter = this.host.httpAdapter as AbstractHttpAdapter | undefined
    if (this.mounted || adapter === undefined) return
    this.mounted = true
    const platform = adapter.getType()
    const mountOn = platforms[platform]
    if (mountOn === undefined) {
      throw new PiopiyWebhookError('INVALID_OPTIONS', `@piopiy-webhooks/nestjs runs on @nestjs/platform-express or @nestjs/platform-fastify, not on '${platform}'`)
    }
    this.closeReceiver = await mountOn(adapter, { ...this.options, logger: this.options.logger ?? nestLogger() })
  }

  /** Aborts the `ctx.signal` of callbacks still running (the app is closing). */
  close (): void {
    this.closeReceiver?.()
  }
}
