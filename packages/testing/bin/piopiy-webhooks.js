#!/usr/bin/env node
// The `piopiy-webhooks` executable. It is committed (dist/ is not), so that npm links it when it
// installs the package, in a fresh clone of the repository too; it runs the ESM build of src/bin.ts.
import { existsSync } from 'node:fs'

const build = new URL('../dist/esm/bin.js', import.meta.url)
if (existsSync(build)) {
  await import(build.href)
} else {
  process.stderr.write('piopiy-webhooks: @piopiy-webhooks/testing is not built yet; in a clone of the repository, run `npm run build` first.\n')
  process.exitCode = 1
}
