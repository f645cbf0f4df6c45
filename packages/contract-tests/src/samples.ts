/**
 * The documented PIOPIY samples (packages/testing/samples/documented/*.json, the repository's one copy
 * of them), loaded for tests: each file's
 * strict-JSON `json` form, and the one callback its name says it must reach.
 */
import type { KindCallbackName } from '@piopiy-webhooks/core'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'


export interface Sample {
  /** The sample's name, e.g. `piopiy.cdr.inbound.answered.leg-a.legacy`. */
  name: string
  /** The payload as strict JSON (the sample's `json` field). */
  json: Record<string, unknown>
  /** The specific callback this sample must reach, read from its name. */
  callback: KindCallbackName
}

/** The repository root: the nearest folder at or above `from` whose package.json declares workspaces. */
export function findRepoRoot (from: string = process.cwd()): string {
  let dir = resolve(from)
  for (;;) {
    const file = join(dir, 'package.json')
    if (existsSync(file) && 'workspaces' in JSON.parse(readFileSync(file, 'utf8'))) return dir
    const parent = dirname(dir)
    if (parent === dir) throw new Error(`no package.json with workspaces at or above ${from}`)
    dir = parent
  }
}

/** Where the documented samples live: `packages/testing/samples/documented` in the repository. */
export const samplesDir = (root: string = findRepoRoot()): string => resolve(root, 'packages', 'testing', 'samples', 'documented')

/** The callback a sample named `<source>.<cdr|event>.<direction|stream>.<status>…` must reach. */
export function sampleCallback (name: string): KindCallbackName {
  const [, family, direction, status] = name.split('.')
  const title = (word: string): string => word.charAt(0).toUpperCase() + word.slice(1)
  if (family === 'cdr' && (direction === 'inbound' || direction === 'outbound') && (status === 'answered' || status === 'missed')) {
    return `on${title(direction)}${title(status)}` as KindCallbackName
  }
  if (family === 'event') return direction === 'stream' ? 'onStreamEvent' : 'onCallEvent'
  throw new Error(`sample ${name}: cannot tell its kind from its name`)
}

/** Every sample with a JSON form (samples without one, cut off in the docs, are left out). */
export function loadSamples (dir: string = samplesDir()): Sample[] {
  return readdirSync(dir).filter(file => file.endsWith('.json')).sort().flatMap(file => {
    const { name, json } = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { name: string, json: Record<string, unknown> | null }
    return json === null ? [] : [{ name, json, callback: sampleCallback(name) }]
  })
}

/** The documented answer-URL and action-URL request samples (packages/testing/samples/answer-url), by file name. */
export type AnswerUrlSampleName = 'piopiy.answer_url.request.inbound' | 'piopiy-india.answer_url.request' | 'piopiy.action_url.dtmf'

/** One answer-URL or action-URL request sample's `body`, read afresh from packages/testing/samples/answer-url. */
export function loadAnswerUrlSample (name: AnswerUrlSampleName, root: string = findRepoRoot()): Record<string, unknown> {
  const file = resolve(root, 'packages', 'testing', 'samples', 'answer-url', `${name}.json`)
  return (JSON.parse(readFileSync(file, 'utf8')) as { body: Record<string, unknown> }).body
}
