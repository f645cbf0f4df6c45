import type { CallControlContext, CallControlOptions } from './call-control.js'
import type { IdempotencyStore } from './idempotency.js'
import type { Logger } from './logger.js'
import type {
  CallEventRecord, InboundAnsweredCdr, InboundMissedCdr, Notification, NotificationKind,
  OutboundAnsweredCdr, OutboundMissedCdr, StreamEventRecord
} from './records.js'

/** Request headers as Node gives them (lower-case names). */
export type RequestHeaders = Record<string, string | string[] | undefined>

/** What a callback receives beside the record. */
export interface CallbackContext {
  /** The dedupe key of this notification; use it to make your own writes idempotent. */
  key: string
  kind: NotificationKind
  /** When the request arrived; made when first read (not an own key of `ctx`, as `signal`), the same `Date` at every read. */
  receivedAt: Date
  headers: RequestHeaders
  /** The client address (after `trustProxy`, when set). */
  ip: string | undefined
  log: Logger
  /**
   * Aborted when `handlerTimeoutMs` passes (reason: a `TimeoutError` DOMException) or the receiver
   * closes (an `AbortError`): pass it to `fetch` or your driver so that work stops when nobody waits for it.
   */
  signal: AbortSignal
}

/** What `onInvalid` receives for every rejected request: nothing is dropped silently. */
export interface InvalidInfo {
  /** The body as received (truncated to `bodyLimit` bytes for a 413; empty when its declared length was over it). */
  rawBody: string
  /** Human-readable reasons, e.g. `"duration: must be a number"`. */
  reasons: string[]
  /** The HTTP status answered. */
  status: number
  headers: RequestHeaders
  ip: string | undefined
}

type Callback<T> = (record: T, ctx: CallbackContext) => unknown

/** Shared-secret token carried in the webhook URL (`?token=`) or a header. */
export interface TokenAuth {
  /** The secret. Compared in constant time. */
  token: string
  /**
   * Header that may carry the token.
   * @default 'x-webhook-token'
   */
  header?: string
  /**
   * Query parameter that may carry the token.
   * @default 'token'
   */
  query?: string
}

/** Authentication of an unsigned sender; every configured check must pass. */
export interface AuthOptions {
  /** A secret token in the webhook URL or a header (a string is shorthand for `{ token }`). */
  token?: string | TokenAuth
  /** HTTP Basic credentials (put them in the webhook URL: `https://user:pass@host/webhook/cdr`). */
  basic?: { username: string, password: string }
  /** Client addresses allowed, as IPs or CIDR ranges (IPv4 and IPv6). */
  allowIps?: string[]
  /**
   * Whether to take the client address from `X-Forwarded-For`: `false` uses the socket address;
   * `true` trusts every proxy (left-most address); a number `n` trusts the `n` nearest proxies.
   * @default false
   */
  trustProxy?: boolean | number
  /** App ids allowed; notifications of other apps are rejected with 403. */
  appIds?: Array<number | string>
}

/** Options shared by `createReceiver` and every adapter (call control: see CallControlOptions and docs/call-control.md). */
export interface ReceiverOptions extends CallControlOptions {
  /**
   * Route that receives the webhooks (the path of the platform's own example).
   * @default '/webhook/cdr'
   */
  path?: string
  /** An inbound call was answered: the CDR of one leg. Fires once per CDR leg. */
  onInboundAnswered?: Callback<InboundAnsweredCdr>
  /** An inbound call was missed. */
  onInboundMissed?: Callback<InboundMissedCdr>
  /** An outbound call was answered. */
  onOutboundAnswered?: Callback<OutboundAnsweredCdr>
  /** An outbound call was missed. */
  onOutboundMissed?: Callback<OutboundMissedCdr>
  /** A live call event (`in_answered`, `out_started`, `hangup`, `ringing`, …). */
  onCallEvent?: Callback<CallEventRecord>
  /** An AI stream event (`stream_connected` / `stream_disconnected`). */
  onStreamEvent?: Callback<StreamEventRecord>
  /** Every valid notification, unknown kinds included; runs after the specific callback. */
  onNotification?: Callback<Notification>
  /**
   * A request was rejected (4xx). Called before the answer is written, never waited for (a slow
   * `onInvalid` cannot delay the answer); a throw or a rejected promise is logged.
   * @default logs at warn with the raw body
   */
  onInvalid?: (info: InvalidInfo) => unknown
  /**
   * A callback threw or timed out, or the idempotency store failed; or `onAnswer`/`onDtmf` failed
   * and the fallback flow was answered (`ctx.kind` is then `'answer'` or `'dtmf'`). Called before the
   * answer is written, never waited for; a throw or a rejected promise is logged.
   * @default logs at error
   */
  // a method signature (bivariant): an existing `(err, ctx: CallbackContext | undefined) => …` still fits
  onError? (err: Error, ctx: CallbackContext | CallControlContext | undefined): unknown
  /**
   * Dedupe of re-deliveries: `false` turns it off; or any `IdempotencyStore`.
   * @default a new MemoryIdempotencyStore()
   */
  idempotency?: false | IdempotencyStore
  /**
   * Largest body accepted, in bytes; larger answers 413.
   * @default 65536
   */
  bodyLimit?: number
  /**
   * Time allowed to receive the whole body, in ms; a body still arriving after it answers 408 and the
   * connection is closed (a client trickling bytes cannot hold a request open).
   * @default 10000
   */
  bodyTimeoutMs?: number
  /**
   * A callback still running after this many ms answers 503 (the platform retries later), and its
   * `ctx.signal` is aborted; its dedupe claim is kept until it settles. Each idempotency-store call
   * (claim, complete, release) is bounded by it too: a store that does not answer in time is a 503
   * and `onError` `STORE_FAILED`.
   * @default 10000
   */
  handlerTimeoutMs?: number
  /**
   * How long a dedupe claim holds, in ms, unless renewed: the receiver renews it every third of this
   * while the callbacks run, so only a crashed process lets it lapse (a later copy may then run them).
   * @default max(6 × handlerTimeoutMs, 60000)
   */
  leaseMs?: number
  /** Authentication; without it the receiver warns once at start-up. */
  auth?: AuthOptions
  /**
   * Logger, pino-compatible. Adapters pass the framework's request logger when it has one.
   * @default quiet console logger (warn and error only)
   */
  logger?: Logger
}

/** One HTTP request, as an adapter hands it to the core. */
export interface WebhookRequest {
  method: string
  /** The request path, relative to where the adapter is mounted; may include `?query`. */
  path: string
  headers: RequestHeaders
  /** The raw bytes: a buffer, a string, or a stream not yet read (read here, with `bodyLimit`). */
  rawBody?: Uint8Array | string | AsyncIterable<Uint8Array | string>
  /**
   * A body a framework parser already produced: an object or array (a JSON parser), a string (a text
   * parser) or a Buffer (a raw parser); validated exactly like raw bytes.
   */
  parsedBody?: unknown
  /**
   * Set when a framework body parser refused the body for its own size limit (Express's
   * `entity.too.large`): the core answers 413 and tells `onInvalid`, without a body to show.
   */
  tooLarge?: boolean
  /** The socket's remote address. */
  ip?: string | undefined
  /** A per-request logger (Fastify's `request.log`). */
  log?: Logger
}

/** The answer the adapter writes back. */
export interface WebhookResponse {
  status: number
  headers: Record<string, string>
  body: string
}

/** The options that are callbacks: `onInboundAnswered` … `onError` (derived from {@link ReceiverOptions}). */
export type CallbackName = {
  [K in keyof ReceiverOptions]-?: NonNullable<ReceiverOptions[K]> extends (...args: never[]) => unknown ? K : never
}[keyof ReceiverOptions]

/** The callback a notification of a known kind reaches before `onNotification` (one per kind and CDR type). */
export type KindCallbackName = Exclude<CallbackName, 'onNotification' | 'onInvalid' | 'onError' | 'onAnswer' | 'onDtmf'>

export interface Receiver {
  /** The path this receiver answers notifications on. */
  readonly path: string
  /** Every path mounted: `path`, then `answerPath` and `actionPath` when their callback is given. */
  readonly paths: readonly string[]
  /** Whether `path` (with or without a query string or a trailing slash) is one of this receiver's routes. */
  matches (path: string): boolean
  /** Runs the whole flow and resolves with the answer to write; never rejects. */
  handle (request: WebhookRequest): Promise<WebhookResponse>
  /**
   * Aborts the `ctx.signal` of every callback still running, and of those of any request handled after
   * (they start aborted). Call it when the server closes: the Fastify plugin does it in `onClose`;
   * the Express and Koa middlewares and the web handler carry it as `.close()`.
   */
  close (): void
}
