import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import t from 'tap'
import { sampleCallback, findRepoRoot, loadSamples, samplesDir } from '../src/index.js'

t.test('the repo root is the folder whose package.json has workspaces, found from below too', async t => {
  const root = findRepoRoot()
  t.ok(readdirSync(root).includes('packages'))
  t.equal(findRepoRoot(join(root, 'packages', 'contract-tests', 'src')), root)
  t.throws(() => findRepoRoot(tmpdir()), /no package.json with workspaces/)
})

t.test('every documented sample loads with its JSON form and the callback its name names', async t => {
  const samples = loadSamples()
  t.equal(samplesDir(), resolve(findRepoRoot(), 'packages/testing/samples/documented'), 'the copy inside the repository')
  t.equal(samples.length, 10, 'the ten documented samples')
  t.equal(samples.length, readdirSync(samplesDir()).filter(f => f.endsWith('.json')).length)
  for (const sample of samples) t.type(sample.json.cmiuuid, 'string', sample.name)
  t.same(new Set(samples.map(s => s.callback)), new Set(['onInboundAnswered', 'onInboundMissed', 'onOutboundAnswered',
    'onOutboundMissed', 'onCallEvent', 'onStreamEvent']), 'the samples cover every kind callback')
})

t.test('sampleCallback reads the kind from the name, and refuses a name it cannot read', async t => {
  t.equal(sampleCallback('piopiy.cdr.outbound.missed.leg-a'), 'onOutboundMissed')
  t.equal(sampleCallback('piopiy-india.event.inbound.hangup.leg-a'), 'onCallEvent')
  t.equal(sampleCallback('piopiy.event.stream.connected'), 'onStreamEvent')
  t.throws(() => sampleCallback('piopiy.cdr.inbound.ringing'), /cannot tell its kind/)
  t.throws(() => sampleCallback('notes'), /cannot tell its kind/)
})

t.test('samples without a JSON form (cut off in the docs) are left out', async t => {
  const dir = mkdtempSync(join(tmpdir(), 'samples-'))
  writeFileSync(join(dir, 'a.json'), JSON.stringify({ name: 'piopiy.cdr.inbound.missed.leg-b', json: null }))
  writeFileSync(join(dir, 'b.json'), JSON.stringify({ name: 'piopiy.cdr.inbound.missed.leg-a', json: { cmiuuid: 'x' } }))
  writeFileSync(join(dir, 'README.md'), 'not a sample')
  t.same(loadSamples(dir), [{ name: 'piopiy.cdr.inbound.missed.leg-a', json: { cmiuuid: 'x' }, callback: 'onInboundMissed' }])
})
