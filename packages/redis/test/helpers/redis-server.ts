/**
 * A real redis-server for tests: started on a free 127.0.0.1 port, killed at teardown.
 * No Redis on this machine is an error, never a skip: CI installs it (`.ci/run`).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs'
import { createConnection, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'

export const MISSING_REDIS = 'redis-server is not on PATH: these tests need a real Redis. ' +
  'Install it with `apt-get update && apt-get install -y redis-server` (CI does this in .ci/run), or `brew install redis` on macOS.'

/** Finds the redis-server executable on `path`, or throws {@link MISSING_REDIS}. */
export function findRedisServer (path = process.env['PATH'] ?? ''): string {
  for (const dir of path.split(delimiter).filter(Boolean)) {
    const candidate = join(dir, 'redis-server')
    try {
      accessSync(candidate, constants.X_OK)
      return candidate
    } catch {}
  }
  throw new Error(MISSING_REDIS)
}

const freePort = async (): Promise<number> => await new Promise((resolve, reject) => {
  const server = createServer()
  server.once('error', reject)
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as { port: number }
    server.close(() => { resolve(port) })
  })
})

/** Sends PING over a raw socket; resolves true on +PONG, false on any failure. */
export const ping = async (port: number): Promise<boolean> => await new Promise(resolve => {
  const socket = createConnection({ host: '127.0.0.1', port })
  let reply = ''
  socket.setEncoding('utf8')
  socket.on('connect', () => socket.write('PING\r\n'))
  socket.on('data', (chunk: string) => {
    reply += chunk
    if (reply.includes('\r\n')) { socket.destroy(); resolve(reply.startsWith('+PONG')) }
  })
  socket.on('error', () => { resolve(false) })
})

export interface RedisServer {
  readonly port: number
  readonly url: string
  /** SIGKILLs the server (no shutdown save) and waits until it is gone. */
  kill (): Promise<void>
  /** Starts the server again on the same port and data directory. */
  restart (): Promise<void>
  /** Kills the server and removes its data directory; idempotent. */
  stop (): Promise<void>
}

const running = new Set<ChildProcess>()
process.on('exit', () => { for (const child of running) child.kill('SIGKILL') })

/**
 * Starts redis-server. `persistent: true` writes every command to an append-only file (fsync
 * always), so the data survives `kill()` + `restart()` as it would on a production server;
 * otherwise nothing is written to disk.
 */
export async function startRedis (options: { persistent?: boolean } = {}): Promise<RedisServer> {
  const bin = findRedisServer()
  const dir = mkdtempSync(join(tmpdir(), 'piopiy-redis-'))
  const persistence = options.persistent === true
    ? ['--appendonly', 'yes', '--appendfsync', 'always']
    : ['--appendonly', 'no']
  let child: ChildProcess | undefined

  const launch = async (port: number): Promise<void> => {
    const proc = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...persistence, '--dir', dir],
      { stdio: ['ignore', 'pipe', 'pipe'] })
    running.add(proc)
    proc.once('exit', () => running.delete(proc))
    child = proc
    let output = ''
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer): void => {
        output += chunk.toString()
        if (output.includes('Ready to accept connections')) { proc.stdout?.off('data', onData); resolve() }
      }
      proc.stdout?.on('data', onData)
      proc.stderr?.on('data', (chunk: Buffer) => { output += chunk.toString() })
      proc.once('exit', code => { reject(new Error(`redis-server exited with ${String(code)} before it was ready:\n${output}`)) })
    })
    if (!await ping(port)) throw new Error(`redis-server on port ${port} does not answer PING:\n${output}`)
  }

  const port = await freePort()
  await launch(port)
  const kill = async (): Promise<void> => {
    const proc = child as ChildProcess
    if (proc.exitCode !== null || proc.signalCode !== null) return
    await new Promise(resolve => { proc.once('exit', resolve); proc.kill('SIGKILL') })
  }
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    kill,
    restart: async () => { await launch(port) },
    stop: async () => { await kill(); rmSync(dir, { recursive: true, force: true }) }
  }
}
