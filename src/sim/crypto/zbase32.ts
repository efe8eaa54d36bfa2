/** z-base-32 (the encoding of LND's SignMessage signatures). */
const ALPHABET = 'ybndrfg8ejkmcpqxot1uwisza345h769'
const INDEX = new Map([...ALPHABET].map((c, i) => [c, i]))

export function zbase32Encode (bytes: Uint8Array): string {
  let out = ''
  let buffer = 0
  let bits = 0
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte
    bits += 8
    while (bits >= 5) {
      out += ALPHABET[(buffer >>> (bits - 5)) & 31]
      bits -= 5
    }
  }
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31]
  return out
}

export function zbase32Decode (text: string): Uint8Array {
  const out: number[] = []
  let buffer = 0
  let bits = 0
  for (const c of text) {
    const v = INDEX.get(c)
    if (v === undefined) throw new Error(`invalid zbase32 character ${JSON.stringify(c)}`)
    buffer = ((buffer << 5) | v) & 0xffff
    bits += 5
    if (bits >= 8) {
      out.push((buffer >>> (bits - 8)) & 0xff)
      bits -= 8
    }
  }
  return Uint8Array.from(out)
}
