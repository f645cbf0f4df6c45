/**
 * `@piopiy-webhooks/core/internal`: the core's building blocks, for this repository's own packages, tests,
 * fuzzing and benchmarks. Not part of the public API: anything here may change in any release. Apps use
 * the main entry (`@piopiy-webhooks/core`).
 *
 * Pure functions and constants only: the build bundles this entry apart from the main one (scripts/bundle.ts), so
 * nothing here may hold state or a class that the main entry's objects are checked against.
 */
export { acceptsContentType } from './headers.js'
export { classify } from './classify.js'
export { normalize } from './normalize.js'
export { validate } from './validate.js'
export { parseExtraParams } from './extra-params.js'
export { CALLBACKS } from './options.js'
