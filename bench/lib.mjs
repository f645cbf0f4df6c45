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

/** First quartile, median and third quartile (linear interpolation between the closest ranks). */
export function quartiles (values) {
  if (values.length === 0) return [NaN, NaN, NaN]
  const sorted = [...values].sort((a, b) => a - b)
  const at = q => {
    const pos = (sorted.length - 1) * q
    const low = Math.floor(pos)
    return sorted[low] + (sorted[Math.min(low + 1, sorted.length - 1)] - sorted[low]) * (pos - low)
  }
  return [at(0.25), at(0.5), at(0.75)]
}

const cpuNow = () => { const u = process.cpuUsage(); return u.user + u.system }

/**
 * Paired batches in this process: `rounds` times a batch of `a`, then a batch of `b` (each `size` calls),
 * the CPU time of each batch; the median and quartiles of the per-pair ratios b/a, and `ofTotals`, the ratio
 * of all of b's CPU time to all of a's (the mean cost, GC included wherever it fell: a cross-check of the
 * median). Warm-up: pairs until both have run for `warmupMs` (at least 3), so that the first measured pairs
 * do not still pay for the JIT's tiers. With `async` (`asyncA`), `b` (`a`) returns a promise, awaited one
 * call at a time.
 */
export async function pairedBatches (a, b, { rounds = envNumber('BENCH_PAIRS', 41), size = 2000, async = false, asyncA = false, warmupMs = 1000 } = {}) {
  const batch = async (fn, isAsync) => {
    const start = cpuNow()
    if (isAsync) for (let i = 0; i < size; i++) await fn()
    else for (let i = 0; i < size; i++) fn()
    return cpuNow() - start
  }
  let warm = 0
  for (let i = 0; i < 3 || warm < warmupMs * 1000; i++) warm += await batch(a, asyncA) + await batch(b, async)
  const ratios = []
  let totalA = 0
  let totalB = 0
  for (let i = 0; i < rounds; i++) {
    const timeA = await batch(a, asyncA)
    const timeB = await batch(b, async)
    totalA += timeA
    totalB += timeB
    ratios.push(timeB / timeA)
  }
  const [q1, mid, q3] = quartiles(ratios)
  return { median: mid, q1, q3, ofTotals: totalB / totalA }
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
