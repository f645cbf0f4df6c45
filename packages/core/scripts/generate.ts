// `tsx scripts/generate.ts` (the first step of the core's `npm run build`): writes src/generated/*.ts.
import { mkdirSync, writeFileSync } from 'node:fs'
import { callControlSchemasSource, callControlValidatorsSource, schemasSource, validatorsSource } from './generated-source.js'

const dir = new URL('../src/generated/', import.meta.url)
mkdirSync(dir, { recursive: true })
writeFileSync(new URL('schemas.ts', dir), schemasSource())
writeFileSync(new URL('validators.ts', dir), validatorsSource())
writeFileSync(new URL('call-control-schemas.ts', dir), callControlSchemasSource())
writeFileSync(new URL('call-control-validators.ts', dir), callControlValidatorsSource())
