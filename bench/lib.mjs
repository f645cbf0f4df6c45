// Shared helpers of the benchmark scripts: settings from the environment, the seed CDR, medians, progress.
import { readFileSync } from 'node:fs'
import os from 'node:os'
import { fileURLToPath } from 'node:url'

export const ROOT = fileURLToPath(new URL('..', import.meta.url))
/** The seed CDR: the documented inbound answered sample, in the repository's one folder of samples. */
export const SEED_PATH = fileURLToPath(new URL('../packages/testing/samples/documented/piopiy.cdr.inbound.answered.leg-a.legacy.json', import.meta.url))
/** The seed CDR's payload as pretty-printed JSON (2-space indent, final newline). */
export const SEED_TEXT = `${JSON.stringify(JSON.parse(readFileSync(SEED_PATH, 'utf8')).json, null, 2)}\n`
export const SEED_BYTES = Buffer.from(SEED_TEXT)

/** The four documented `extra_params` styles (platform/fields.md), verbatim from the samples. */
export const EXTRA_PARAMS_STYLES = {
  'json': '{"key":"value"}',
  'single-quoted': "{ 'Name': 'Akil', 'ID':8915726 }",
  'unquoted keys': '{key: value}',
  'Key=Value': '{ Name=Akil, ID=8915726 }'
}

/** A number from the environment, or its default. */
export function envNumber (name, fallback) {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number (got ${raw})`)
  return value
}

export function median (values) {
  if (values.length === 0) return NaN
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

export function machine () {
  const cpus = os.cpus()
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    date: new Date().toISOString(),
    /** 1-minute load average when the run started: other work on the machine shows here */
    loadAverage: os.loadavg()[0]
  }
}

/** A logger that says nothing (the receiver's one start-up warning about auth is not a benchmark). */
export const silentLogger = { debug () {}, info () {}, warn () {}, error () {} }

const started = Date.now()
/** A progress line on stderr, with the time since the run started. */
export function progress (message) {
  const s = Math.round((Date.now() - started) / 1000)
  process.stderr.write(`[${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}] ${message}\n`)
}
