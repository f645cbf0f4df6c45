/** The folder of the running module (src/ or dist/esm/), for the files shipped beside it. */
import { fileURLToPath } from 'node:url'

// tshy also compiles this file for CommonJS (then replaces it with module-dir-cjs.cts), where import.meta is an error
// @ts-ignore
export const moduleDir: string = fileURLToPath(new URL('.', import.meta.url))
