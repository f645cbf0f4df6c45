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

// the build bundles each entry point into one file (scripts/bundle.ts): these four are all the code there is
t.same(files.sort(), ['commonjs/index.js', 'commonjs/internal.js', 'esm/index.js', 'esm/internal.js'], 'the built core: one file per entry point, ESM and CommonJS')
for (const file of files) {
  const code = readFileSync(join(dir, file), 'utf8')
  t.notMatch(code, /\bnew Function\b|\beval\(/, `${file}: no code generation at run time`)
  t.notMatch(code, /from ['"]ajv|require\(['"]ajv/, `${file}: no Ajv at run time`)
  const imported = [...code.matchAll(/(?:\bfrom |\brequire\()['"]([^'"]+)['"]/g)].map(([, name]) => name ?? '')
  t.same(imported.filter(name => !name.startsWith('node:')), [], `${file}: imports nothing but Node's built-in modules`)
  // the main entry's imports are found at all (auth hashes with node:crypto): the check above reads real imports
  if (file.endsWith('index.js')) t.ok(imported.includes('node:crypto'), `${file}: its imports are read (node:crypto among them)`)
}
const manifest = JSON.parse(readFileSync(join(root, 'packages/core/package.json'), 'utf8')) as { dependencies?: Record<string, string> }
t.notOk('ajv' in (manifest.dependencies ?? {}), 'ajv is not a runtime dependency of the core')
