/** Inbound answered CDRs shaped like the platform's documented sample, one distinct `cmiuuid` each. */
import type { Logger, Receiver, WebhookResponse } from '@piopiy-webhooks/core'

export const APP_ID = 2222222

/** The JSON body of one CDR leg; `n` makes its cmiuuid (and so its dedupe key) distinct. */
export function cdrBody (n: number): string {
  const cmiuuid = `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`
  return JSON.stringify({
    to: 440000000000,
    appid: APP_ID,
    time: 1632318511000,
    start_time: 1632318510,
    end_time: 1632318528,
    from: 440000000001,
    direction: 'inbound',
    duration: 13,
    extra_params: "{ 'Name': 'Akil', 'ID':8915726 }",
    cmiuuid,
    call_rate: '0.450000',
    balance: '878.900000',
    conversation_uuid: 'c62abd10-1bab-11ec-8e24-ddb7c33510ad',
    answer_time: 1632318515,
    leg: 'a',
    status: 'answered'
  })
}

/** The dedupe key the core gives {@link cdrBody}(n). */
export const cdrKey = (n: number): string =>
  `cdr:${APP_ID}:inbound:answered:a:00000000-0000-4000-8000-${String(n).padStart(12, '0')}`

export const silentLogger: Logger = { debug () {}, info () {}, warn () {}, error () {} }

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
