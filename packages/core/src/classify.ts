import type { NotificationKind } from './records.js'

const STREAM_STATUSES = new Set(['stream_connected', 'stream_disconnected'])
const BARE_EVENT_STATUSES = new Set(['hangup', 'started', 'ringing'])

/**
 * Decides the kind of a JSON object (design.md, "Classification"):
 * 1. `type: 'cdr' | 'event'` decides when present (an event whose status is a stream status is a stream event);
 * 2. otherwise the status: stream_* → stream; in_/out_ prefixes, hangup, started, ringing → call event;
 *    answered/missed with a `duration` → CDR;
 * 3. anything else is `unknown` (the caller checks it names a call).
 */
export function classify (payload: Record<string, unknown>): NotificationKind {
  const status = typeof payload.status === 'string' ? payload.status.toLowerCase() : undefined
  const type = typeof payload.type === 'string' ? payload.type.toLowerCase() : undefined
  if (type === 'cdr') return 'cdr'
  const stream = status !== undefined && STREAM_STATUSES.has(status)
  if (type === 'event') return stream ? 'stream' : 'event'
  if (status === undefined) return 'unknown'
  if (stream) return 'stream'
  if (status.startsWith('in_') || status.startsWith('out_') || BARE_EVENT_STATUSES.has(status)) return 'event'
  if ((status === 'answered' || status === 'missed') && payload.duration !== undefined) return 'cdr'
  return 'unknown'
}
