/**
 * Fastify plugin: translates a Fastify request (the raw, unparsed body stream, the path relative to
 * the plugin's prefix, the socket address and `request.log`) into `receiver.handle()`, and its
 * `{ status, headers, body }` into the reply, from the routes' `onRequest` hook. Every HTTP decision is the core's.
 */
import {
  CallEventPayloadSchema, CdrPayloadSchema, createReceiver, StreamEventPayloadSchema, UnknownPayloadSchema,
  type ReceiverOptions, type WebhookRequest
} from '@piopiy-webhooks/core'
import type { FastifyPluginAsync, FastifyReply, FastifyRequest, FastifySchema } from 'fastify'
import fp from 'fastify-plugin'

/** The receiver's options (see the root README); Fastify's `prefix` applies to `path`. */
export interface PiopiyPluginOptions extends ReceiverOptions {}

/** The request body as documentation: one of the four payload kinds (the core validates, not Fastify). */
const body = {
  description: 'A PIOPIY (TeleCMI) notification: a CDR, a live call event, an AI stream event, or another notification with a cmiuuid.',
  anyOf: [CdrPayloadSchema, CallEventPayloadSchema, StreamEventPayloadSchema, UnknownPayloadSchema].map(({ $id, ...schema }) => schema)
}
/** The validator Fastify compiles for that schema: none (the routes answer before Fastify's validation stage, and nothing is compiled at start-up). */
const acceptAll = (): (() => true) => () => true

const plugin: FastifyPluginAsync<PiopiyPluginOptions> = async (fastify, opts) => {
  // Fastify hands the plugin its own register options too; the receiver rejects unknown ones
  const { prefix, logLevel, logSerializers, ...options } = opts as PiopiyPluginOptions & Record<'prefix' | 'logLevel' | 'logSerializers', unknown>
  const receiver = createReceiver({ ...options, logger: options.logger ?? fastify.log })
  // the app closing aborts the ctx.signal of callbacks still running
  fastify.addHook('onClose', async () => { receiver.close() })
  /**
   * The routes answer from their own `onRequest` hook, after the app's `onRequest` hooks: the core reads and limits
   * the raw body itself, so Fastify's content-type parsing, validation and handler stages would add work and decide
   * nothing (a malformed content-type, which Fastify would answer 415 itself, gets the core's answer and onInvalid).
   * A callback-style hook that replies without calling `done` ends the chain there (Fastify's "Respond to a request
   * from a hook"): no `preParsing`, `preValidation` or `preHandler` hook and no handler runs for these routes;
   * `onSend` and `onResponse` hooks do. Answered when the core has (handle never rejects).
   */
  const answerFrom = (path: string) => function respond (request: FastifyRequest, reply: FastifyReply): void {
    const q = request.url.indexOf('?')
    const webhookRequest: WebhookRequest = {
      method: request.method,
      path: q < 0 ? path : path + request.url.slice(q),
      headers: request.raw.headers,
      rawBody: request.raw,
      ip: request.socket.remoteAddress,
      log: options.logger ?? request.log // the app's logger when it gave one, else the request's
    }
    void receiver.handle(webhookRequest).then(answer => { void reply.code(answer.status).headers(answer.headers).send(answer.body) })
  }
  const hidden = { hide: true } as FastifySchema
  const others = fastify.supportedMethods.filter(m => m !== 'POST')
  // every path the core mounts: the notification path, and the call-control paths whose callback is given
  for (const path of receiver.paths) {
    // `handler` is never reached (the hook answers); it is the same function so that Fastify has one to hold
    const onRequest = answerFrom(path)
    const schema = path === receiver.path ? { summary: 'PIOPIY webhook', tags: ['piopiy'], body } : { summary: 'PIOPIY call control', tags: ['piopiy'] }
    fastify.post(path, { schema, validatorCompiler: acceptAll, onRequest }, onRequest)
    // every other method reaches the core too (which answers 405, Allow: POST); hidden from @fastify/swagger
    fastify.route({ method: others, url: path, schema: hidden, onRequest, handler: onRequest })
    // `path/` is the same route. Fastify throws FST_ERR_DUPLICATED_ROUTE when it already is
    // (the app's ignoreTrailingSlash, or a `path/` route of the app's own), which is then kept
    try {
      fastify.route({ method: [...others, 'POST'], url: `${path}/`, schema: hidden, validatorCompiler: acceptAll, onRequest, handler: onRequest })
    } catch (err) {
      if ((err as { code?: unknown }).code !== 'FST_ERR_DUPLICATED_ROUTE') throw err
    }
  }
}

/** Registers the PIOPIY webhook route (`POST /webhook/cdr` by default), and the call-control routes whose callback is given, on this Fastify instance. */
export const piopiyPlugin = fp(plugin, { name: '@piopiy-webhooks/fastify', fastify: '5.x', encapsulate: true })
export default piopiyPlugin
