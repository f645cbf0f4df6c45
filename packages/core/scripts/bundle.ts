// `tsx scripts/bundle.ts` (the last step of the core's `npm run build`, after tshy): each entry point tshy
// compiled (`dist/esm/index.js`, `dist/esm/internal.js`) is bundled into one file, for ESM and for CommonJS,
// and the per-module files it was made of are removed (their `.d.ts` stay: they are the package's types).
//
// Why: loading the core as 31 small modules cost ~70 ms of CPU at start-up on Node 20 (resolving, reading and
// compiling each file), one file ~25 ms, for the same code (bench/findings.md, "Third round").
// The bundles keep tshy's source maps (esbuild follows them back to src/*.ts: stack traces name the sources);
// tap records no coverage of dist/ (`coverage-exclude` in the root package.json), where these maps would count
// the bundle's copy of each function as another, never-run function of src/. No dependency is
// bundled: the core has none at run time. `internal` is bundled on its own: it exports pure functions and
// constants only, so a second copy of them holds no state apart from the main entry's.
import { build } from 'esbuild'
import { readdirSync, rmSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const dist = fileURLToPath(new URL('../dist/', import.meta.url))
const ENTRIES = ['index', 'internal']
const FORMATS = [['esm', 'esm'], ['commonjs', 'cjs']] as const

/** Bundles every entry for every format, reading tshy's ESM output (read in full before any file is written). */
async function bundle (): Promise<void> {
  for (const [dialect, format] of FORMATS) {
    await build({
      entryPoints: ENTRIES.map(entry => `${dist}esm/${entry}.js`),
      outdir: `${dist}${dialect}`,
      bundle: true,
      format,
      platform: 'node',
      target: 'node20',
      packages: 'external',
      sourcemap: true,
      allowOverwrite: true,
      logLevel: 'warning'
    })
  }
}

/** The compiled per-module files the bundles replace: everything but the bundles, the types and package.json. */
function removeModules (): void {
  for (const dialect of FORMATS.map(([name]) => name)) {
    for (const file of readdirSync(`${dist}${dialect}`, { recursive: true, encoding: 'utf8' })) {
      const kept = /\.d\.ts(\.map)?$/.test(file) || file === 'package.json' || ENTRIES.some(entry => file === `${entry}.js` || file === `${entry}.js.map`)
      if (!kept && /\.js(\.map)?$/.test(file)) rmSync(`${dist}${dialect}/${file}`)
    }
  }
}

await bundle()
removeModules()
