import { Inject, Module, type DynamicModule, type NestModule, type OnModuleDestroy } from '@nestjs/common'
import { HttpAdapterHost } from '@nestjs/core'
import { PiopiyMount } from './mount.js'
import { PIOPIY_OPTIONS, type PiopiyModuleAsyncOptions, type PiopiyModuleOptions } from './options.js'

const MOUNT = Symbol('@piopiy-webhooks/nestjs:mount')

/** The mount provider: mounts right away when the app's HTTP adapter already exists. */
async function mountNow (options: PiopiyModuleOptions, host: HttpAdapterHost): Promise<PiopiyMount> {
  const mount = new PiopiyMount(options, host)
  await mount.mount()
  return mount
}

/**
 * Answers PIOPIY webhooks in a Nest app, on Express or Fastify: `POST /webhook/cdr` by default
 * (`path` changes it). Nest's own routes, body parsers, guards and filters are left as they are.
 *
 * ```ts
 * @Module({ imports: [PiopiyModule.forRoot({ onInboundAnswered: cdr => { … } })] })
 * export class AppModule {}
 * ```
 */
export class PiopiyModule implements NestModule, OnModuleDestroy {
  constructor (private readonly mount: PiopiyMount) {}

  /** The webhook with fixed options. */
  static forRoot (options: PiopiyModuleOptions = {}): DynamicModule {
    return PiopiyModule.forRootAsync({ useFactory: () => options })
  }

  /** The webhook with options from a factory, whose callbacks can use the providers it injects. */
  static forRootAsync ({ imports = [], inject = [], useFactory }: PiopiyModuleAsyncOptions): DynamicModule {
    return {
      module: PiopiyModule,
      imports,
      providers: [
        { provide: PIOPIY_OPTIONS, inject, useFactory },
        { provide: MOUNT, inject: [PIOPIY_OPTIONS, HttpAdapterHost], useFactory: mountNow }
      ]
    }
  }

  /** Called by Nest once the app's HTTP adapter exists (see {@link PiopiyMount}). */
  async configure (): Promise<void> {
    await this.mount.mount()
  }

  /** Called by Nest when the app closes: aborts the `ctx.signal` of callbacks still running. */
  onModuleDestroy (): void {
    this.mount.close()
  }
}

// the decorators, applied as the functions they are (no experimentalDecorators needed)
Module({})(PiopiyModule)
Inject(MOUNT)(PiopiyModule, undefined, 0)
