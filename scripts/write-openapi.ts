// npm run openapi: writes docs/openapi.json (the script's arguments name the files to write)
import { writeFileSync } from 'node:fs'
import { renderOpenApi } from './openapi.js'

const text = renderOpenApi()
for (const file of process.argv.slice(2)) {
  writeFileSync(file, text)
  console.log(`wrote ${file}`)
}
