// Types of bench/report.mjs, for test/bench-report.test.ts.
export interface HttpResult {
  id: string
  framework: string
  variant: 'bare' | 'adapter' | 'duplicate' | 'peer'
  rps: number
  cpuPerRequest: number
  systemPerRequest: number
  /** minor page faults per 1,000 requests (absent in runs written before they were counted) */
  faultsPerThousand?: number
  latencyP99: number
  rounds: number
  ok: number
  non2xx: number
  errors: number
  calls: number
  [key: string]: unknown
}
export interface PairedRatio { median: number, q1: number, q3: number, ratios?: number[] }
export interface Comparison {
  id: string
  kind: 'bare/adapter' | 'adapter/peer'
  cpu: PairedRatio & { ratios: number[] }
  rps: PairedRatio
  atLeast?: number
  atMost?: number
  duplicate?: PairedRatio
}
export interface BenchData {
  machine: { cpu: string, cores: number, memoryGiB: number, os: string, node: string, date: string, loadAverage?: number, loadAverageAtEnd?: number }
  http?: { settings: { rounds: number, duration: number, warmup: number, connections: number, pin: boolean }, results: HttpResult[], comparisons: Comparison[] }
  core?: { cases: Array<{ name: string, ns: number }>, ratios: Array<PairedRatio & { name: string, atMost: number }> }
  memory?: { keys: number, keyLength: number, bytesPerKey: number, heapMiB: number, fillNsPerKey: number }
  startup?: Array<{ name: string, framework: string | null, frameworkImportMs: number, frameworkImportCpuMs: number, importMs: number, importCpuMs: number, createMs: number, createCpuMs: number }>
}
export const CORE_TARGETS: { parseVsJsonParse: number, handleVsJsonParse: number, startupCpuMs: number, bytesPerKey: number }
export function met (ratio: PairedRatio, target: { atLeast?: number, atMost?: number }): boolean
export function niceStep (max: number, count?: number): number
export function renderSvg (results: HttpResult[], options?: { width?: number, height?: number }): string
export function renderMarkdown (data: BenchData, findings?: string): string
