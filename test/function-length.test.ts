// "Small readable modules": no function in packages/*/src is longer than 60 lines (nested functions
// count toward the function that holds them). Read with the TypeScript parser, not with a regex.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import ts from 'typescript'

const MAX_LINES = 60
const packages = fileURLToPath(new URL('../packages/', import.meta.url))

const sources = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap(entry =>
  entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [])

/** Every function-like node of a file, with its name (or its position) and its length in lines. */
function functionsOf (file: string): Array<{ name: string, lines: number }> {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true)
  const found: Array<{ name: string, lines: number }> = []
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body !== undefined) {
      const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line
      const name = 'name' in node && node.name !== undefined ? node.name.getText(source) : `function at line ${start + 1}`
      found.push({ name, lines: end - start + 1 })
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return found
}

t.test(`no function in packages/*/src is over ${MAX_LINES} lines`, async t => {
  const files = readdirSync(packages).flatMap(name => sources(join(packages, name, 'src')))
  t.ok(files.length > 20, 'the sources were found')
  const long = files.flatMap(file => functionsOf(file)
    .filter(f => f.lines > MAX_LINES)
    .map(f => `${file.slice(packages.length)}: ${f.name} (${f.lines} lines)`))
  t.same(long, [])
})
