/**
 * Type-level tests: compiled by `tsc -p tsconfig.test.json` (part of `npm test`), never run.
 * A wrong type here fails the build.
 */
import { createReceiver, parseNotification, type CdrRecord, type Notification } from '../src/index.js'

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false
const expectType = <T extends true>(): T | undefined => undefined

createReceiver({
  onInboundAnswered (record, ctx) {
    expectType<Equal<typeof record.kind, 'cdr'>>()
    expectType<Equal<typeof record.direction, 'inbound'>>()
    expectType<Equal<typeof record.status, 'answered'>>()
    expectType<Equal<typeof record.leg, 'a' | 'b'>>()
    expectType<Equal<typeof record.duration, number>>()
    expectType<Equal<typeof record.from, string>>()
    expectType<Equal<typeof record.to, string>>()
    expectType<Equal<typeof record.appId, number>>()
    expectType<Equal<typeof record.time, Date>>()
    expectType<Equal<typeof record.startTime, Date | undefined>>()
    expectType<Equal<typeof record.callRate, string | undefined>>()
    expectType<Equal<typeof record.extraParams, Record<string, unknown> | undefined>>()
    expectType<Equal<typeof record.raw.duration, number>>()
    expectType<Equal<typeof ctx.key, string>>()
    // @ts-expect-error duration is a number, not a string
    record.duration.toUpperCase()
    // @ts-expect-error raw is read-only
    record.raw.duration = 1
  },
  onOutboundMissed (record) {
    expectType<Equal<typeof record.direction, 'outbound'>>()
    expectType<Equal<typeof record.status, 'missed'>>()
  },
  onCallEvent (event) {
    expectType<Equal<typeof event.kind, 'event'>>()
    expectType<Equal<typeof event.to, string | undefined>>()
  },
  onStreamEvent (event) {
    expectType<Equal<typeof event.status, 'stream_connected' | 'stream_disconnected'>>()
    expectType<Equal<typeof event.wsStatus, Record<string, unknown> | undefined>>()
  },
  onNotification (n) {
    expectType<Equal<typeof n, Notification>>()
    if (n.kind === 'cdr') expectType<Equal<typeof n, CdrRecord>>()
    if (n.kind === 'unknown') expectType<Equal<typeof n.appId, number | undefined>>()
  },
  onInvalid (info) {
    expectType<Equal<typeof info.reasons, string[]>>()
    expectType<Equal<typeof info.rawBody, string>>()
  }
})

// @ts-expect-error a misspelt callback is a compile error as well as a start-up error
createReceiver({ onInboundAnswerd: () => {} })

const result = parseNotification('{}')
if (result.ok) expectType<Equal<typeof result.notification, Notification>>()
else expectType<Equal<typeof result.status, 400>>()
