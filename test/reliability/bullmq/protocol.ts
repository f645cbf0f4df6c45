/** Messages between the BullMQ reliability test (the parent) and its app and worker processes, over IPC. */

/** App → parent. */
export type FromApp =
  | { type: 'ready', port: number }
  /** A 200 was written (its job is stored). */
  | { type: 'answered' }
  | { type: 'error', code: string }

/** Worker → parent. */
export type FromWorker =
  | { type: 'ready' }
  /** A callback run started; it waits for the parent's verdict. */
  | { type: 'start', id: number, jobId: string, attempt: number }
  /** onError was told. */
  | { type: 'error', code: string }
  /** The idempotent write found the job already done (a run after a completed one). */
  | { type: 'twice', jobId: string }

/** Parent → worker: whether this run fails. */
export interface Verdict { type: 'verdict', id: number, fail: boolean }
export interface Shutdown { type: 'shutdown' }
export type ToChild = Verdict | Shutdown
