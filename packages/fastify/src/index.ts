/**
 * Fastify plugin: translates a Fastify request (the raw, unparsed body stream, the path relative to
 * the plugin's prefix, the socket address and `request.log`) into `receiver.handle()`, and its
 * `{ status, headers, body }` into the reply. Every HTTP decision is the core's.
 */
import {
  CallEventPayloadSchema, CdrPayloadSchema, createReceiver, StreamEventPayloadSchema, UnknownPayloadSchema,
  type ReceiverOptions, type WebhookRequest
} from '@piopiy-webhooks/core'
import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest, FastifySchema } from 'fastify'
import fp from 'fastify-plugin'

/** The receiver's options (see the root README); Fastify's `prefix` applies to `path`. */
export interface PiopiyPluginOptions extends ReceiverOptions {}

/** The request body as documentation: one of the four payload kinds (the core validates, not Fastify). */
const body = {
  description: 'A PIOPIY (TeleCMI) notification: a CDR, a live call event, an AI stream event, or another notification with a cmiuuid.',
  anyOf: [CdrPayloadSchema, CallEventPayloadSchema, StreamEventPayloadSchema, UnknownPayloadSchema].map(({ $id, ...schema }) => schema)
}
const acceptAll = (): (() => true) => () => true

const plugin: FastifyPluginAsync<PiopiyPluginOptions> = async (fastify, opts) => {
  // Fastify hands the plugin its own register options too; the receiver rejects unknown ones
  const { prefix, logLevel, logSerializers, ...options } = opts as PiopiyPluginOptions & Record<'prefix' | 'logLevel' | 'logSerializers', unknown>
  const receiver = createReceiver({ ...options, logger: options.logger ?? fastify.log })
  // the app closing aborts the ctx.signal of callbacks still running
  fastify.addHook('onClose', async () => { receiver.close() })
  // scoped to this plugin (encapsulate: true): the core reads and limits the raw body itself
  fastify.removeAllContentTypeParsers()
  fastify.addContentTypeParser('*', (_request, payload, done) => { done(null, payload) })
  /** One request handed to the core: `body` is the raw stream (our parser's), or the request's own when Fastify read nothing. */
  const handleWith = (path: string, request: FastifyRequest, reply: FastifyReply, body: unknown): void => {
    const q = request.url.indexOf('?')
    const webhookRequest: WebhookRequest = {
      method: request.method,
      path: q < 0 ? path : path + request.url.slice(q),
      headers: request.raw.headers,
      rawBody: (body ?? request.raw) as AsyncIterable<Uint8Array>,
      ip: request.socket.remoteAddress,
      log: options.logger ?? request.log // the app's logger when it gave one, else the request's
    }
    // answered when the core has (handle never rejects): no promise for Fastify to wrap, and no `await reply`,
    // which would wait for the response to finish
    void receiver.handle(webhookRequest).then(answer => { void reply.code(answer.status).headers(answer.headers).send(answer.body) })
  }
  const handlerFor = (path: string) => (request: FastifyRequest, reply: FastifyReply): void => { handleWith(path, request, reply, request.body) }
  // Fastify answers 415 itself for a malformed content-type (e.g. '' or 'json'), before any parser or handler:
  // such a request reaches the core from here, unread, and gets the core's answer (and onInvalid). Any other
  // error goes on to the app's error handler. Nothing runs for it on the way of a well-formed request.
  const errorHandlerFor = (path: string) => (err: FastifyError, request: FastifyRequest, reply: FastifyReply): void => {
    if (err.code !== 'FST_ERR_CTP_INVALID_MEDIA_TYPE') throw err
    handleWith(path, request, reply, undefined)
  }
  const hidden = { hide: true } as FastifySchema
  const others = fastify.supportedMethods.filter(m => m !== 'POST')
  // every path the core mounts: the notification path, and the call-control paths whose callback is given
  for (const path of receiver.paths) {
    const handler = handlerFor(path)
    const errorHandler = errorHandlerFor(path)
    const schema = path === receiver.path ? { summary: 'PIOPIY webhook', tags: ['piopiy'], body } : { summary: 'PIOPIY call control', tags: ['piopiy'] }
    fastify.post(path, { schema, validatorCompiler: acceptAll, errorHandler }, handler)
    // every other method reaches the core too (which answers 405, Allow: POST); hidden from @fastify/swagger
    fastify.route({ method: others, url: path, schema: hidden, errorHandler, handler })
    // `path/` is the same route. Fastify throws FST_ERR_DUPLICATED_ROUTE when it already is
    // (the app's ignoreTrailingSlash, or a `path/` route of the app's own), which is then kept
    try {
      fastify.route({ method: [...others, 'POST'], url: `${path}/`, schema: hidden, validatorCompiler: acceptAll, errorHandler, handler })
    } catch (err) {
      if ((err as { code?: unknown }).code !== 'FST_ERR_DUPLICATED_ROUTE') throw err
    }
  }
}

/** Registers the PIOPIY webhook route (`POST /webhook/cdr` by default), and the call-control routes whose callback is given, on this Fastify instance. */
export const piopiyPlugin = fp(plugin, { name: '@piopiy-webhooks/fastify', fastify: '5.x', encapsulate: true })
export default piopiyPlugin
