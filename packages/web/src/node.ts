/**
 * Hono on `@hono/node-server`: the Node request behind Hono's `Request`, read directly when it is safe.
 *
 * On `@hono/node-server`, `c.req.raw` is a light `Request` over Node's `IncomingMessage` (which Hono's
 * context exposes as `c.env.incoming`). Touching its `.body` builds a full `Request` and a web stream
 * over the Node stream, which costs several times what the rest of a webhook request does. Handed Hono's
 * context after the request (`handle(c.req.raw, c)`), the handler reads the Node stream itself instead,
 * as the Express and Koa adapters do: the same limits, and what arrived on a body timeout.
 *
 * Recognised by shape only (no import of Hono or `@hono/node-server`), and only when nothing can differ
 * from reading `request.body`: see {@link nodeRequestOf}.
 */
import type { RequestHeaders } from '@piopiy-webhooks/core'

/** The part of Node's `IncomingMessage` (HTTP/1) that is read here. */
export interface NodeRequest extends AsyncIterable<Uint8Array | string> {
  httpVersionMajor: number
  /** The headers as Node parsed them (lower-case names; repeated ones joined as Node joins them). */
  headers: RequestHeaders
  /** Some of the body was read already (by a 'data' listener, `read()` or an iterator). */
  readableDidRead: boolean
  on (event: string, listener: (arg?: unknown) => void): unknown
  off (event: string, listener: (arg?: unknown) => void): unknown
  pause (): unknown
}

/** What a Hono context on `@hono/node-server` has: the request it routes on, and Node's request. */
interface HonoNodeContext { req: { raw: unknown }, env: { incoming: NodeRequest } }

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null

function isNodeRequest (value: unknown): value is NodeRequest {
  return isObject(value) && value.httpVersionMajor === 1 && typeof value.readableDidRead === 'boolean' && isObject(value.headers) &&
    typeof value.on === 'function' && typeof value.off === 'function' && typeof value.pause === 'function'
}

function isHonoNodeContext (value: unknown): value is HonoNodeContext {
  return isObject(value) && isObject(value.req) && isObject(value.env) && isNodeRequest(value.env.incoming)
}

/**
 * The Node request to read `request` from, or `undefined` to read `request` as a web `Request`. Only when
 * the first argument after it is a Hono context on `@hono/node-server` whose own request *is* `request`
 * (not a clone, a rebuilt one from `cloneRawRequest`, or `hono/mount`'s rewritten one, whose bodies may
 * differ from Node's stream), and over HTTP/1 (HTTP/2 keeps the web path: Node's reader is proven over HTTP/1 only).
 */
export function nodeRequestOf (request: Request, args: readonly unknown[]): NodeRequest | undefined {
  const context = args[0]
  return isHonoNodeContext(context) && context.req.raw === request ? context.env.incoming : undefined
}
