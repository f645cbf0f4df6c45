/**
 * NestJS module: mounts the Express middleware or the Fastify plugin on the Nest app's HTTP
 * platform, with options that Nest providers can build. Every HTTP decision is the core's.
 */
export { PiopiyModule } from './module.js'
export type { PiopiyModuleAsyncOptions, PiopiyModuleOptions } from './options.js'
