/**
 * Every TypeScript snippet of README.md, docs/ and the examples' and packages' READMEs type-checks,
 * strictly (`strict`, as in a user's tsconfig), against the packages' sources (the project is written by
 * helpers/doc-snippets.ts; docs-programs.test.ts runs the snippets that are programs).
 */
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'
import { root } from './helpers/doc-files.js'
import { snippets, writeSnippetProject } from './helpers/doc-snippets.js'

t.setTimeout(300_000)

t.test('every TypeScript snippet of the docs type-checks', async t => {
  t.ok(snippets.length >= 20, `${snippets.length} snippets in ${new Set(snippets.map(s => s.file)).size} files`)
  const dir = await writeSnippetProject()
  const names = new Map(snippets.map(s => [s.name, `${s.file} snippet ${s.index}`]))
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc')
  const env = { ...process.env, NODE_OPTIONS: '', _TAPJS_PROCESSINFO_COVERAGE_: '0' }
  const { stdout } = await promisify(execFile)(process.execPath, [tsc, '-p', dir], { env, maxBuffer: 16 * 1024 * 1024 })
    .catch((err: { stdout: string }) => err)
  const errors = stdout.split('\n').filter(line => /error TS/.test(line))
    .map(line => line.replace(/^src\/([\w-]+\.ts)/, (_, file: string) => names.get(file) ?? file))
  t.same(errors, [], 'no type error')
})
