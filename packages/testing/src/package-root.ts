/** The installed package's folder (above src/, dist/esm/ or dist/commonjs/), and its version. */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { moduleDir } from './module-dir.js'

/** The package root: the nearest folder above this module that holds the shipped `samples/`. */
export const packageRoot: string = ['..', '../..'].map(up => join(moduleDir, up)).find(dir => existsSync(join(dir, 'samples'))) as string

/** The `version` of @piopiy-webhooks/testing's package.json. */
export const packageVersion: string = (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version
