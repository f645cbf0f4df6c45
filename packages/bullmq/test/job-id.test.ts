/** The job id mapping: no ':' (BullMQ refuses it), never an integer, and injective (decodes back to its key). */
import t from 'tap'
import fc from 'fast-check'
import { jobIdOf, keyOfJobId } from '../src/index.js'

t.test('examples', async t => {
  t.equal(jobIdOf('cdr:2222222:inbound:answered:a:u-1'), 'cdr%3A2222222%3Ainbound%3Aanswered%3Aa%3Au-1')
  t.equal(jobIdOf('cdr:1:inbound:answered:a:x%3Ay'), 'cdr%3A1%3Ainbound%3Aanswered%3Aa%3Ax%253Ay', 'an escaped field stays apart from a raw ":"')
  t.not(jobIdOf('a:b'), jobIdOf('a%3Ab'))
  t.equal(jobIdOf('plain-key_ü'), 'plain-key_ü', 'other characters are kept as they are')
})

t.test('for any strings: no ":" in an id, the key decodes back, and two keys never share an id', async t => {
  const text = fc.string({ unit: fc.constantFrom(':', '%', '3', 'A', '2', '5', 'a', 'b', '\ud800', 'é') })
  fc.assert(fc.property(text, key => {
    const id = jobIdOf(key)
    return !id.includes(':') && keyOfJobId(id) === key
  }), { numRuns: 5000 })
  fc.assert(fc.property(text, text, (a, b) => (jobIdOf(a) === jobIdOf(b)) === (a === b)), { numRuns: 5000 })
  t.pass('5 000 runs each')
})
