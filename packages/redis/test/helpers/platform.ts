/**
 * A stand-in for the PIOPIY platform: delivers every copy of every CDR to a randomly chosen app
 * instance and retries a copy until it is acknowledged with a 200 (the real platform retries at
 * +5, +15 and +30 min; here a few ms, and up to `maxAttempts`).
 */
import { Agent, request } from 'node:http'

/** A small seeded PRNG (mulberry32), so that a failing run can be replayed with its seed. */
export function random (seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6D2B79F5) >>> 0
    let x = Math.imul(a ^ (a >>> 15), 1 | a)
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
}

export interface Delivery {
  /** Which CDR (see cdrBody). */
  n: number
  /** Which copy of it (0 … copies-1). */
  copy: number
}

export interface PlatformOptions {
  cdrs: number
  copies: number
  /** Deliveries in flight at once. */
  concurrency: number
  /** Posts one delivery to the instance chosen with `pick` (a number in [0, 1)); resolves with the HTTP status. */
  send: (delivery: Delivery, pick: number) => Promise<number>
  /** Called with every answer, before a retry. */
  onAnswer?: (status: number, delivery: Delivery) => void
  seed: number
  /**
   * Share of CDRs whose copies are sent together (adjacent in the queue, so to different instances at
   * about the same time) rather than spread over the run: the race between instances.
   * @default 0
   */
  burst?: number
  /** @default 500 */
  maxAttempts?: number
  /** Pause before a retry. @default 5 */
  retryDelayMs?: number
}

export interface PlatformReport {
  deliveries: number
  /** POSTs made, retries included. */
  posts: number
  /** How many answers had each status. */
  statuses: Record<number, number>
  /** Deliveries never acknowledged within maxAttempts (should be none). */
  unacknowledged: Delivery[]
}

export async function runPlatform (options: PlatformOptions): Promise<PlatformReport> {
  const { cdrs, copies, concurrency, send, onAnswer, seed, burst = 0, maxAttempts = 500, retryDelayMs = 5 } = options
  const rand = random(seed)
  const slots: Delivery[][] = []
  for (let n = 0; n < cdrs; n++) {
    const all = Array.from({ length: copies }, (_, copy) => ({ n, copy }))
    if (rand() < burst) slots.push(all)
    else for (const d of all) slots.push([d])
  }
  for (let i = slots.length - 1; i > 0; i--) { // shuffle
    const j = Math.floor(rand() * (i + 1))
    ;[slots[i], slots[j]] = [slots[j] as Delivery[], slots[i] as Delivery[]]
  }
  const queue = slots.flat()
  const report: PlatformReport = { deliveries: queue.length, posts: 0, statuses: {}, unacknowledged: [] }
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < queue.length) {
      const delivery = queue[next++] as Delivery
      for (let attempt = 1; ; attempt++) {
        const status = await send(delivery, rand()).catch(() => 0)
        report.posts++
        report.statuses[status] = (report.statuses[status] ?? 0) + 1
        onAnswer?.(status, delivery)
        if (status === 200) break
        if (attempt === maxAttempts) { report.unacknowledged.push(delivery); break }
        await new Promise(resolve => setTimeout(resolve, retryDelayMs))
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  return report
}

/**
 * The platform's HTTP client: POSTs one body to an app on 127.0.0.1 over keep-alive connections (at most
 * `maxSockets` per app, so the "platform" is not the bottleneck) and resolves with the status once the answer
 * is read. An idle socket is dropped after 1 s, well before the apps' keep-alive timeout (5 s in node:http,
 * Express and Koa): reusing a socket at the moment its server closes it fails with ECONNRESET, a race of the
 * client's, not a receiver's answer. Call `destroy()` at teardown.
 */
export function keepAlivePoster (maxSockets: number): { post: (port: number, body: string) => Promise<number>, destroy: () => void } {
  const agent = new Agent({ keepAlive: true, maxSockets, timeout: 1000 })
  const post = async (port: number, body: string): Promise<number> => await new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/webhook/cdr', method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, res => {
      res.resume()
      res.on('end', () => { resolve(res.statusCode as number) })
    })
    req.on('error', reject)
    req.end(body)
  })
  return { post, destroy: () => { agent.destroy() } }
}
