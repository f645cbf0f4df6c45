/** Inbound answered CDRs shaped like the platform's documented sample, one distinct `cmiuuid` each. */
import type { Receiver, WebhookResponse } from '@piopiy-webhooks/core'
import { readFileSync } from 'node:fs'

/** The seed CDR: the documented inbound answered CDR (app 2222222), from the repository's samples folder. */
const SAMPLE = new URL('../../../testing/samples/documented/piopiy.cdr.inbound.answered.leg-a.legacy.json', import.meta.url)
const seed = (JSON.parse(readFileSync(SAMPLE, 'utf8')) as { json: Record<string, unknown> }).json
export const APP_ID = seed['appid'] as number

/** The JSON body of one CDR leg: the seed CDR, with `n` making its cmiuuid (and so its dedupe key) distinct. */
export function cdrBody (n: number): string {
  return JSON.stringify({ ...seed, cmiuuid: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}` })
}

/** The dedupe key the core gives {@link cdrBody}(n). */
export const cdrKey = (n: number): string =>
  `cdr:${APP_ID}:inbound:answered:a:00000000-0000-4000-8000-${String(n).padStart(12, '0')}`

/** One POST as an adapter hands it to the core. */
export async function deliver (receiver: Receiver, body: string): Promise<WebhookResponse> {
  return await receiver.handle({
    method: 'POST',
    path: '/webhook/cdr',
    headers: { 'content-type': 'application/json' },
    rawBody: body,
    ip: '127.0.0.1'
  })
}

/** A promise and the function that resolves it. */
export function gate (): { promise: Promise<void>, open: () => void } {
  let open = (): void => {}
  const promise = new Promise<void>(resolve => { open = resolve })
  return { promise, open }
}
