/** Test helpers shared by the adapters' tests and the repository's own: callback recording, closing a server. */
import { type CallbackName, type ReceiverOptions, silentLogger } from '@piopiy-webhooks/core'
import { CALLBACKS } from '@piopiy-webhooks/core/internal'
import { once } from 'node:events'
import type { Server } from 'node:http'

/** One call of a callback: its option name, its arguments, and the first of them (the record, or onInvalid's info). */
export interface Call { callback: CallbackName, record: unknown, args: unknown[] }
type Impl = (...args: unknown[]) => unknown

/** What {@link recordCallbacks} returns: the calls so far, the options to pass, and the calls of one callback. */
export interface Recorder {
  calls: Call[]
  options: ReceiverOptions
  of: (callback: CallbackName) => Call[]
}

/**
 * Receiver options with the silent logger whose callbacks (`only` them, or every one) record each call,
 * and may also run an `impl` (whose result the callback returns).
 */
export function recordCallbacks (impl: Partial<Record<CallbackName, Impl>> = {}, only: readonly CallbackName[] = CALLBACKS): Recorder {
  const calls: Call[] = []
  const options: Record<string, unknown> = { logger: silentLogger }
  for (const callback of only) {
    options[callback] = (...args: unknown[]) => {
      calls.push({ callback, record: args[0], args })
      return impl[callback]?.(...args)
    }
  }
  return { calls, options, of: callback => calls.filter(call => call.callback === callback) }
}

/** Closes a node:http server now: open connections (keep-alive ones included) are dropped, then it waits for 'close'. */
export async function closeServer (server: Server): Promise<void> {
  server.closeAllConnections()
  server.close()
  await once(server, 'close')
}
