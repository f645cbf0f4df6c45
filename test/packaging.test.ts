/**
 * The tarballs are what users install. Every publishable workspace package (any that is not private,
 * so packages added later are covered) is packed with `npm pack`, checked by publint and
 * @arethetypeswrong/cli, and installed into a fresh app outside the repository, where an ESM and a
 * CommonJS program run the seed CDR through each adapter over real servers on 127.0.0.1 and run the
 * CLI from its bin. npm installs from its cache where it can (`--prefer-offline`).
 */
import { execFile } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { publint } from 'publint'
import { formatMessage } from 'publint/utils'
import t from 'tap'

t.setTimeout(600_000)
const exec = promisify(execFile)
const root = fileURLToPath(new URL('..', import.meta.url))
// children run as a user's would: no test loader, no coverage recording, no source condition
const env = { ...process.env, NODE_OPTIONS: '', _TAPJS_PROCESSINFO_COVERAGE_: '0', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' }
const run = async (file: string, args: string[], cwd: string): Promise<string> => (await exec(file, args, { cwd, env, maxBuffer: 16 * 1024 * 1024 })).stdout

interface Manifest { name: string, version: string, private?: boolean, exports?: unknown, main?: string, types?: string, module?: string, bin?: Record<string, string> }
const workspaces = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { workspaces: string[] }).workspaces
const publishable = workspaces.map(dir => ({ dir: join(root, dir), manifest: JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) as Manifest }))
  .filter(({ manifest }) => manifest.private !== true)

/** Every file a manifest points at: exports (all conditions), main, types, module and bin. */
function targets (manifest: Manifest): string[] {
  const walk = (value: unknown): string[] => typeof value === 'string' ? [value] : typeof value === 'object' && value !== null ? Object.values(value).flatMap(walk) : []
  return [...walk(manifest.exports), ...walk([manifest.main, manifest.types, manifest.module]), ...walk(manifest.bin)]
    .map(target => target.replace(/^\.\//, ''))
}

const packed = new Map<string, { tarball: string, files: string[] }>()
const out = await mkdtemp(join(tmpdir(), 'piopiy-pack-'))

t.before(async () => {
  for (const { dir, manifest } of publishable) {
    const [info] = JSON.parse(await run('npm', ['pack', '--json', '--pack-destination', out], dir)) as Array<{ filename: string, files: Array<{ path: string }> }>
    packed.set(manifest.name, { tarball: join(out, (info as { filename: string }).filename), files: (info as { files: Array<{ path: string }> }).files.map(f => f.path) })
  }
})

t.test('the publishable packages are found from the workspaces', async t => {
  t.ok(publishable.length >= 6, publishable.map(p => p.manifest.name).join(', '))
  for (const name of ['@piopiy-webhooks/core', '@piopiy-webhooks/fastify', '@piopiy-webhooks/express', '@piopiy-webhooks/koa', '@piopiy-webhooks/redis', '@piopiy-webhooks/testing']) {
    t.ok(packed.has(name), `${name} is packed`)
  }
  t.notOk(packed.has('@piopiy-webhooks/contract-tests'), 'a private package is not')
})

for (const { manifest } of publishable) {
  t.test(`${manifest.name}: the tarball holds its LICENSE, README and every file its manifest points at`, async t => {
    const { files } = packed.get(manifest.name) as { files: string[] }
    for (const file of ['LICENSE', 'README.md', 'package.json']) t.ok(files.includes(file), file)
    t.equal(readFileSync(join(root, 'packages', manifest.name.split('/')[1] as string, 'LICENSE'), 'utf8'), readFileSync(join(root, 'LICENSE'), 'utf8'), 'the LICENSE is the repository\'s')
    for (const target of targets(manifest)) t.ok(files.includes(target), `${target} is shipped`)
    t.notOk(files.some(file => /(^|\/)test\//.test(file) || file.endsWith('.tsbuildinfo')), 'no tests, no build info')
  })

  t.test(`${manifest.name}: publint finds no error or warning`, async t => {
    const tarball = (await readFile((packed.get(manifest.name) as { tarball: string }).tarball)).buffer
    const { messages, pkg } = await publint({ pack: { tarball: tarball as ArrayBuffer }, level: 'warning', strict: true })
    t.same(messages.map(message => `${message.type}: ${formatMessage(message, pkg) ?? message.code}`), [])
  })

  t.test(`${manifest.name}: @arethetypeswrong/cli finds no type problem, ESM or CommonJS`, async t => {
    const tarball = (packed.get(manifest.name) as { tarball: string }).tarball
    const attw = join(root, 'node_modules', '@arethetypeswrong', 'cli', 'dist', 'index.js')
    const result = await exec(process.execPath, [attw, tarball, '--format', 'json', '--profile', 'node16'], { env, maxBuffer: 16 * 1024 * 1024 }).catch((err: { stdout: string }) => err)
    const { analysis } = JSON.parse(result.stdout) as { analysis: { problems: Array<{ resolutionKind?: string }> } }
    // the node16 profile: node10 resolution (TypeScript's old `moduleResolution: node`, which cannot see subpath exports) is not supported
    t.same(analysis.problems.filter(problem => problem.resolutionKind !== 'node10'), [])
  })
}

const APP = `
const silent = { debug () {}, info () {}, warn () {}, error () {} }
const seed = samples['piopiy.cdr.inbound.answered.leg-a.legacy']
const results = {}
const listening = async server => { await once(server, 'listening'); return 'http://127.0.0.1:' + server.address().port + '/webhook/cdr' }
const deliver = async (name, start) => {
  const got = []
  const options = { logger: silent, onInboundAnswered: cdr => { got.push(cdr.cmiuuid) } }
  const { url, close } = await start(options)
  const [first] = await send(url, seed)
  const [again] = await send(url, seed)
  results[name] = [first.status, first.body, again.body, got]
  await close()
}
await deliver('fastify', async options => {
  const app = Fastify()
  await app.register(piopiyPlugin, options)
  const url = await app.listen({ port: 0, host: '127.0.0.1' })
  return { url: url + '/webhook/cdr', close: () => app.close() }
})
await deliver('express', async options => {
  const server = express().use(expressMiddleware(options)).listen(0, '127.0.0.1')
  return { url: await listening(server), close: () => new Promise(resolve => server.close(resolve)) }
})
await deliver('koa', async options => {
  const server = new Koa().use(koaMiddleware(options)).listen(0, '127.0.0.1')
  return { url: await listening(server), close: () => new Promise(resolve => server.close(resolve)) }
})
results.redis = typeof RedisIdempotencyStore
try { new RedisIdempotencyStore({}) } catch (err) { results.redisError = [err instanceof PiopiyWebhookError, err.code] }
console.log(JSON.stringify(results))
`
const ESM = `import { once } from 'node:events'
import Fastify from 'fastify'
import express from 'express'
import Koa from 'koa'
import { piopiyPlugin } from '@piopiy-webhooks/fastify'
import { piopiyMiddleware as expressMiddleware } from '@piopiy-webhooks/express'
import { piopiyMiddleware as koaMiddleware } from '@piopiy-webhooks/koa'
import { RedisIdempotencyStore } from '@piopiy-webhooks/redis'
import { PiopiyWebhookError } from '@piopiy-webhooks/core'
import { samples, send } from '@piopiy-webhooks/testing'
${APP}`
const CJS = `const { once } = require('node:events')
const Fastify = require('fastify')
const express = require('express')
const Koa = require('koa')
const { piopiyPlugin } = require('@piopiy-webhooks/fastify')
const { piopiyMiddleware: expressMiddleware } = require('@piopiy-webhooks/express')
const { piopiyMiddleware: koaMiddleware } = require('@piopiy-webhooks/koa')
const { RedisIdempotencyStore } = require('@piopiy-webhooks/redis')
const { PiopiyWebhookError } = require('@piopiy-webhooks/core')
const { samples, send } = require('@piopiy-webhooks/testing')
;(async () => {
${APP}
})()`

t.test('installed from the tarballs into a fresh app, the seed CDR goes through each adapter, ESM and CommonJS', async t => {
  const app = join(await mkdtemp(join(tmpdir(), 'piopiy-app-')), 'app')
  await mkdir(app)
  await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'fresh-app', version: '1.0.0', private: true }))
  await run('npm', ['install', '--prefer-offline', '--no-package-lock', ...[...packed.values()].map(p => p.tarball)], app)
  t.ok(existsSync(join(app, 'node_modules', 'fastify')) && existsSync(join(app, 'node_modules', 'redis')), 'npm installed the peer dependencies')
  await writeFile(join(app, 'app.mjs'), ESM)
  await writeFile(join(app, 'app.cjs'), CJS)
  const seedFile = join(root, 'packages/testing/samples/documented/piopiy.cdr.inbound.answered.leg-a.legacy.json')
  const { cmiuuid } = (JSON.parse(readFileSync(seedFile, 'utf8')) as { json: { cmiuuid: string } }).json
  const expected = { status: 200, first: '{"ok":true}', again: '{"ok":true,"duplicate":true}', calls: [cmiuuid] }
  for (const program of ['app.mjs', 'app.cjs']) {
    const results = JSON.parse(await run(process.execPath, [program], app)) as Record<string, unknown>
    for (const adapter of ['fastify', 'express', 'koa']) {
      const [status, first, again, calls] = results[adapter] as [number, string, string, string[]]
      t.same({ status, first, again, calls }, expected, `${program}: ${adapter} answers 200, dedupes the retry, runs the callback once`)
    }
    t.equal(results['redis'], 'function', `${program}: RedisIdempotencyStore loads`)
    // the core is bundled per entry point: an error thrown by another package is still the main entry's class
    t.same(results['redisError'], [true, 'INVALID_OPTIONS'], `${program}: RedisIdempotencyStore's option errors are the core's PiopiyWebhookError`)
  }
  const version = (publishable.find(p => p.manifest.name === '@piopiy-webhooks/testing') as { manifest: Manifest }).manifest.version
  t.equal(await run('npx', ['--no-install', 'piopiy-webhooks', '--version'], app), `${version}\n`, 'the CLI runs from its bin')
})
