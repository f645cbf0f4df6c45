/**
 * `extra_params` arrives as a string in one of four styles (docs/fields.md):
 *   (a) JSON                 '{"key":"value"}'
 *   (b) single-quoted        "{ 'Name': 'Akil', 'ID':8915726 }"
 *   (c) unquoted keys        '{key: value}'
 *   (d) Key=Value            '{ Name=Akil, ID=8915726 }'
 * JSON goes through JSON.parse; the others through the small recursive-descent reader below. Nothing is
 * evaluated. A string that fits no style gives `undefined` (never an error).
 */
import { isForbidden, parseJson } from './safe-json.js'

type Value = string | number | boolean | null | Value[] | { [key: string]: Value }
const MAX_DEPTH = 32

/** Parses `extra_params` from any documented style; `undefined` when it fits none. */
export function parseExtraParams (raw: string): Record<string, unknown> | undefined {
  const text = raw.trim()
  if (codeAt(text, 0) !== OPEN) return undefined // codes, not one-character strings: each `text[i]` was a call
  if (looksLikeJson(text)) {
    try {
      return parseJson(text) as Record<string, unknown>
    } catch {}
  }
  return flatObject(text) ?? readLoose(text)
}

/** What {@link LooseReader} makes of `text` (which starts with `{`): the object, or `undefined` when it is not one. */
export function readLoose (text: string): Record<string, Value> | undefined {
  const reader = new LooseReader(text)
  try {
    const value = reader.object(0)
    reader.skipSpace()
    return reader.done() ? value : undefined
  } catch {
    return undefined
  }
}

/** `{"` or `{}` after optional spaces: worth a JSON.parse (style a); other styles skip the throw. */
function looksLikeJson (text: string): boolean {
  let i = 1
  let code = codeAt(text, 1)
  while (isSpace(code)) code = codeAt(text, ++i)
  return code === DOUBLE_QUOTE || code === CLOSE
}

/**
 * The code of `text[pos]`, or -1 past the end. `charCodeAt` past the end (NaN) deoptimizes the function that reads,
 * and V8 then compiles that read as a call to the builtin instead of a load: a slower loop over every character of
 * every later string (bench/findings.md, fifth round). The fast path below reads through this, never past the end.
 */
const codeAt = (text: string, pos: number): number => pos < text.length ? text.charCodeAt(pos) : -1

const isSpace = (code: number): boolean => code === 32 || (code >= 9 && code <= 13) || code === 0xa0 || code === 0xfeff
/** Characters of a bare key: letters, digits, `_`, `$`, `.`, `-`. */
const isKeyChar = (code: number): boolean =>
  (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 95 || code === 36 || code === 46 || code === 45

// character codes the reader compares (a code compare costs less than a one-character string)
const DOUBLE_QUOTE = 34
const SINGLE_QUOTE = 39
const COMMA = 44
const COLON = 58
const EQUALS = 61
const OPEN_LIST = 91
const CLOSE_LIST = 93
const OPEN = 123
const CLOSE = 125
const BACKSLASH = 92

class LooseReader {
  pos = 0
  constructor (readonly text: string) {}

  done (): boolean { return this.pos === this.text.length }

  skipSpace (): void {
    while (isSpace(this.text.charCodeAt(this.pos))) this.pos++
  }

  fail (): never { throw new SyntaxError(`unexpected input at ${this.pos}`) }

  /** Steps over the `{` or `[` that the caller has just seen. */
  open (): void {
    this.skipSpace()
    this.pos++
  }

  /** The code of the next character that is not a space (NaN at the end). */
  peek (): number {
    this.skipSpace()
    return this.text.charCodeAt(this.pos)
  }

  object (depth: number): Record<string, Value> {
    if (depth > MAX_DEPTH) this.fail()
    this.open()
    const out: Record<string, Value> = {}
    if (this.peek() === CLOSE) { this.pos++; return out }
    for (;;) {
      const key = this.key()
      const sep = this.peek()
      if (sep !== COLON && sep !== EQUALS) this.fail()
      this.pos++
      const value = this.value(depth, sep === EQUALS)
      if (!isForbidden(key)) out[knownKey(key)] = value
      const next = this.peek()
      this.pos++
      if (next === CLOSE) return out
      if (next !== COMMA) this.fail()
      if (this.peek() === CLOSE) { this.pos++; return out } // trailing comma
    }
  }

  array (depth: number): Value[] {
    if (depth > MAX_DEPTH) this.fail()
    this.open()
    const out: Value[] = []
    if (this.peek() === CLOSE_LIST) { this.pos++; return out }
    for (;;) {
      out.push(this.value(depth, false))
      const next = this.peek()
      this.pos++
      if (next === CLOSE_LIST) return out
      if (next !== COMMA) this.fail()
    }
  }

  key (): string {
    const code = this.peek()
    if (code === DOUBLE_QUOTE || code === SINGLE_QUOTE) return this.quoted(code === DOUBLE_QUOTE ? '"' : "'")
    const start = this.pos
    while (isKeyChar(this.text.charCodeAt(this.pos))) this.pos++
    if (this.pos === start) this.fail()
    return this.text.slice(start, this.pos)
  }

  quoted (quote: string): string {
    this.pos++ // opening quote
    const end = this.text.indexOf(quote, this.pos)
    const backslash = this.text.indexOf('\\', this.pos)
    if (end >= 0 && (backslash < 0 || backslash > end)) { // no escapes: one slice
      const out = this.text.slice(this.pos, end)
      this.pos = end + 1
      return out
    }
    let out = ''
    while (this.pos < this.text.length) {
      const char = this.text[this.pos++] as string
      if (char === quote) return out
      if (char === '\\' && this.pos < this.text.length) {
        const next = this.text[this.pos++] as string
        out += next === 'n' ? '\n' : next === 't' ? '\t' : next
      } else {
        out += char
      }
    }
    return this.fail()
  }

  value (depth: number, keyValueStyle: boolean): Value {
    const code = this.peek()
    if (code === DOUBLE_QUOTE || code === SINGLE_QUOTE) return this.quoted(code === DOUBLE_QUOTE ? '"' : "'")
    if (code === OPEN) return this.object(depth + 1)
    if (code === OPEN_LIST && !keyValueStyle) return this.array(depth + 1)
    // a bare word runs to the next separator: `value`, `Akil Kumar`, `8915726`, `true`
    const start = this.pos
    const text = this.text
    this.pos = wordEnd(text, start)
    const word = text.slice(start, this.pos).trim()
    if (word === '') this.fail()
    return bareValue(word)
  }
}

/** Where the bare word at `pos` ends: at the next `,`, `}` or `]`, or at the end of the text. */
function wordEnd (text: string, pos: number): number {
  for (let c = codeAt(text, pos); pos < text.length && c !== COMMA && c !== CLOSE && c !== CLOSE_LIST; c = codeAt(text, ++pos));
  return pos
}

/** The position of the first character at or after `pos` that is not a space. */
function skip (text: string, pos: number): number {
  while (isSpace(codeAt(text, pos))) pos++
  return pos
}

/** The closing quote of the string opened at `pos`, or -1 when a backslash (an escape) or the end comes first. */
function plainQuoted (text: string, pos: number, quote: number): number {
  for (let i = pos + 1; i < text.length; i++) {
    const code = codeAt(text, i)
    if (code === quote) return i
    if (code === BACKSLASH) return -1
  }
  return -1
}

/**
 * The common case in one function, its position a local: an object (`text[0]` is `{`) of keys and flat values
 * (quoted strings without escapes, bare words), read exactly as {@link LooseReader} reads it. Anything else
 * (a nested object or list, an escape, any syntax error) gives `undefined`, and the reader reads it (or rejects it)
 * itself. In the receiver ~2–3 % of `parseNotification` (bench/findings.md, fourth round).
 */
export function flatObject (text: string): Record<string, Value> | undefined {
  const end = text.length
  const out: Record<string, Value> = {}
  let pos = skip(text, 1)
  let stored = 0
  if (codeAt(text, pos) === CLOSE) return skip(text, pos + 1) === end ? out : undefined
  for (;;) {
    let code = codeAt(text, pos)
    let key: string
    if (code === DOUBLE_QUOTE || code === SINGLE_QUOTE) {
      const close = plainQuoted(text, pos, code)
      if (close < 0) return undefined
      key = text.slice(pos + 1, close)
      pos = close + 1
    } else {
      const start = pos
      while (isKeyChar(codeAt(text, pos))) pos++
      if (pos === start) return undefined
      key = text.slice(start, pos)
    }
    pos = skip(text, pos)
    const sep = codeAt(text, pos)
    if (sep !== COLON && sep !== EQUALS) return undefined
    pos = skip(text, pos + 1)
    code = codeAt(text, pos)
    let value: Value
    if (code === DOUBLE_QUOTE || code === SINGLE_QUOTE) {
      const close = plainQuoted(text, pos, code)
      if (close < 0) return undefined
      value = text.slice(pos + 1, close)
      pos = close + 1
    } else if (code >= 49 && code <= 57) { // 1-9: an integer of at most 15 digits is its own shortest text (no Number())
      const start = pos
      let n = 0
      do { n = n * 10 + code - 48; code = codeAt(text, ++pos) } while (code >= 48 && code <= 57)
      const digits = pos - start
      pos = skip(text, pos)
      code = codeAt(text, pos)
      if (digits <= 15 && (code === COMMA || code === CLOSE || code === CLOSE_LIST)) value = n
      else { // a longer number or a word that starts with digits: the rest of the bare word, as below
        pos = wordEnd(text, pos)
        value = bareValue(text.slice(start, pos).trim())
      }
    } else {
      if (code === OPEN || (code === OPEN_LIST && sep === COLON)) return undefined
      const start = pos // a bare word, as LooseReader.value reads it
      pos = wordEnd(text, pos)
      const word = text.slice(start, pos).trim()
      if (word === '') return undefined
      value = bareValue(word)
    }
    if (!isForbidden(key)) put(out, stored++, knownKey(key), value)
    pos = skip(text, pos)
    const next = codeAt(text, pos++)
    if (next === CLOSE) return skip(text, pos) === end ? out : undefined
    if (next !== COMMA) return undefined
    pos = skip(text, pos)
    if (codeAt(text, pos) === CLOSE) return skip(text, pos + 1) === end ? out : undefined // trailing comma
  }
}

/**
 * `out[key] = value` for the `index`th key of an object, one store site per position. A single site sees every
 * name and goes megamorphic: V8 then looks each name up in the object's transitions and on its prototype chain (in
 * context ~4 % of parseNotification). A sender sends the same keys in the same order, so each of these sites sees
 * one name on one shape and stays monomorphic (bench/findings.md, fifth round).
 */
function put (out: Record<string, Value>, index: number, key: string, value: Value): void {
  switch (index) {
    case 0: out[key] = value; break
    case 1: out[key] = value; break
    case 2: out[key] = value; break
    case 3: out[key] = value; break
    default: out[key] = value
  }
}

/**
 * Keys seen lately, by length and first character: a sender's `extra_params` keep the same few keys. Each is kept
 * as V8's own copy of the name (a property name from `Object.keys`), so that a store site compares it by identity;
 * a fresh slice of the text would be looked up in V8's table of names at every store.
 */
const KEYS: string[] = new Array<string>(64).fill('')

function knownKey (key: string): string {
  const slot = (key.length * 31 + key.charCodeAt(0)) & 63
  const known = KEYS[slot] as string
  if (known === key) return known
  const name = Object.keys({ [key]: 0 })[0] as string
  KEYS[slot] = name
  return name
}

/** A bare word keeps the type it shows: numbers (that round-trip exactly), booleans, null; else a string. */
function bareValue (word: string): Value {
  if (word === 'true') return true
  if (word === 'false') return false
  if (word === 'null') return null
  const first = word.charCodeAt(0)
  if ((first >= 48 && first <= 57) || first === 45) { // a digit or '-': maybe a number
    const n = Number(word)
    // only a word that is the number's own shortest text becomes a number: '04471000000', '1.50', '0x1f' or a
    // 20-digit id would change if made one, and stay strings
    if (Number.isFinite(n) && String(n) === word) return n
  }
  return word
}
