/**
 * The repository stands on its own: no file of it refers to a folder beside the repository (the
 * PIOPIY facts it needs are in packages/testing/samples), and that folder is the only copy of the
 * documented payloads. `.ci/run` proves the first by running the tests in a copy with nothing beside it.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { isDeepStrictEqual } from 'node:util'
import t from 'tap'

const root = fileURLToPath(new URL('..', import.meta.url))
const SAMPLES = join(root, 'packages', 'testing', 'samples')
/** Folders that are installed or built, never written by hand. */
const GENERATED = new Set(['node_modules', 'dist', '.git', '.tap', '.tshy', '.tshy-build', 'coverage'])

/** Every file of the project, as paths relative to the root. */
function projectFiles (dir: string = root): string[] {
  return readdirSync(dir, { withFileTypes: true }).filter(entry => !GENERATED.has(entry.name)).flatMap(entry =>
    entry.isDirectory() ? projectFiles(join(dir, entry.name)) : entry.isFile() ? [relative(root, join(dir, entry.name))] : [])
}

t.test('no file of the project refers to a folder beside the repository', async t => {
  // spelled in pieces, so that this file does not match itself
  const outside = ['..' + '/shared', 'shared' + '/platform', '/work' + '/shared']
  const files = projectFiles()
  t.ok(files.length > 100, `${files.length} files read`)
  const offenders = files.filter(file => {
    const text = readFileSync(join(root, file), 'utf8')
    return outside.some(needle => text.includes(needle))
  })
  t.same(offenders, [], `none of ${outside.join(', ')} in any file`)
})

t.test('packages/testing/samples is the only copy of the documented payloads', async t => {
  const documented = readdirSync(join(SAMPLES, 'documented')).map(file =>
    (JSON.parse(readFileSync(join(SAMPLES, 'documented', file), 'utf8')) as { json: unknown }).json)
  t.equal(documented.length, 10)
  const copies = projectFiles().filter(file => file.endsWith('.json') && !file.startsWith(relative(root, SAMPLES)))
    .filter(file => {
      const value: unknown = JSON.parse(readFileSync(join(root, file), 'utf8'))
      return documented.some(sample => isDeepStrictEqual(sample, value) || isDeepStrictEqual(sample, (value as { json?: unknown }).json))
    })
  t.same(copies, [], 'no other JSON file holds one of them')
})
