// The options every framework example passes to its adapter: the same object works in each.
import type { ReceiverOptions } from '@piopiy-webhooks/core'

/** Logs one line per notification with `log`; requires `?token=` when PIOPIY_TOKEN is set. */
export function webhookOptions (log: (line: string) => void): ReceiverOptions {
  const token = process.env['PIOPIY_TOKEN']
  return {
    // set PIOPIY_TOKEN and give PIOPIY the URL …/webhook/cdr?token=<it> (see docs/security.md)
    ...(token !== undefined && { auth: { token } }),
    onInboundAnswered (cdr, ctx) {
      log(`answered: ${cdr.from} → ${cdr.to}, ${cdr.duration} s (${ctx.key})`)
    },
    onInboundMissed (cdr) {
      log(`missed: ${cdr.from} called ${cdr.to} at ${cdr.time.toISOString()}`)
    },
    onInvalid (info) {
      log(`rejected with ${info.status}: ${info.reasons.join('; ')}`)
    }
  }
}
