// The test helpers' waitFor: a pattern that never comes fails fast with what was printed, instead of
// hanging to the file's timeout.
import t from 'tap'
import { captureIo, waitForMatch } from './helpers.js'

t.test('resolves once the pattern is printed', async t => {
  const io = captureIo()
  const waiting = io.waitFor(/listening on (\d+)/)
  io.stdout.write('starting\n')
  io.stdout.write('listening on 8080\n')
  t.equal((await waiting)[1], '8080')
})

t.test('fails with what was printed when the pattern does not come in time, or the output ended', async t => {
  let text = 'hello'
  const never = async (): Promise<void> => { await new Promise<void>(() => {}) }
  await t.rejects(waitForMatch(() => text, /bye/, never, () => false, 10), { message: '/bye/ not printed within 10 ms; printed:\nhello' })
  await t.rejects(waitForMatch(() => text, /bye/, never, () => true), { message: 'ended before printing /bye/; printed:\nhello' })
  const late = waitForMatch(() => text, /bye/, never, () => false, 10)
  text = 'bye' // printed, but no change was signalled: the last look at the deadline still finds it
  t.equal((await late)[0], 'bye')
})
