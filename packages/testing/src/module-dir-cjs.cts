// The CommonJS build's module-dir (tshy builds this file instead of module-dir.ts for dist/commonjs).
export const moduleDir: string = __dirname
