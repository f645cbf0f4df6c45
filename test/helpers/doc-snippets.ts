/**
 * The TypeScript snippets of the docs, written as one small project (a folder under
 * node_modules/.cache with a strict tsconfig), so that one test type-checks them all and another runs
 * the ones that are programs. A snippet that opens with `// name.ts` gets that name (so that the others
 * can import it); fragments of an options object (`auth: { … }`) are checked as `ReceiverOptions`; the
 * names a snippet leaves to the reader's app (`db`, `save`, `app`, …) are declared once in `app.d.ts`.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { docFiles, read, root } from './doc-files.js'

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
/** The module getting-started's webhook.ts imports: the app's own database (the global \`db\`) and notifications. */
const SERVICES = `const shared = db
export { shared as db }
export async function notifyTeam (text: string): Promise<void> { console.log('notifyTeam', text) }
`

/** One \`\`\`ts block of a documentation file. */
export interface Snippet {
  /** The documentation file, from the repository root. */
  readonly file: string
  /** Its position among the file's TypeScript blocks, from 1. */
  readonly index: number
  readonly code: string
  /** The file it is written to in the project's `src/`. */
  readonly name: string
  /** A fragment of an options object, not a module. */
  readonly fragment: boolean
}

/** Every TypeScript snippet of README.md, docs/ and the examples' and packages' READMEs. */
export const snippets: readonly Snippet[] = docFiles().flatMap(file => [...read(file).matchAll(/```ts\n([\s\S]*?)```/g)].map(([, block], i) => {
  const code = block as string
  const named = code.match(/^\/\/ ([\w-]+)\.ts\n/)?.[1]
  return { file, index: i + 1, code, name: `${named ?? `${file.replace(/[^\w]+/g, '-')}-${i + 1}`}.ts`, fragment: /^\w+: /.test(code) }
}))

/** A fragment (`auth: { … }`, `onInvalid: …`): each top-level member checked as part of ReceiverOptions. */
function asOptions (fragment: string): string {
  const members = fragment.split(/\n(?=\w+: )/)
  return `import type { ReceiverOptions } from '@piopiy-webhooks/core'\n` +
    members.map(member => `void ({\n${member}\n} satisfies ReceiverOptions)`).join('\n') + '\nexport {}\n'
}

/** Writes the snippets' project to a new folder and returns it. */
export async function writeSnippetProject (): Promise<string> {
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
  for (const { name, code, fragment } of snippets) {
    await writeFile(join(dir, 'src', name), fragment ? asOptions(code) : `${code}\nexport {}\n`)
  }
  return dir
}
