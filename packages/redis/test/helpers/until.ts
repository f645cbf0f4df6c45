/**
 * Polls `check` until it holds: waiting for a real event (a reconnect, a key expiry) to be
 * observable, never for a guessed duration. Bounded: gives up after `tries` polls of `everyMs`.
 */
export async function until (check: () => boolean | Promise<boolean>, { tries = 2000, everyMs = 5 } = {}): Promise<boolean> {
  for (let i = 0; i < tries; i++) {
    if (await check()) return true
    await new Promise(resolve => setTimeout(resolve, everyMs))
  }
  return await check()
}
