/**
 * Every TypeScript snippet of README.md, docs/ and the examples' and packages' READMEs type-checks,
 * strictly (`strict`, as in a user's tsconfig), against the packages' sources: each is written to a file of one small project (a snippet
 * that opens with `// name.ts` gets that name, so that the others can import it), fragments of an
 * options object (`auth: { … }`) are checked as `ReceiverOptions`, and the names a snippet leaves to
 * the reader's app (`db`, `save`, `app`, …) are declared once below.
 */
import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'
import { docFiles, read, root } from './helpers/doc-files.js'

t.setTimeout(300_000)
const files = docFiles()

/** The names the snippets leave to the reader's app, with the types they would have there. */
const APP = `
import type { InboundAnsweredCdr } from '@piopiy-webhooks/core'
declare global {
  const app: any
  const t: typeof import('tap').t
  const token: string
  const password: string
  const piopiyPassword: string
  const piopiyToken: string
  const router: { routes (): import('koa').Middleware }
  const bytes: Buffer
  const log: { warn (obj: object, msg?: string): void }
  const calls: { upsert (key: string, record: unknown): Promise<void> }
  const apiRouter: import('express').Router
  const errorHandler: import('express').ErrorRequestHandler
  const db: { calls: { upsert (row: object): Promise<void>, insert (row: object): Promise<void>, findAll (): Promise<unknown[]> } }
  function save (record: unknown, key?: string): Promise<void>
  const onInboundAnswered: (cdr: InboundAnsweredCdr) => Promise<void>
  const webhook: import('@piopiy-webhooks/core').ReceiverOptions
  const piopiyPlugin: typeof import('@piopiy-webhooks/fastify').piopiyPlugin
  const piopiyMiddleware: typeof import('@piopiy-webhooks/express').piopiyMiddleware
  const inboundAnsweredCdr: typeof import('@piopiy-webhooks/testing').inboundAnsweredCdr
  const RedisIdempotencyStore: typeof import('@piopiy-webhooks/redis').RedisIdempotencyStore
  /** Your SQL client (pg, mysql2, …). */
  const sql: { query (text: string, values: unknown[]): Promise<unknown> }
  /** The runtimes' own globals, as @types/bun and Deno's types declare them (the part the docs use). */
  const Bun: { serve (options: { port?: number, fetch (request: Request): Response | Promise<Response> }): unknown }
  const Deno: { serve (options: { port?: number }, handler: (request: Request) => Response | Promise<Response>): unknown }
}
export {}
`
const SERVICES = `export const db = { calls: { async upsert (row: object): Promise<void> { void row } } }
export async function notifyTeam (text: string): Promise<void> { void text }
`

/** A fragment (`auth: { … }`, `onInvalid: …`): each top-level member checked as part of ReceiverOptions. */
function asOptions (fragment: string): string {
  const members = fragment.split(/\n(?=\w+: )/)
  return `import type { ReceiverOptions } from '@piopiy-webhooks/core'\n` +
    members.map(member => `void ({\n${member}\n} satisfies ReceiverOptions)`).join('\n') + '\nexport {}\n'
}

const snippets = files.flatMap(file => [...read(file).matchAll(/```ts\n([\s\S]*?)```/g)].map(([, code], i) => ({ file, index: i + 1, code: code as string })))

t.test('every TypeScript snippet of the docs type-checks', async t => {
  t.ok(snippets.length >= 20, `${snippets.length} snippets in ${new Set(snippets.map(s => s.file)).size} files`)
  await mkdir(join(root, 'node_modules', '.cache'), { recursive: true })
  const dir = await mkdtemp(join(root, 'node_modules', '.cache', 'docs-snippets-'))
  await mkdir(join(dir, 'src'))
  await writeFile(join(dir, 'package.json'), '{ "type": "module" }')
  await writeFile(join(dir, 'tsconfig.json'), JSON.stringify({
    extends: relative(dir, join(root, 'tsconfig.base.json')),
    // strict, as a user's tsconfig is; not this repository's extra exactOptionalPropertyTypes and noUncheckedIndexedAccess
    compilerOptions: { exactOptionalPropertyTypes: false, noUncheckedIndexedAccess: false, noEmit: true, composite: false, declaration: false, declarationMap: false, rootDir: 'src', customConditions: ['@piopiy-webhooks/source'] },
    include: ['src']
  }))
  await writeFile(join(dir, 'src', 'app.d.ts'), APP)
  await writeFile(join(dir, 'src', 'services.ts'), SERVICES)
  const names = new Map<string, string>()
  for (const { file, index, code } of snippets) {
    const named = code.match(/^\/\/ ([\w-]+)\.ts\n/)?.[1]
    const name = named ?? `${file.replace(/[^\w]+/g, '-')}-${index}`
    names.set(`${name}.ts`, `${file} snippet ${index}`)
    const fragment = /^\w+: /.test(code)
    await writeFile(join(dir, 'src', `${name}.ts`), fragment ? asOptions(code) : `${code}\nexport {}\n`)
  }
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc')
  const env = { ...process.env, NODE_OPTIONS: '', _TAPJS_PROCESSINFO_COVERAGE_: '0' }
  const { stdout } = await promisify(execFile)(process.execPath, [tsc, '-p', dir], { env, maxBuffer: 16 * 1024 * 1024 })
    .catch((err: { stdout: string }) => err)
  const errors = stdout.split('\n').filter(line => /error TS/.test(line))
    .map(line => line.replace(/^src\/([\w-]+\.ts)/, (_, file: string) => names.get(file) ?? file))
  t.same(errors, [], 'no type error')
})
