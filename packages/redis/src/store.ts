import { createHash } from 'node:crypto'
import { type ClaimResult, type IdempotencyStore, PiopiyWebhookError } from '@piopiy-webhooks/core'
// types only: `redis` is loaded (import()) when the store is given a url, never when it is given a client
import type { createClient } from 'redis'

/**
 * The one method of a node-redis client (v5 or v6) this store uses: a `createClient()` client (or a
 * pool made from one), connected by you.
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

/** Bad options: the core's public error class (from its main entry, so `instanceof` holds in apps), named after this package. */
const fail = (message: string, cause?: unknown): never => {
  throw new PiopiyWebhookError('INVALID_OPTIONS', `RedisIdempotencyStore: ${message}`, { from: '@piopiy-webhooks/redis', cause })
}

type OwnClient = ReturnType<typeof createClient>
/** Ours, when we are given a URL: commands fail at once while Redis is unreachable (→ 503) instead of queueing. */
const createOwnClient = async (url: string): Promise<OwnClient> => {
  const redis = await import('redis')
  return redis.createClient({ url, disableOfflineQueue: true })
}
/** The URL check node-redis makes, made at construction (node-redis itself is loaded on first use). */
const checkUrl = (url: string): void => {
  try {
    if (!['redis:', 'rediss:'].includes(new URL(url).protocol)) throw new TypeError('Invalid protocol')
  } catch (err) {
    fail(`url is not a Redis URL: ${(err as Error).message}`, err)
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

/** Deletes the key only while it still holds this owner's claim. */
const RELEASE = script(`if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`)

/** Marks the key done for ARGV[1] ms, unless it is done already (a done marker is never overwritten). */
const COMPLETE = script(`if redis.call('GET', KEYS[1]) == '${DONE}' then return 0 end
redis.call('SET', KEYS[1], '${DONE}', 'PX', ARGV[1])
return 1`)

/** Extends the lease only while the key still holds this owner's claim. */
const RENEW = script(`if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`)

const isNonNegative = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value >= 0

/** Errors raised before a command was sent. */
const unsent = new WeakSet<object>()
const notSent = (err: unknown): unknown => {
  if (typeof err === 'object' && err !== null) unsent.add(err)
  return err
}
/**
 * Whether `err` is an instance of a node-redis error class of one of these names. By name, not
 * `instanceof`: the store imports nothing from `redis` when it is given a client, and the client may
 * come from any copy of node-redis (v5 or v6).
 */
const isRedisError = (err: unknown, ...names: string[]): boolean => {
  // Object(): a thrown primitive (or null) has a prototype chain too, which names none of these
  for (let proto = Object.getPrototypeOf(Object(err)) as object | null; proto !== null; proto = Object.getPrototypeOf(proto) as object | null) {
    if (names.includes((Object(proto.constructor) as { name: string }).name)) return true
  }
  return false
}
/** A reply of Redis itself (`ERR …`, `WRONGTYPE …`): the command reached Redis, which refused it. */
const isReply = (err: unknown): boolean => isRedisError(err, 'ErrorReply')
/** Errors after which the command surely did not run: nothing to replay. */
const notRun = (err: unknown): boolean => unsent.has(err as object) || isRedisError(err, 'ErrorReply', 'ClientOfflineError', 'ClientClosedError')

/**
 * An {@link IdempotencyStore} in Redis, shared by every instance of your app.
 *
 * A claim is `SET key <owner> PX <lease>`, run atomically in a Lua script that also tells `'done'`
 * from `'in-flight'`; the owner token is unique per claim, so `release` and `renew` (compare-and-delete,
 * compare-and-expire) never touch a claim that another process took after this one's lease expired.
 * `complete` stores `done` for `ttlMs` unless the key is done already, whoever holds it: the
 * notification was processed, so no later copy should run.
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
  /** The URL of our own client, when we were given one. */
  readonly #url: string | undefined
  /** The client commands go to: the user's, or ours once created. */
  #client: RedisClientLike | undefined
  /** Ours, when we were given a URL: created and connected on first use, closed by `close()`. */
  #own: OwnClient | undefined
  #connecting: Promise<void> | undefined
  #closed = false
  /** Operations to replay when Redis is back, oldest first: `[key, 'done']` (a complete) or `[key, owner]` (a release). */
  readonly #unsettled: Array<[key: string, value: string]> = []
  #flushing: Promise<void> | undefined

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
      checkUrl(url as string)
      this.#url = url
    }
  }

  /** Number of keys whose complete or release waits to be replayed in Redis. */
  get unsettled (): number { return this.#unsettled.length }

  async claim (key: string, ttlMs: number, owner: string): Promise<ClaimResult> {
    if (!isNonNegative(ttlMs) || ttlMs < 1) throw new RangeError('[@piopiy-webhooks/redis] claim: ttlMs must be a positive number (ms)')
    if (typeof owner !== 'string' || owner === '' || owner === DONE) throw new RangeError(`[@piopiy-webhooks/redis] claim: owner must be a non-empty string other than '${DONE}'`)
    if (this.#unsettled.length > 0) await this.#flush()
    try {
      return String(await this.#eval(CLAIM, key, owner, String(Math.ceil(ttlMs)))) as ClaimResult
    } catch (err) {
      if (!notRun(err)) this.#unsettled.push([key, owner])
      throw err
    }
  }

  async complete (key: string, _owner: string): Promise<void> {
    try {
      await this.#eval(COMPLETE, key, String(this.ttlMs))
    } catch (err) {
      this.#unsettled.push([key, DONE])
      throw err
    }
  }

  async release (key: string, owner: string): Promise<void> {
    try {
      await this.#eval(RELEASE, key, owner)
    } catch (err) {
      this.#unsettled.push([key, owner])
      throw err
    }
  }

  async renew (key: string, owner: string, ttlMs: number): Promise<boolean> {
    return await this.#eval(RENEW, key, owner, String(Math.ceil(ttlMs))) === 1
  }

  /** Quits the client the store created from `url`; a client you passed stays open. Idempotent. */
  async close (): Promise<void> {
    if (this.#closed) return
    this.#closed = true
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
        await (value === DONE ? this.#eval(COMPLETE, key, String(this.ttlMs)) : this.#eval(RELEASE, key, value))
      } catch (err) {
        if (!isReply(err)) return // Redis is still away: try again later
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
    // ours is created and connected once; after that node-redis reconnects it by itself
    if (this.#url !== undefined && this.#own === undefined) this.#connecting ??= this.#connect(this.#url)
    if (this.#connecting !== undefined) await this.#connecting.catch((err: unknown) => { throw notSent(err) })
    return await (this.#client as RedisClientLike).sendCommand(args, this.#options)
  }

  /** First connection: loads node-redis, creates our client, then settles on ready or on the first error. */
  async #connect (url: string): Promise<void> {
    let onError: ((err: Error) => void) | undefined
    let own: OwnClient | undefined
    try {
      own = await this.#create(url)
      const client = own
      await new Promise<void>((resolve, reject) => {
        onError = reject
        client.once('error', onError)
        client.connect().then(() => { resolve() }, reject)
      })
    } finally {
      own?.off('error', onError as (err: Error) => void)
      this.#connecting = undefined
    }
  }

  async #create (url: string): Promise<OwnClient> {
    const own = await createOwnClient(url)
    if (this.#closed) throw new Error('[@piopiy-webhooks/redis] RedisIdempotencyStore is closed')
    // node-redis reconnects by itself; without a listener its 'error' events would crash the process
    own.on('error', () => {})
    own.on('ready', () => { void this.#flush() })
    this.#own = own
    this.#client = own as unknown as RedisClientLike
    return own
  }
}
