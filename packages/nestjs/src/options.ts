import type { DynamicModule, FactoryProvider } from '@nestjs/common'
import type { ReceiverOptions } from '@piopiy-webhooks/core'

/**
 * The receiver's options (every one is in docs/configuration.md). `path` is the full URL path of
 * the webhook: Nest's global prefix does not apply to it, as it is not a controller route.
 * `logger` defaults to Nest's `Logger` (context `PiopiyModule`), so messages go where the app's go.
 */
export interface PiopiyModuleOptions extends ReceiverOptions {}

/** `PiopiyModule.forRootAsync()`: the options built by a factory that Nest injects providers into. */
export interface PiopiyModuleAsyncOptions {
  /**
   * Modules that export the providers `inject` names (e.g. `ConfigModule`, or your own `CallsModule`).
   * @default []
   */
  imports?: DynamicModule['imports']
  /**
   * The providers Nest passes to `useFactory`, in order.
   * @default []
   */
  inject?: FactoryProvider['inject']
  /** Builds the options; its callbacks can use the injected providers (sync or async). */
  useFactory: (...args: any[]) => PiopiyModuleOptions | Promise<PiopiyModuleOptions>
}

/** The injection token of the resolved {@link PiopiyModuleOptions} (internal to the module). */
export const PIOPIY_OPTIONS = Symbol('@piopiy-webhooks/nestjs:options')
