// Real Nest apps on 127.0.0.1 for the tests: an app module with a controller of its own (GET /health,
// POST /echo) beside whatever it imports, on @nestjs/platform-express or @nestjs/platform-fastify.
import 'reflect-metadata'
import { Body, Controller, Get, HttpCode, Module, Post, type INestApplication, type LoggerService, type ModuleMetadata } from '@nestjs/common'
import { NestFactory, type AbstractHttpAdapter } from '@nestjs/core'
import { ExpressAdapter } from '@nestjs/platform-express'
import { FastifyAdapter } from '@nestjs/platform-fastify'
import { Test } from '@nestjs/testing'
import type { AddressInfo } from 'node:net'

export const platforms = ['express', 'fastify'] as const
export type Platform = typeof platforms[number]

/** The app's own routes. The decorators are applied as the functions they are: no compiler flags. */
export class AppController {
  health (): string { return 'ok' }
  echo (body: unknown): { type: string, body: unknown } { return { type: typeof body, body } }
}
const method = (name: keyof AppController, ...decorators: MethodDecorator[]): void => {
  const descriptor = Object.getOwnPropertyDescriptor(AppController.prototype, name) as PropertyDescriptor
  for (const decorate of decorators) decorate(AppController.prototype, name, descriptor)
}
method('health', Get('health'))
method('echo', Post('echo'), HttpCode(200))
Body()(AppController.prototype, 'echo', 0)
Controller()(AppController)

export interface StartOptions {
  /** Build the app as e2e tests do (`Test.createTestingModule().compile()`, then `createNestApplication()`). */
  testing?: boolean
  /** An adapter of the test's own instead of a new one for `platform`. */
  adapter?: AbstractHttpAdapter
  logger?: LoggerService | false
  /** Runs on the app before it listens. */
  before?: (app: INestApplication) => void
}

export interface Started { app: INestApplication, origin: string, close: () => Promise<void> }

/** Starts a Nest app whose root module imports `imports` and has {@link AppController}. */
export async function startApp (platform: Platform, imports: NonNullable<ModuleMetadata['imports']>, { testing = false, adapter, logger = false, before }: StartOptions = {}): Promise<Started> {
  class AppModule {}
  Module({ imports, controllers: [AppController] })(AppModule)
  const httpAdapter = adapter ?? (platform === 'express' ? new ExpressAdapter() : new FastifyAdapter())
  const options = { logger, forceCloseConnections: true, abortOnError: false }
  const app = testing
    ? (await Test.createTestingModule({ imports: [AppModule] }).compile()).createNestApplication(httpAdapter, options)
    : await NestFactory.create(AppModule, httpAdapter, options)
  before?.(app)
  await app.listen(0, '127.0.0.1')
  const { port } = (app.getHttpServer() as { address: () => AddressInfo }).address()
  return { app, origin: `http://127.0.0.1:${port}`, close: () => app.close() }
}

export const seed = JSON.stringify({
  cmiuuid: 'b1f8c0de-0001', appid: 2222222, direction: 'inbound', status: 'answered', leg: 'a',
  from: 919900000001, to: 914400000001, time: 1700000000000, duration: 13, billedsec: 60, rate: 0.5
})
export const silent = { debug () {}, info () {}, warn () {}, error () {} }

/** One POST to 127.0.0.1. */
export async function post (url: string, body: string, contentType = 'application/json'): Promise<{ status: number, text: string }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': contentType }, body: Buffer.from(body) })
  return { status: res.status, text: await res.text() }
}
