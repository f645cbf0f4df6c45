/** Terminal output shared by the CLI and the demo: records as aligned key/value lines, colour only on a TTY. */
import { STATUS_CODES } from 'node:http'
import { inspect } from 'node:util'
import type { KindCallbackName, Notification } from '@piopiy-webhooks/core'
type Paint = (text: string) => string

/** ANSI styles; each one returns its text unchanged when colour is off. */
export interface Style {
  readonly enabled: boolean
  readonly bold: Paint
  readonly dim: Paint
  readonly red: Paint
  readonly green: Paint
  readonly yellow: Paint
  readonly cyan: Paint
}

const paint = (enabled: boolean, open: number, close: number): Paint =>
  enabled ? text => `\u001b[${open}m${text}\u001b[${close}m` : text => text

export function createStyle (enabled: boolean): Style {
  return {
    enabled,
    bold: paint(enabled, 1, 22),
    dim: paint(enabled, 2, 22),
    red: paint(enabled, 31, 39),
    green: paint(enabled, 32, 39),
    yellow: paint(enabled, 33, 39),
    cyan: paint(enabled, 36, 39)
  }
}

/** Colour when writing to a terminal, unless `NO_COLOR` is set; `FORCE_COLOR` (not `0`) forces it. */
export function colorEnabled (stream: { isTTY?: boolean }, env: Record<string, string | undefined> = {}): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0'
  return stream.isTTY === true && env.TERM !== 'dumb'
}

const ANSI = /\u001b\[[0-9;]*m/g
/** The width of `text` on screen (ANSI codes take none). */
export const visibleWidth = (text: string): number => text.replace(ANSI, '').length

/** Pads each column to its widest cell (ANSI-aware), joined by two spaces; the last column is not padded. */
export function alignRows (rows: ReadonlyArray<readonly string[]>): string[] {
  const widths: number[] = []
  for (const row of rows) row.forEach((cell, i) => { widths[i] = Math.max(widths[i] ?? 0, visibleWidth(cell)) })
  return rows.map(row => row.map((cell, i) => i === row.length - 1 ? cell : cell + ' '.repeat((widths[i] as number) - visibleWidth(cell))).join('  '))
}

/** The callback a notification reaches, besides `onNotification`. */
export function callbackOf (n: Notification): KindCallbackName | 'onNotification' {
  if (n.kind === 'cdr') return `on${n.direction === 'inbound' ? 'Inbound' : 'Outbound'}${n.status === 'answered' ? 'Answered' : 'Missed'}`
  if (n.kind === 'event') return 'onCallEvent'
  if (n.kind === 'stream') return 'onStreamEvent'
  return 'onNotification'
}

/** A short classification: `inbound answered CDR, leg a`, `call event out_started, leg b`, … */
export function describeNotification (n: Notification): string {
  switch (n.kind) {
    case 'cdr': return `${n.direction} ${n.status} CDR, leg ${n.leg}`
    case 'event': return `call event ${n.status}, leg ${n.leg}`
    case 'stream': return `stream event ${n.status}`
    default: return `notification of unknown kind${n.status === undefined ? '' : ` (status ${n.status})`}`
  }
}

/**
 * The record as a callback receives it: one `name  value` line per field, aligned, values shown as
 * JavaScript would print them (strings quoted, so phone numbers visibly stay strings; Dates as ISO).
 * `raw` (the payload as received) is left out.
 */
export function formatRecord (record: object, style: Style = createStyle(false), indent = ''): string[] {
  return alignRows(recordRows(record, style, indent))
}

/** The `[name, value]` cells of {@link formatRecord}, to add rows of your own before aligning them. */
export function recordRows (record: object, style: Style, indent: string): string[][] {
  return Object.entries(record)
    .filter(([key]) => key !== 'raw')
    .map(([key, value]) => [indent + style.dim(key), inspect(value, { colors: style.enabled, breakLength: Infinity, depth: 4 })])
}

/** `200 OK`, `400 Bad Request`, … ; `200 duplicate` when the receiver said the copy was a duplicate. */
export function statusLabel (status: number, body = ''): string {
  if (status === 200 && body.includes('"duplicate":true')) return '200 duplicate'
  return `${status} ${STATUS_CODES[status] ?? ''}`.trimEnd()
}

/** The status label in green (2xx), yellow (duplicate) or red (anything else). */
export function paintStatus (style: Style, status: number, body = ''): string {
  const label = statusLabel(status, body)
  if (label === '200 duplicate') return style.yellow(label)
  return status >= 200 && status < 300 ? style.green(label) : style.red(label)
}
