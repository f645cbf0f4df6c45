/**
 * parseExtraParams on its own: the four documented styles, what each keeps of a value's type, the
 * edges of the reader, and the strings that fit no style (undefined, never a throw).
 */
import fc from 'fast-check'
import t from 'tap'
import { flatObject, parseExtraParams, readLoose } from '../src/extra-params.js'

t.test('the four documented styles', async t => {
  t.strictSame(parseExtraParams('{"key":"value"}'), { key: 'value' }, '(a) JSON')
  t.strictSame(parseExtraParams("{ 'Name': 'Akil', 'ID':8915726 }"), { Name: 'Akil', ID: 8915726 }, '(b) single-quoted')
  t.strictSame(parseExtraParams('{key: value}'), { key: 'value' }, '(c) unquoted keys')
  t.strictSame(parseExtraParams('{ Name=Akil, ID=8915726 }'), { Name: 'Akil', ID: 8915726 }, '(d) Key=Value')
})

t.test('JSON style: any JSON object, with spaces, empty, nested', async t => {
  t.strictSame(parseExtraParams('  { "a" : 1, "b": [true, null, {"c": "d"}] }  '), { a: 1, b: [true, null, { c: 'd' }] })
  t.strictSame(parseExtraParams('{}'), {})
  t.strictSame(parseExtraParams('{ }'), {})
  t.strictSame(parseExtraParams('{"id":"04471000000","n":12345678901234567890}'), { id: '04471000000', n: 12345678901234567890 }, 'JSON keeps JSON types')
})

t.test('JSON-looking text that is not JSON falls back to the loose reader', async t => {
  t.strictSame(parseExtraParams(`{"a": 'x'}`), { a: 'x' }, 'double-quoted key, single-quoted value')
  t.strictSame(parseExtraParams('{"a": 1,}'), { a: 1 }, 'trailing comma')
  t.equal(parseExtraParams('{"a": 1'), undefined, 'cut off')
})

t.test('bare values keep the type they show', async t => {
  t.strictSame(parseExtraParams('{a: true, b: false, c: null, d: 8915726, e: -3, f: 0.5, g: 0, h: -0.25}'),
    { a: true, b: false, c: null, d: 8915726, e: -3, f: 0.5, g: 0, h: -0.25 })
  // numbers that would change if converted stay strings: a leading zero, too many digits, other spellings
  t.strictSame(parseExtraParams('{a: 04471000000, b: 12345678901234567890, c: 1.50, d: 1e3, e: -0, f: +1, g: 0x10, h: .5}'),
    { a: '04471000000', b: '12345678901234567890', c: '1.50', d: '1e3', e: '-0', f: '+1', g: '0x10', h: '.5' })
  t.strictSame(parseExtraParams('{ Name=Akil Kumar, City = New Delhi , Flag=true, N=007 }'),
    { Name: 'Akil Kumar', City: 'New Delhi', Flag: true, N: '007' }, 'bare words run to the next separator, trimmed')
  t.strictSame(parseExtraParams('{a: TRUE, b: Null}'), { a: 'TRUE', b: 'Null' }, 'keywords are case-sensitive')
})

t.test('keys: bare (letters, digits, _ $ . -), single- or double-quoted', async t => {
  t.strictSame(parseExtraParams('{ $id: 1, a.b-c_D9: 2, "x y": 3, \'p q\': 4 }'), { $id: 1, 'a.b-c_D9': 2, 'x y': 3, 'p q': 4 })
  t.equal(parseExtraParams('{ : 1 }'), undefined, 'empty key')
  t.equal(parseExtraParams('{ a b: 1 }'), undefined, 'a space inside a bare key')
  t.equal(parseExtraParams('{ a; 1 }'), undefined, 'neither : nor =')
  t.equal(parseExtraParams('{ é: 1 }'), undefined, 'a non-ASCII bare key')
})

t.test('quoted strings: escapes, quotes of the other kind, unterminated', async t => {
  t.strictSame(parseExtraParams(String.raw`{'it\'s': 'a\nb', x: "tab\there", y: 'back\\slash', z: 'say "hi"', w: "it's"}`),
    { "it's": 'a\nb', x: 'tab\there', y: 'back\\slash', z: 'say "hi"', w: "it's" })
  t.strictSame(parseExtraParams(String.raw`{a: 'plain', b: 'esc\'aped'}`), { a: 'plain', b: "esc'aped" }, 'a backslash only later in the text')
  t.strictSame(parseExtraParams(String.raw`{a: '\q'}`), { a: 'q' }, 'an unknown escape keeps the character')
  t.equal(parseExtraParams("{a: 'open}"), undefined, 'unterminated')
  t.equal(parseExtraParams(String.raw`{a: 'open\'}`), undefined, 'unterminated after an escape')
  t.equal(parseExtraParams("{a: 'x\\"), undefined, 'a backslash as the last character')
})

t.test('arrays and nested objects (not in the Key=Value style)', async t => {
  t.strictSame(parseExtraParams("{a: [1, 'two', {b: 3}, [], [x]], e: [], o: {}, p: {q: {r: s}}}"),
    { a: [1, 'two', { b: 3 }, [], ['x']], e: [], o: {}, p: { q: { r: 's' } } })
  t.equal(parseExtraParams('{a: [1}'), undefined, 'array closed by }')
  t.equal(parseExtraParams('{a: [1,'), undefined, 'array cut off')
  t.equal(parseExtraParams('{ ID=[1] }'), undefined, 'Key=Value has no arrays')
  t.strictSame(parseExtraParams('{ A={B=1} }'), { A: { B: 1 } }, 'Key=Value nests objects')
})

t.test('depth is bounded (32 nested levels), never a stack overflow', async t => {
  const nest = (levels: number): string => '{a:'.repeat(levels) + '1' + '}'.repeat(levels)
  t.strictSame(parseExtraParams(nest(33)), JSON.parse(nest(33).replaceAll('a', '"a"')), '33 objects: the limit')
  t.equal(parseExtraParams(nest(34)), undefined, '34 objects: over the limit')
  const arrays = (levels: number): string => '{a:' + '['.repeat(levels) + '1' + ']'.repeat(levels) + '}'
  t.ok(parseExtraParams(arrays(32)) !== undefined, '32 arrays inside the object')
  t.equal(parseExtraParams(arrays(33)), undefined, '33 arrays: over the limit')
  t.equal(parseExtraParams('{a:'.repeat(100000)), undefined, '100 000 levels')
})

t.test('separators, trailing commas, spaces of every kind', async t => {
  t.strictSame(parseExtraParams('{a:1,}'), { a: 1 }, 'one trailing comma')
  t.equal(parseExtraParams('{a:1,,}'), undefined, 'two commas')
  t.equal(parseExtraParams('{,}'), undefined, 'a lone comma')
  t.equal(parseExtraParams("{a:'x' b:1}"), undefined, 'missing comma after a quoted value')
  t.equal(parseExtraParams('{a:}'), undefined, 'missing value')
  t.equal(parseExtraParams('{a: , b: 1}'), undefined, 'blank value')
  t.strictSame(parseExtraParams('\t{\n a\u00a0:\r 1 ,\uFEFF b : 2 \n}\n'), { a: 1, b: 2 }, 'tabs, newlines, NBSP, BOM')
})

t.test('strings that fit no style give undefined', async t => {
  for (const raw of ['', '   ', 'value', 'Name=Akil', '[1,2]', '"{}"', '{', '}', '{a:1} tail', '{a:1}}', '{{}}', 'null']) {
    t.equal(parseExtraParams(raw), undefined, JSON.stringify(raw))
  }
})

t.test('forbidden keys are dropped in every style; the result has the ordinary prototype', async t => {
  const cases = [
    '{"__proto__": {"polluted": 1}, "constructor": {"prototype": {"polluted": 1}}, "prototype": 1, "ok": 1}',
    "{'__proto__': {'polluted': 1}, 'constructor': {'prototype': {'polluted': 1}}, 'prototype': 1, 'ok': 1}",
    '{__proto__: {polluted: 1}, constructor: {prototype: {polluted: 1}}, prototype: 1, ok: 1}',
    '{ __proto__=polluted, constructor=1, prototype=2, ok=1 }'
  ]
  for (const raw of cases) {
    const value = parseExtraParams(raw)
    t.strictSame(value, { ok: 1 }, raw)
    t.equal(Object.getPrototypeOf(value), Object.prototype, `${raw}: prototype`)
    t.equal(({} as Record<string, unknown>).polluted, undefined, `${raw}: Object.prototype untouched`)
  }
  t.strictSame(parseExtraParams('{a: {__proto__: {x: 1}, b: 2}}'), { a: { b: 2 } }, 'nested, loose style')
  t.strictSame(parseExtraParams('{"a": {"__proto__": {"x": 1}, "b": 2}}'), { a: { b: 2 } }, 'nested, JSON style')
  t.strictSame(parseExtraParams('{"\\u005f_proto__": {"x": 1}, "b": 2}'), { b: 2 }, 'written with a \\u escape')
  t.strictSame(parseExtraParams('{constructors: 1, my_prototype: 2, __proto: 3}'), { constructors: 1, my_prototype: 2, __proto: 3 }, 'look-alike keys are kept')
})

t.test('the flat-object fast path reads exactly what the reader reads, and leaves it everything else', async t => {
  const cases: Array<[string, Record<string, unknown> | undefined]> = [
    ['{}', {}], ['{ } x', undefined], ["{'a':'b'}", { a: 'b' }], ['{ "a" = "b" }', { a: 'b' }],
    ["{'a\\'b': 1}", undefined], ["{'a: 1}", undefined], ["{a: 'b\\'c'}", undefined], ["{a: 'b}", undefined],
    ['{:1}', undefined], ['{a 1}', undefined], ['{a: {b: 1}}', undefined], ['{a: [1]}', undefined], ['{a=[1}', { a: '[1' }],
    ['{a: }', undefined], ['{a: 1 x', undefined], ['{a: 1} x', undefined], ['{a: 1,}', { a: 1 }], ['{a: 1, }  ', { a: 1 }],
    ['{a: 1,} x', undefined], ["{a: 'b' c}", undefined], ['{a: 1, b: Akil Kumar}', { a: 1, b: 'Akil Kumar' }],
    ['{__proto__: 1, a: 2, constructor=3}', { a: 2 }], ["{ 'Name': 'Akil', 'ID':8915726 }", { Name: 'Akil', ID: 8915726 }],
    ['{a: 123456789012345 , b=7]', undefined], ['{a: 123456789012345 , b=7}', { a: 123456789012345, b: 7 }],
    ['{a: 1234567890123456, b: 12345678901234567890}', { a: 1234567890123456, b: '12345678901234567890' }], ['{a: 0123, b: 12 c, c=9\u00a0}', { a: '0123', b: '12 c', c: 9 }],
    ['{a: 9 ]}', undefined],
    ['{a: 12', undefined], ['{a: 12 ', undefined], ['{a: 1, b: 2, c: 3, d: 4, e: 5, f: 6}', { a: 1, b: 2, c: 3, d: 4, e: 5, f: 6 }],
    ['{f: 6, e: 5, d: 4, c: 3, b: 2, a: 1}', { f: 6, e: 5, d: 4, c: 3, b: 2, a: 1 }]
  ]
  for (const [text, want] of cases) {
    t.strictSame(flatObject(text), want, text)
    if (want !== undefined) t.strictSame(readLoose(text), want, `${text}: the reader agrees`)
  }
  t.strictSame(parseExtraParams("{a: 'b\\'c', d: [1, {e: 2}]}"), { a: "b'c", d: [1, { e: 2 }] }, 'left to the reader')
  const token = fc.constantFrom('{', '}', '[', ']', ':', '=', ',', ' ', '\u00a0', "'", '"', '\\', 'a', 'Name', '8915726', '-0', '1.50', 'true', 'null', '__proto__', "'x'", '"y"', 'b c', '0', '12', '1234567890123456')
  fc.assert(fc.property(fc.array(token, { maxLength: 24 }), tokens => {
    const text = `{${tokens.join('')}`
    const fast = flatObject(text)
    if (fast !== undefined) t.strictSame(fast, readLoose(text), text)
    const plain = `{ k${tokens.length}: v, ${tokens.filter(x => x !== '{' && x !== '[').join('')}`
    const flat = flatObject(plain)
    if (flat !== undefined) t.strictSame(flat, readLoose(plain), plain)
  }), { numRuns: 3000 })
})
