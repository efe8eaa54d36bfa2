import { createHash, timingSafeEqual } from 'node:crypto'

/**
 * Core Lightning runes (ccan/rune, lightningd/runes.c), as clnrest checks them: the text form,
 * the restriction language and its refusal wording. Pure: the caller supplies the clock, the
 * last use of the rune's unique id and the node secret.
 *
 * A rune is base64url(32-byte authcode || "=<unique_id>&<restriction>&..."). Each restriction is
 * an OR of alternatives `<field><op><value>` joined by `|`; `\`, `|` and `&` inside values are
 * backslash-escaped. The restrictions are ANDed.
 *
 * Authenticity is CLN's (ccan/rune): the authcode is the SHA-256 state after the node secret and
 * then each restriction's text, every one followed by SHA-256's end padding as if the message
 * ended there. That state is the digest of secret || pad || r1 || pad || ... || rN, so the node
 * recomputes it with a plain SHA-256; a holder can append restrictions from the state alone
 * (length extension) and the node still accepts the result, as CLN does.
 */
export interface Alternative {
  field: string
  op: string
  value: string
}
export type Restriction = Alternative[]

export interface Rune {
  authcode: Buffer
  uniqueId: string
  /** The restrictions after the unique id one. */
  restrictions: Restriction[]
}

export const OPERATORS = '!=/^$~<>{}#'

function escapeValue(v: string): string {
  return v.replace(/[\\|&]/g, (c) => `\\${c}`)
}

/** Splits on an unescaped separator, keeping escapes for the next level. */
function splitUnescaped(text: string, sep: string): string[] {
  const out: string[] = []
  let cur = ''
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string
    if (c === '\\' && i + 1 < text.length) {
      cur += c + (text[i + 1] as string)
      i++
    } else if (c === sep) {
      out.push(cur)
      cur = ''
    } else cur += c
  }
  out.push(cur)
  return out
}

const unescape = (v: string): string => v.replace(/\\(.)/g, '$1')

export function parseAlternative(text: string): Alternative {
  const m = /^([A-Za-z0-9_]*)(.)([\s\S]*)$/.exec(text)
  if (!m || !OPERATORS.includes(m[2] as string)) throw new Error(`invalid restriction alternative "${text}"`)
  return { field: m[1] as string, op: m[2] as string, value: unescape(m[3] as string) }
}

/** Each restriction's text, the unique id's first: what the authcode hashes, one by one. */
function texts(uniqueId: string, restrictions: Restriction[]): string[] {
  const rows = restrictions.map((r) => r.map((a) => `${a.field}${a.op}${escapeValue(a.value)}`).join('|'))
  return [`=${escapeValue(uniqueId)}`, ...rows]
}

export function restrictionsToText(uniqueId: string, restrictions: Restriction[]): string {
  return texts(uniqueId, restrictions).join('&')
}

export function parseRestrictionText(text: string): { uniqueId: string; restrictions: Restriction[] } {
  const rows = splitUnescaped(text, '&')
  const first = parseAlternative(rows[0] ?? '')
  if (first.field !== '' || first.op !== '=') throw new Error('a rune starts with its unique id')
  const restrictions = rows.slice(1).map((row) => splitUnescaped(row, '|').map(parseAlternative))
  return { uniqueId: first.value, restrictions }
}

/** Parses a rune string; throws on anything that is not one. */
export function decodeRune(rune: string): Rune {
  if (!/^[A-Za-z0-9_-]+={0,2}$/.test(rune)) throw new Error('not base64url')
  const bytes = Buffer.from(rune, 'base64url')
  if (bytes.length < 33) throw new Error('too short')
  const { uniqueId, restrictions } = parseRestrictionText(bytes.subarray(32).toString('utf8'))
  return { authcode: Buffer.from(bytes.subarray(0, 32)), uniqueId, restrictions }
}

/** SHA-256's end padding for a message of `length` bytes: 0x80, zeros, the bit length (8 bytes). */
function endPadding(length: number): Buffer {
  const zeros = (64 - ((length + 1 + 8) % 64)) % 64
  const pad = Buffer.alloc(1 + zeros + 8)
  pad[0] = 0x80
  pad.writeBigUInt64BE(BigInt(length) * 8n, 1 + zeros)
  return pad
}

/** ccan/rune's authcode for a secret and restriction texts (the unique id `=N` is the first). */
export function authcodeFor(secret: Uint8Array, restrictionTexts: string[]): Buffer {
  const sha = createHash('sha256').update(secret)
  let length = secret.length
  for (const text of restrictionTexts) {
    const pad = endPadding(length)
    const bytes = Buffer.from(text, 'utf8')
    sha.update(pad).update(bytes)
    length += pad.length + bytes.length
  }
  return sha.digest()
}

/** base64url with padding, as CLN prints runes. */
export function encodeRune(secret: Uint8Array, uniqueId: string, restrictions: Restriction[]): string {
  const text = restrictionsToText(uniqueId, restrictions)
  return Buffer.concat([authcodeFor(secret, texts(uniqueId, restrictions)), Buffer.from(text, 'utf8')])
    .toString('base64')
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
}

export function isAuthentic(secret: Uint8Array, rune: Rune): boolean {
  return timingSafeEqual(authcodeFor(secret, texts(rune.uniqueId, rune.restrictions)), rune.authcode)
}

/** createrune's `restrictions` param: "readonly" or an array of arrays of strings. */
export const READONLY: string[][] = [['method^list', 'method^get', 'method=summary'], ['method/listdatastore']]

export function restrictionsFromParam(param: unknown): Restriction[] {
  const rows = param === 'readonly' ? READONLY : param
  if (!Array.isArray(rows)) throw new Error('restrictions: should be an array of arrays of strings, or "readonly"')
  return rows.map((row) => {
    const alts = typeof row === 'string' ? [row] : row
    if (!Array.isArray(alts) || alts.length === 0 || alts.some((a) => typeof a !== 'string'))
      throw new Error('restrictions: should be an array of arrays of strings')
    return (alts as string[]).map(parseAlternative)
  })
}

/** What a check sees: the method, its named params (JSON values), the time and the id's last use. */
export interface RuneCall {
  method: string
  params: Record<string, unknown>
  nowMs: number
  /** When this unique id last passed a check (ms), for rate= and per=. */
  lastUsedMs?: number
}

const PER_UNIT_MS: Record<string, number> = {
  nsec: 1e-6,
  usec: 1e-3,
  msec: 1,
  sec: 1000,
  min: 60_000,
  hour: 3_600_000,
  day: 86_400_000
}

/** A field's value for a call: a string, an integer, or absent. */
function fieldValue(field: string, call: RuneCall): { present: false } | { present: true; text: string; int?: bigint } {
  if (field === 'method') return { present: true, text: call.method }
  if (field === 'time') {
    const t = Math.floor(call.nowMs / 1000)
    return { present: true, text: String(t), int: BigInt(t) }
  }
  if (field === 'pnum') {
    const n = Object.keys(call.params).length
    return { present: true, text: String(n), int: BigInt(n) }
  }
  if (field.startsWith('pname')) {
    // Since v24.05 the name may keep its underscores; without them it matches too.
    const want = field.slice(5)
    const key = Object.keys(call.params).find((k) => k === want || k.replace(/_/g, '') === want)
    if (key === undefined) return { present: false }
    const v = call.params[key]
    if (typeof v === 'string') return { present: true, text: v }
    if (typeof v === 'number' && Number.isInteger(v)) return { present: true, text: String(v), int: BigInt(v) }
    return { present: true, text: JSON.stringify(v) }
  }
  // id (no node id over REST), parrN (params are named), pinvX_F and anything else: absent.
  return { present: false }
}

/** One alternative: undefined when it passes, else the reason (ccan/rune's wording). */
export function checkAlternative(alt: Alternative, call: RuneCall): string | undefined {
  const { field, op, value } = alt
  if (op === '#') return undefined
  if (field === 'rate' && op === '=') {
    const perMin = Number(value)
    if (!Number.isInteger(perMin) || perMin <= 0) return 'rate is not a valid integer'
    return tooSoon(call, 60_000 / perMin)
  }
  if (field === 'per' && op === '=') {
    const m = /^(\d+)(nsec|usec|msec|sec|min|hour|day)?$/.exec(value)
    if (!m) return 'per is not a valid period'
    return tooSoon(call, Number(m[1]) * (PER_UNIT_MS[m[2] ?? 'sec'] as number))
  }
  const v = fieldValue(field, call)
  if (op === '!') return v.present ? `${field} is present` : undefined
  if (!v.present) return `${field} not present`
  switch (op) {
    case '=':
      return v.text === value ? undefined : `${field} is not equal to ${value}`
    case '/':
      return v.text !== value ? undefined : `${field} is equal to ${value}`
    case '^':
      return v.text.startsWith(value) ? undefined : `${field} does not start with ${value}`
    case '$':
      return v.text.endsWith(value) ? undefined : `${field} does not end with ${value}`
    case '~':
      return v.text.includes(value) ? undefined : `${field} does not contain ${value}`
    case '<':
    case '>': {
      if (v.int === undefined) return `${field} is not an integer field`
      if (!/^-?\d+$/.test(value)) return `${field} is not a valid integer`
      const limit = BigInt(value)
      if (op === '<') return v.int < limit ? undefined : `${field} is greater or equal to ${value}`
      return v.int > limit ? undefined : `${field} is less or equal to ${value}`
    }
    case '{':
      return v.text < value ? undefined : `${field} is the same or ordered after ${value}`
    case '}':
      return v.text > value ? undefined : `${field} is the same or ordered before ${value}`
    default:
      return `${field} has unknown operator ${op}`
  }
}

function tooSoon(call: RuneCall, gapMs: number): string | undefined {
  return call.lastUsedMs !== undefined && call.nowMs - call.lastUsedMs < gapMs ? 'too soon' : undefined
}

/** `pnameX ...` reads `parameter X ...` in CLN's refusal. */
function reword(reason: string): string {
  return reason.startsWith('pname') ? `parameter ${reason.slice(5)}` : reason
}

/** Every restriction must have a passing alternative: undefined when allowed, else the reason. */
export function checkRestrictions(restrictions: Restriction[], call: RuneCall): string | undefined {
  for (const row of restrictions) {
    const reasons: string[] = []
    for (const alt of row) {
      const reason = checkAlternative(alt, call)
      if (reason === undefined) break
      reasons.push(reword(reason))
    }
    if (reasons.length === row.length) return reasons.join(' AND ')
  }
  return undefined
}

/** CLN's restrictions_as_english for showrunes. */
export function restrictionsAsEnglish(restrictions: Restriction[]): string {
  const words: Record<string, string> = {
    '=': 'equal to',
    '/': 'not equal to',
    '^': 'starts with',
    $: 'ends with',
    '~': 'contains',
    '<': 'less than',
    '>': 'greater than',
    '{': 'sorts before',
    '}': 'sorts after',
    '#': 'comment:',
    '!': 'is missing'
  }
  return restrictions
    .map((r) =>
      r.map((a) => (a.op === '!' ? `${a.field} is missing` : `${a.field} ${words[a.op]} ${a.value}`)).join(' OR ')
    )
    .join(' AND ')
}
