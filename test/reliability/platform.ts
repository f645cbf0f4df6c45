/**
 * A model of the PIOPIY platform's delivery behaviour, for load tests over a real HTTP server:
 * distinct CDR legs, duplicate copies (some concurrent with the first, some later), and retries of
 * every delivery that was not answered 2xx — at most 4 attempts per leg, as the platform does
 * (0, +5, +15, +30 min; compressed here to immediate retries). Traffic goes to 127.0.0.1 only.
 */
export interface LoadPlan {
  /** The distinct CDR legs to deliver (their cmiuuids). */
  ids: string[]
  /** The random numbers in [0, 1) that decide duplicates: a seeded generator, so that a failing run replays. */
  random: () => number
  /** Share of legs that get one extra copy (half concurrent with the first delivery, half after it). */
  duplicateRate: number
  /** Requests in flight at once. */
  concurrency: number
  /** Called after each finished leg, for progress. */
  onProgress?: (done: number, total: number) => void
}

export interface LoadResult {
  deliveries: number
  duplicates: number
  retries: number
  statuses: Record<number, number>
  /** Legs never answered 2xx within the platform's 4 attempts. */
  lost: string[]
}

const base = {
  to: 440000000000, appid: 2222222, time: 1632318511000, start_time: 1632318510, end_time: 1632318528,
  from: 440000000001, direction: 'inbound', duration: 13, extra_params: "{ 'Name': 'Akil', 'ID':8915726 }",
  call_rate: '0.450000', balance: '878.900000', conversation_uuid: 'c62abd10-1bab-11ec-8e24-ddb7c33510ad',
  answer_time: 1632318515, leg: 'a', status: 'answered', type: 'cdr'
}

/** A seed-CDR copy with its own cmiuuid. */
export const cdrBody = (cmiuuid: string): string => JSON.stringify({ ...base, cmiuuid })

/** Runs `tasks` with at most `limit` at once. */
export async function pool<T> (items: T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) await task(items[next++] as T)
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
}

/** Delivers `plan.cdrs` legs to `url` the way the platform would; returns what happened. */
export async function deliverLikeThePlatform (url: string, plan: LoadPlan): Promise<LoadResult & { ids: string[] }> {
  const ids = plan.ids
  const result: LoadResult = { deliveries: 0, duplicates: 0, retries: 0, statuses: {}, lost: [] }
  const post = async (body: string): Promise<number> => {
    result.deliveries++
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
    await response.arrayBuffer()
    result.statuses[response.status] = (result.statuses[response.status] ?? 0) + 1
    return response.status
  }
  /** One delivery with the platform's retries: up to 4 attempts until a 2xx. */
  const deliver = async (body: string): Promise<boolean> => {
    for (let attempt = 1; attempt <= 4; attempt++) {
      if (attempt > 1) result.retries++
      const status = await post(body)
      if (status >= 200 && status < 300) return true
    }
    return false
  }
  let done = 0
  await pool(ids, plan.concurrency, async id => {
    const body = cdrBody(id)
    const roll = plan.random()
    const duplicate = roll < plan.duplicateRate
    let ok: boolean
    if (duplicate && roll < plan.duplicateRate / 2) { // a copy racing the first delivery
      result.duplicates++
      const [first, copy] = await Promise.all([deliver(body), deliver(body)])
      ok = first || copy
    } else {
      ok = await deliver(body)
      if (duplicate) { // a later re-delivery of a CDR already processed
        result.duplicates++
        ok = (await deliver(body)) && ok
      }
    }
    if (!ok) result.lost.push(id)
    plan.onProgress?.(++done, ids.length)
  })
  return { ...result, ids }
}
