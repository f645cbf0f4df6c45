#!/usr/bin/env node
/** The `piopiy-webhooks` executable: runs the CLI on this process's arguments and streams. */
import { main } from './cli.js'

const controller = new AbortController()
const stop = (): void => { controller.abort() }
process.once('SIGINT', stop)
process.once('SIGTERM', stop)

void main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, signal: controller.signal }).then(code => {
  process.exitCode = code
  process.off('SIGINT', stop)
  process.off('SIGTERM', stop)
})
