// Types of bench/report.mjs, for test/bench-report.test.ts.
export interface HttpResult {
  id: string
  framework: string
  variant: 'bare' | 'adapter' | 'duplicate'
  rps: number
  cpuPerRequest: number
  latencyP50: number
  latencyP99: number
  rounds: number[]
  ok: number
  non2xx: number
  errors: number
  calls: number[]
  [key: string]: unknown
}
export interface Ratio { framework: string, ratio: number, duplicateRatio: number | undefined, cpuRatio: number, target: number, met: boolean }
export interface BenchData {
  machine: { cpu: string, cores: number, memoryGiB: number, os: string, node: string, date: string, loadAverage?: number, loadAverageAtEnd?: number }
  http?: { settings: { rounds: number, duration: number, warmup: number, connections: number, pin: boolean }, results: HttpResult[], skipped: Array<{ id: string, reason: string }> }
  core?: Array<{ name: string, ns: number }>
  memory?: { keys: number, keyLength: number, bytesPerKey: number, heapMiB: number, fillNsPerKey: number }
  startup?: Array<{ name: string, framework: string | null, frameworkImportMs: number, importMs: number, createMs: number }>
}
export const TARGETS: { ratio: Record<'fastify' | 'express' | 'koa', number>, parseVsJsonParse: number, bytesPerKey: number }
export function byFramework (results: HttpResult[]): Record<string, Partial<Record<HttpResult['variant'], HttpResult>>>
export function ratios (results: HttpResult[]): Ratio[]
export function niceStep (max: number, count?: number): number
export function renderSvg (results: HttpResult[], options?: { width?: number, height?: number, title?: string }): string
export function renderMarkdown (data: BenchData, findings?: string): string
