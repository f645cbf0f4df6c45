// The contract suite's own helper: WatchedStore.until keeps every waiter of an event, and fails fast,
// naming the event and what did happen, instead of hanging to the file's timeout.
import t from 'tap'
import { WatchedStore } from '../src/index.js'

t.test('several waiters of one event all resolve', async t => {
  const store = new WatchedStore()
  const waiting = [store.until('claim:claimed'), store.until('claim:claimed'), store.until('complete')]
  t.equal(await store.claim('k', 60_000, 'a:1'), 'claimed')
  await store.complete('k', 'a:1')
  await Promise.all(waiting)
  t.same(store.events, ['claim:claimed', 'complete'])
  await store.until('complete') // already happened: at once
})

t.test('an event that does not happen fails with a clear message', async t => {
  const store = new WatchedStore(10)
  await t.rejects(store.until('release'), { message: "store.until('release'): not within 10 ms; events so far: none" })
  await store.claim('k', 60_000, 'a:1')
  await t.rejects(store.until('release'), { message: /events so far: claim:claimed$/ })
})
