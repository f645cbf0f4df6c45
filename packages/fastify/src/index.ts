/**
 * Fastify plugin: translates a Fastify request (the raw, unparsed body stream, the path relative to
 * the plugin's prefix, the socket address and `request.log`) into `receiver.handle()`, and its
 * `{ status, headers, body }` into the reply. Every HTTP decision is the core's.
 */
import {
  CallEventPayloadSchema, CdrPayloadSchema, createReceiver, StreamEventPayloadSchema, UnknownPayloadSchema,
  type ReceiverOptions, type WebhookRequest
} from '@piopiy-webhooks/core'
import type { FastifyPluginAsync, FastifySchema, onRequestHookHandler, RouteHandlerMethod } from 'fastify'
import fp from 'fastify-plugin'
import type { IncomingMessage } from 'node:http'

/** The receiver's options (see the root README); Fastify's `prefix` applies to `path`. */
export interface PiopiyPluginOptions extends ReceiverOptions {}

/** The request body as documentation: one of the four payload kinds (the core validates, not Fastify). */
const body = {
  description: 'A PIOPIY (TeleCMI) notification: a CDR, a live call event, an AI stream event, or another notification with a cmiuuid.',
  anyOf: [CdrPayloadSchema, CallEventPayloadSchema, StreamEventPayloadSchema, UnknownPayloadSchema].map(({ $id, ...schema }) => schema)
}
const acceptAll = (): (() => true) => () => true
const kContentType = Symbol('piopiy content-type')
type Stashed = IncomingMessage & { [kContentType]?: string | undefined }

const plugin: FastifyPluginAsync<PiopiyPluginOptions> = async (fastify, opts) => {
  // Fastify hands the plugin its own register options too; the receiver rejects unknown ones
  const { prefix, logLevel, logSerializers, ...options } = opts as PiopiyPluginOptions & Record<'prefix' | 'logLevel' | 'logSerializers', unknown>
  const receiver = createReceiver({ ...options, logger: options.logger ?? fastify.log })
  // the app closing aborts the ctx.signal of callbacks still running
  fastify.addHook('onClose', async () => { receiver.close() })
  // scoped to this plugin (encapsulate: true): the core reads and limits the raw body itself
  fastify.removeAllContentTypeParsers()
  fastify.addContentTypeParser('*', (_request, payload, done) => { done(null, payload) })
  // Fastify answers 415 itself for an empty or malformed content-type before any handler runs:
  // on our routes it picks no parser by content-type (the core judges it), so it is set aside here
  // (set to undefined, not deleted: a delete would turn the headers object into a slow dictionary)
  const onRequest: onRequestHookHandler = (request, _reply, done) => {
    const headers = request.raw.headers
    const contentType = headers['content-type']
    if (contentType !== undefined) {
      ;(request.raw as Stashed)[kContentType] = contentType
      headers['content-type'] = undefined
    }
    done()
  }
  const handlerFor = (path: string): RouteHandlerMethod => (request, reply) => {
    const q = request.url.indexOf('?')
    const headers = request.raw.headers
    const contentType = (request.raw as Stashed)[kContentType]
    if (contentType !== undefined) headers['content-type'] = contentType
    const webhookRequest: WebhookRequest = {
      method: request.method,
      path: q < 0 ? path : path + request.url.slice(q),
      headers,
      rawBody: (request.body ?? request.raw) as AsyncIterable<Uint8Array>,
      ip: request.socket.remoteAddress,
      log: options.logger ?? request.log // the app's logger when it gave one, else the request's
    }
    // a synchronous handler that answers when the core has (handle never rejects): no promise for Fastify to
    // wrap, and no `await reply`, which would wait for the response to finish
    void receiver.handle(webhookRequest).then(answer => { void reply.code(answer.status).headers(answer.headers).send(answer.body) })
  }
  const hidden = { hide: true } as FastifySchema
  const others = fastify.supportedMethods.filter(m => m !== 'POST')
  // every path the core mounts: the notification path, and the call-control paths whose callback is given
  for (const path of receiver.paths) {
    const handler = handlerFor(path)
    const schema = path === receiver.path ? { summary: 'PIOPIY webhook', tags: ['piopiy'], body } : { summary: 'PIOPIY call control', tags: ['piopiy'] }
    fastify.post(path, { schema, validatorCompiler: acceptAll, onRequest }, handler)
    // every other method reaches the core too (which answers 405, Allow: POST); hidden from @fastify/swagger
    fastify.route({ method: others, url: path, schema: hidden, onRequest, handler })
    // `path/` is the same route. Fastify throws FST_ERR_DUPLICATED_ROUTE when it already is
    // (the app's ignoreTrailingSlash, or a `path/` route of the app's own), which is then kept
    try {
      fastify.route({ method: [...others, 'POST'], url: `${path}/`, schema: hidden, validatorCompiler: acceptAll, onRequest, handler })
    } catch (err) {
      if ((err as { code?: unknown }).code !== 'FST_ERR_DUPLICATED_ROUTE') throw err
    }
  }
}

/** Registers the PIOPIY webhook route (`POST /webhook/cdr` by default), and the call-control routes whose callback is given, on this Fastify instance. */
export const piopiyPlugin = fp(plugin, { name: '@piopiy-webhooks/fastify', fastify: '5.x', encapsulate: true })
export default piopiyPlugin
