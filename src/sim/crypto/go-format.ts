/**
 * The few Go standard-library behaviours whose words reach LND's clients through macaroon errors:
 * fmt's %q and encoding/hex's DecodeString. Reproduced so the simulator's messages are LND's.
 */

const utf8 = new TextDecoder('utf-8', { fatal: true })

/**
 * fmt.Sprintf("%q", b) for the byte strings we quote: Go's ASCII escapes, \xHH for bytes that are
 * not valid UTF-8, other text as is (Go would also escape non-printable non-ASCII runes; we don't).
 */
export function goQuote(input: Uint8Array | string): string {
  const b = typeof input === 'string' ? Buffer.from(input, 'utf8') : input
  const named: Record<number, string> = {
    7: '\\a',
    8: '\\b',
    9: '\\t',
    10: '\\n',
    11: '\\v',
    12: '\\f',
    13: '\\r',
    34: '\\"',
    92: '\\\\'
  }
  let out = '"'
  for (let i = 0; i < b.length;) {
    const c = b[i] as number
    if (c < 0x80) {
      out += named[c] ?? (c < 0x20 || c === 0x7f ? '\\x' + c.toString(16).padStart(2, '0') : String.fromCharCode(c))
      i++
      continue
    }
    const len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1
    try {
      out += utf8.decode(b.subarray(i, i + len))
      i += len
    } catch {
      out += '\\x' + c.toString(16).padStart(2, '0')
      i++
    }
  }
  return out + '"'
}

/** %#U of one byte, as hex.InvalidByteError prints it: U+007A 'z' (no quoted glyph when unprintable). */
function goUnicode(byte: number): string {
  const code = 'U+' + byte.toString(16).toUpperCase().padStart(4, '0')
  const printable = (byte >= 0x20 && byte < 0x7f) || byte >= 0xa1 // Latin-1 controls and NBSP are not
  return printable && byte !== 0xad ? `${code} '${String.fromCharCode(byte)}'` : code
}

/**
 * encoding/hex.DecodeString: the first invalid byte wins (scanning pairs), then an odd length.
 * Throws with Go's message: `encoding/hex: invalid byte: U+007A 'z'` or `encoding/hex: odd length hex string`.
 */
export function goHexDecode(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8')
  const isHex = (b: number): boolean => (b >= 48 && b <= 57) || (b >= 65 && b <= 70) || (b >= 97 && b <= 102)
  const even = bytes.length - (bytes.length % 2)
  for (let i = 0; i < even; i++) {
    if (!isHex(bytes[i] as number)) throw new Error(`encoding/hex: invalid byte: ${goUnicode(bytes[i] as number)}`)
  }
  if (bytes.length % 2 === 1) {
    const last = bytes[bytes.length - 1] as number
    if (!isHex(last)) throw new Error(`encoding/hex: invalid byte: ${goUnicode(last)}`)
    throw new Error('encoding/hex: odd length hex string')
  }
  return Buffer.from(bytes.toString('latin1'), 'hex')
}
