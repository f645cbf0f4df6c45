/** Messages between the multi-process test (the parent) and its app processes, over Node's IPC channel. */

/** Parent → app: the verdict on one callback run (the parent decides which runs fail). */
export interface Verdict { type: 'verdict', id: number, fail: boolean }
export interface Shutdown { type: 'shutdown' }
export type ToApp = Verdict | Shutdown

/** App → parent. */
export interface Ready { type: 'ready', port: number, adapter: string }
/** The callback started for `key` in this app; it waits for the parent's verdict. */
export interface Fire { type: 'fire', id: number, key: string }
/** onError was called. */
export interface Failure { type: 'error', code: string }
export type ToParent = Ready | Fire | Failure

export type Adapter = 'node' | 'fastify' | 'express' | 'koa'
