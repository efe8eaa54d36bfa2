/**
 * Core Lightning runes, read without the node's secret: what an operator's rune allows, so that
 * `tightrope config check` can say which method it refuses before any call fails. A rune is the
 * base64url of a 32-byte SHA-256 state followed by `=<unique_id>&<restriction>&...`; a restriction
 * is alternatives joined by `|`, each `<field><op><value>`; `\`, `|` and `&` in values are
 * backslash-escaped (CLN's ccan/rune). Pure: nothing here checks authenticity (only the node can).
 */

export interface RuneAlternative {
  field: string
  op: string
  value: string
}

/** One restriction: it holds when any of its alternatives holds. */
export type RuneRestriction = RuneAlternative[]

export interface DecodedRune {
  uniqueId: string
  restrictions: RuneRestriction[]
}

const OPS = '!=/^$~<>{}#'
const BASE64URL = /^[A-Za-z0-9_-]+={0,2}$/
const HASH_BYTES = 32

/** Splits on `sep` where it is not escaped; escapes are kept (undone per value later). */
function splitUnescaped(text: string, sep: string): string[] {
  const parts: string[] = []
  let cur = ''
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string
    if (c === '\\' && i + 1 < text.length) {
      cur += c + (text[i + 1] as string)
      i++
    } else if (c === sep) {
      parts.push(cur)
      cur = ''
    } else cur += c
  }
  parts.push(cur)
  return parts
}

const unescape = (s: string): string => s.replace(/\\(.)/g, '$1')

function parseAlternative(text: string): RuneAlternative | string {
  let i = 0
  while (i < text.length && /[A-Za-z0-9_]/.test(text[i] as string)) i++
  const op = text[i]
  if (op === undefined || !OPS.includes(op)) return `a condition without an operator: ${JSON.stringify(text)}`
  return { field: text.slice(0, i), op, value: unescape(text.slice(i + 1)) }
}

/** The rune's restrictions, or what is wrong with it (never quoting the rune itself). */
export function decodeRune(rune: string): { ok: true; rune: DecodedRune } | { ok: false; reason: string } {
  if (!BASE64URL.test(rune)) return { ok: false, reason: 'expected a rune: base64url characters only' }
  const bytes = Buffer.from(rune, 'base64url')
  if (bytes.length <= HASH_BYTES) return { ok: false, reason: 'expected a rune: this one is too short (cut off?)' }
  const text = bytes.subarray(HASH_BYTES).toString('utf8')
  if (!text.startsWith('=')) return { ok: false, reason: 'expected a rune: it does not start with its unique id' }
  const [first, ...rest] = splitUnescaped(text, '&')
  const restrictions: RuneRestriction[] = []
  for (const r of rest) {
    const alternatives: RuneAlternative[] = []
    for (const a of splitUnescaped(r, '|')) {
      const parsed = parseAlternative(a)
      if (typeof parsed === 'string') return { ok: false, reason: `expected a rune: ${parsed}` }
      alternatives.push(parsed)
    }
    restrictions.push(alternatives)
  }
  return { ok: true, rune: { uniqueId: unescape((first as string).slice(1)), restrictions } }
}

/** The text of one restriction as CLN writes it (for messages). */
export function restrictionText(r: RuneRestriction): string {
  return r.map((a) => `${a.field}${a.op}${a.value.replace(/[\\|&]/g, '\\$&')}`).join('|')
}

type Verdict = 'yes' | 'no' | 'maybe'

/** One condition on a string field, as CLN's check_condition does (`<`/`>` on integers only). */
function compare(a: RuneAlternative, actual: string | undefined): Verdict {
  if (a.op === '#') return 'yes'
  if (a.op === '!') return actual === undefined ? 'yes' : 'no'
  if (actual === undefined) return 'no'
  switch (a.op) {
    case '=':
      return actual === a.value ? 'yes' : 'no'
    case '/':
      return actual !== a.value ? 'yes' : 'no'
    case '^':
      return actual.startsWith(a.value) ? 'yes' : 'no'
    case '$':
      return actual.endsWith(a.value) ? 'yes' : 'no'
    case '~':
      return actual.includes(a.value) ? 'yes' : 'no'
    case '{':
      return actual < a.value ? 'yes' : 'no'
    case '}':
      return actual > a.value ? 'yes' : 'no'
    case '<':
    case '>': {
      const x = Number(actual)
      const y = Number(a.value)
      if (!/^-?\d+$/.test(actual) || !/^-?\d+$/.test(a.value)) return 'no'
      return (a.op === '<' ? x < y : x > y) ? 'yes' : 'no'
    }
    default:
      return 'no'
  }
}

/**
 * Whether one condition can hold for a call of `method` over clnrest at `nowSeconds`, params
 * unknown. clnrest sends no node id (so `id` is absent) and named params only (so `parrN` is
 * absent); `rate`/`per` limit spacing, not which methods pass.
 */
function alternativeVerdict(a: RuneAlternative, method: string, nowSeconds: number): Verdict {
  if (a.field === 'method') return compare(a, method)
  if (a.field === 'time') return compare(a, String(nowSeconds))
  if (a.field === 'id' || /^parr\d+$/.test(a.field)) return compare(a, undefined)
  if (a.field === 'rate' || a.field === 'per') return 'yes'
  return a.op === '#' ? 'yes' : 'maybe' // pnum, pnameX, pinvX_F: depends on the call's params
}

export interface MethodVerdict {
  method: string
  verdict: Verdict
  /** The restriction that refuses it (verdict 'no') or may refuse it (verdict 'maybe'). */
  restriction?: string
}

/** Whether a rune lets `method` through: every restriction must have an alternative that holds. */
export function runeAllows(rune: DecodedRune, method: string, nowSeconds: number): MethodVerdict {
  let maybe: string | undefined
  for (const r of rune.restrictions) {
    const verdicts = r.map((a) => alternativeVerdict(a, method, nowSeconds))
    if (verdicts.includes('yes')) continue
    if (verdicts.includes('maybe')) {
      maybe ??= restrictionText(r)
      continue
    }
    return { method, verdict: 'no', restriction: restrictionText(r) }
  }
  return maybe === undefined ? { method, verdict: 'yes' } : { method, verdict: 'maybe', restriction: maybe }
}

/** Restrictions that make calls fail however the rune is used: each a sentence for the operator. */
export function runeWarnings(rune: DecodedRune, nowSeconds: number): string[] {
  const out: string[] = []
  for (const r of rune.restrictions) {
    const text = restrictionText(r)
    if (r.some((a) => a.field === 'rate' || a.field === 'per'))
      out.push(
        `restriction "${text}" limits how often the rune may be used (rate=/per= is a minimum gap between two calls, ` +
          `not a budget): Tightrope's calls will fail "too soon"; make a rune without it`
      )
    if (r.every((a) => a.field === 'time' && a.op === '<' && compare(a, String(nowSeconds)) === 'no'))
      out.push(`restriction "${text}": the rune has expired`)
    if (r.some((a) => a.field === 'id' && a.op !== '#' && a.op !== '!'))
      out.push(`restriction "${text}": an id= condition never holds over clnrest, which sends no node id`)
  }
  return out
}
