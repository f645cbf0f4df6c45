/** The documentation a user reads: README.md, docs/*.md and every example's and package's README. */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository root. */
export const root = fileURLToPath(new URL('../..', import.meta.url))
/** A file's text, by its path from the root. */
export const read = (file: string): string => readFileSync(join(root, file), 'utf8')
const within = (dir: string): string[] => readdirSync(join(root, dir)).map(name => `${dir}/${name}`)
/** The documentation files, as paths from the root. */
export const docFiles = (): string[] => ['README.md', ...within('docs').filter(f => f.endsWith('.md')),
  ...['examples', ...within('examples'), ...within('packages')].map(dir => `${dir}/README.md`).filter(f => existsSync(join(root, f)))]
