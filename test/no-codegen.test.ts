/**
 * What docs/getting-started.md's runtimes table promises: the built core compiles nothing when it is
 * imported (no `new Function`, no `eval`: the validators are generated at build time) and needs no
 * Ajv at run time, so strict runtimes (Cloudflare Workers, a CSP) can load it.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { root } from './helpers/doc-files.js'

const dir = join(root, 'packages/core/dist')
const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter(file => /\.c?js$/.test(file))

t.ok(files.length >= 20, `${files.length} built files of the core (esm and commonjs)`)
for (const file of files) {
  const code = readFileSync(join(dir, file), 'utf8')
  t.notMatch(code, /\bnew Function\b|\beval\(/, `${file}: no code generation at run time`)
  t.notMatch(code, /from ['"]ajv|require\(['"]ajv/, `${file}: no Ajv at run time`)
}
const manifest = JSON.parse(readFileSync(join(root, 'packages/core/package.json'), 'utf8')) as { dependencies?: Record<string, string> }
t.notOk('ajv' in (manifest.dependencies ?? {}), 'ajv is not a runtime dependency of the core')
