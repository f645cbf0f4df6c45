import { createHash, randomBytes } from 'node:crypto'
import type { ClaimResult, IdempotencyStore } from '@piopiy-webhooks/core'
import { invalidOptions } from '@piopiy-webhooks/core/internal'
import { ClientClosedError, ClientOfflineError, createClient, ErrorReply } from 'redis'

/**
 * The one method of a node-redis v6 client this store uses: a `createClient()` client (or a pool
 * made from one), connected by you.
 */
export interface RedisClientLike {
  sendCommand (args: string[], options?: { timeout?: number }): Promise<unknown>
}

interface CommonOptions {
  /**
   * Prepended to every key, so several apps (or environments) can share one Redis.
   * @default 'piopiy:'
   */
  prefix?: string
  /**
   * How long a completed key is remembered, in ms. PIOPIY resends a CDR up to 30 min after the
   * first delivery, so keep this above 30 min.
   * @default 3600000 (1 hour)
   */
  ttlMs?: number
  /**
   * A Redis command not answered within this many ms rejects (the delivery then answers 503);
   * `0` waits as long as the client does.
   * @default 2000
   */
  commandTimeoutMs?: number
}

/** Options of {@link RedisIdempotencyStore}: a Redis URL, or your own connected client. */
export type RedisIdempotencyStoreOptions = CommonOptions & (
  | {
    /** `redis://[[user]:password@]host[:port][/db]` or `rediss://…`; the store connects on first use and quits on `close()`. */
    url: string
    client?: never
  }
  | {
    /** Your own connected node-redis client; the store never closes it. */
    client: RedisClientLike
    url?: never
  })

interface Script { source: string, sha: string }
const script = (source: string): Script => ({ source, sha: createHash('sha1').update(source).digest('hex') })

const fail = (message: string, cause?: unknown): never =>
  invalidOptions(`RedisIdempotencyStore: ${message}`, { from: '@piopiy-webhooks/redis', cause })

/** Ours, when we are given a URL: commands fail at once while Redis is unreachable (→ 503) instead of queueing. */
const createOwnClient = (url: string) => createClient({ url, disableOfflineQueue: true })
type OwnClient = ReturnType<typeof createOwnClient>
const ownClient = (url: string): OwnClient => {
  try {
    return createOwnClient(url)
  } catch (err) {
    return fail(`url is not a Redis URL: ${(err as Error).message}`, err)
  }
}

const DONE = 'done'

/** Takes the key when it is free; otherwise tells whether it is done or held by a claim. */
const CLAIM = script(`local v = redis.call('GET', KEYS[1])
if not v then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 'claimed'
end
if v == '${DONE}' then return 'done' end
return 'in-flight'`)

/** Deletes the key only while it still holds this claim's token. */
const RELEASE = script(`if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`)

const isNonNegative = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value >= 0

/** Errors raised before a command was sent. */
const unsent = new WeakSet<object>()
const notSent = (err: unknown): unknown => {
  if (typeof err === 'object' && err !== null) unsent.add(err)
  return err
}
/** Errors after which the command surely did not run: nothing to replay. */
const notRun = (err: unknown): boolean => unsent.has(err as object) ||
  err instanceof ErrorReply || err instanceof ClientOfflineError || err instanceof ClientClosedError

/**
 * An {@link IdempotencyStore} in Redis, shared by every instance of your app.
 *
 * A claim is `SET key <token> PX <lease>`, run atomically in a Lua script that also tells `'done'`
 * from `'in-flight'`; the token is unique per claim, so `release` (compare-and-delete) never deletes
 * a claim that another process took after this one's lease expired. `complete` stores `done` for
 * `ttlMs` whoever holds the key: the notification was processed, so no later copy should run.
 *
 * When Redis fails, every method rejects (the receiver answers 503 and calls `onError`). A
 * `complete` or `release` whose outcome is unknown (and a claim that may have been applied although
 * its reply was lost) is replayed once Redis answers again, so a callback that ran during an outage
 * is not run a second time by a later copy, and an orphan claim does not hold its key until the
 * lease expires. Both replays are idempotent.
 */
export class RedisIdempotencyStore implements IdempotencyStore {
  readonly prefix: string
  readonly ttlMs: number
  readonly #options: { timeout?: number }
  /** The client commands go to: the user's, or ours. */
  readonly #client: RedisClientLike
  /** Ours, when we were given a URL: connected on first use, closed by `close()`. */
  readonly #own: OwnClient | undefined
  #connecting: Promise<void> | undefined
  #closed = false
  /** Tokens of the claims this instance holds, by key. */
  readonly #tokens = new Map<string, string>()
  /** Operations to replay when Redis is back, oldest first: `[key, 'done']` (a complete) or `[key, token]` (a release). */
  readonly #unsettled: Array<[key: string, value: string]> = []
  #flushing: Promise<void> | undefined
  readonly #id = randomBytes(9).toString('base64url')
  #seq = 0

  constructor (options: RedisIdempotencyStoreOptions) {
    if (typeof options !== 'object' || options === null) fail('options must be an object: { url } or { client }')
    const { url, client, prefix = 'piopiy:', ttlMs = 3_600_000, commandTimeoutMs = 2000 } = options
    if ((url === undefined) === (client === undefined)) fail('pass exactly one of url and client')
    if (typeof prefix !== 'string') fail('prefix must be a string')
    if (!isNonNegative(ttlMs) || ttlMs < 1) fail('ttlMs must be a positive number (ms)')
    if (!isNonNegative(commandTimeoutMs)) fail('commandTimeoutMs must be a number of ms, or 0')
    this.prefix = prefix
    this.ttlMs = Math.ceil(ttlMs)
    this.#options = commandTimeoutMs > 0 ? { timeout: commandTimeoutMs } : {}
    if (client !== undefined) {
      if (typeof client.sendCommand !== 'function') fail('client must be a node-redis client (no sendCommand method)')
      this.#client = client
    } else {
      if (typeof url !== 'string') fail('url must be a string')
      const own = ownClient(url)
      // node-redis reconnects by itself; without a listener its 'error' events would crash the process
      own.on('error', () => {})
      own.on('ready', () => { void this.#flush() })
      this.#own = own
      this.#client = own as unknown as RedisClientLike
    }
  }

  /** Number of keys whose complete or release waits to be replayed in Redis. */
  get unsettled (): number { return this.#unsettled.length }

  async claim (key: string, ttlMs: number): Promise<ClaimResult> {
    if (!isNonNegative(ttlMs) || ttlMs < 1) throw new RangeError('[@piopiy-webhooks/redis] claim: ttlMs must be a positive number (ms)')
    if (this.#unsettled.length > 0) await this.#flush()
    const token = `${this.#id}:${++this.#seq}`
    let result: ClaimResult
    try {
      result = String(await this.#eval(CLAIM, key, token, String(Math.ceil(ttlMs)))) as ClaimResult
    } catch (err) {
      if (!notRun(err)) this.#unsettled.push([key, token])
      throw err
    }
    if (result === 'claimed') this.#tokens.set(key, token)
    return result
  }

  async complete (key: string): Promise<void> {
    this.#tokens.delete(key)
    try {
      await this.#send(['SET', this.prefix + key, DONE, 'PX', String(this.ttlMs)])
    } catch (err) {
      this.#unsettled.push([key, DONE])
      throw err
    }
  }

  async release (key: string): Promise<void> {
    const token = this.#tokens.get(key)
    if (token === undefined) return
    this.#tokens.delete(key)
    try {
      await this.#eval(RELEASE, key, token)
    } catch (err) {
      this.#unsettled.push([key, token])
      throw err
    }
  }

  /** Quits the client the store created from `url`; a client you passed stays open. Idempotent. */
  async close (): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    this.#tokens.clear()
    const own = this.#own
    if (own === undefined || !own.isOpen) return
    if (own.isReady) await own.close()
    else own.destroy() // reconnecting: nothing in flight to wait for
  }

  /** Replays the unsettled operations, one flush at a time (callers share it). */
  async #flush (): Promise<void> {
    this.#flushing ??= this.#replay().finally(() => { this.#flushing = undefined })
    await this.#flushing
  }

  /** Oldest first; stops at the first operation Redis does not answer, keeping it and the rest. */
  async #replay (): Promise<void> {
    const queue = this.#unsettled
    while (queue.length > 0) {
      const [key, value] = queue[0] as [string, string]
      try {
        await (value === DONE
          ? this.#send(['SET', this.prefix + key, DONE, 'PX', String(this.ttlMs)])
          : this.#eval(RELEASE, key, value))
      } catch (err) {
        if (!(err instanceof ErrorReply)) return // Redis is still away: try again later
      }
      queue.shift() // done, or refused by Redis for good (e.g. the key changed type)
    }
  }

  async #eval (s: Script, key: string, ...args: string[]): Promise<unknown> {
    try {
      return await this.#send(['EVALSHA', s.sha, '1', this.prefix + key, ...args])
    } catch (err) {
      if (!String(err).includes('NOSCRIPT')) throw err
      // first use on this server (or it restarted): EVAL loads the script
      return await this.#send(['EVAL', s.source, '1', this.prefix + key, ...args])
    }
  }

  async #send (args: string[]): Promise<unknown> {
    if (this.#closed) throw notSent(new Error('[@piopiy-webhooks/redis] RedisIdempotencyStore is closed'))
    if (this.#own !== undefined && !this.#own.isOpen) this.#connecting ??= this.#connect(this.#own)
    if (this.#connecting !== undefined) await this.#connecting.catch((err: unknown) => { throw notSent(err) })
    return await this.#client.sendCommand(args, this.#options)
  }

  /** First connection: settles on ready or on the first error; afterwards node-redis reconnects by itself. */
  async #connect (own: OwnClient): Promise<void> {
    let onError: ((err: Error) => void) | undefined
    try {
      await new Promise<void>((resolve, reject) => {
        onError = reject
        own.once('error', onError)
        own.connect().then(() => { resolve() }, reject)
      })
    } finally {
      own.off('error', onError as (err: Error) => void)
      this.#connecting = undefined
    }
  }
}
