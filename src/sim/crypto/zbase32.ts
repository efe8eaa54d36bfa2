/**
 * z-base-32, the text form of LND's SignMessage signatures. Decoding copies the package LND uses
 * (github.com/tv42/zbase32) byte for byte, because VerifyMessage's answer depends on it: the input
 * is read in blocks of 8 characters and a final block of j characters yields [0,1,1,2,2,3,4,4,5][j]
 * bytes (1, 3 and 6 characters yield one byte more than their bits fill), and a bad character is
 * reported by its byte offset in the input.
 */
const ALPHABET = 'ybndrfg8ejkmcpqxot1uwisza345h769'
const DECODE = new Int16Array(256).fill(-1)
for (let i = 0; i < ALPHABET.length; i++) DECODE[ALPHABET.charCodeAt(i)] = i
const BYTES_FOR_CHARS = [0, 1, 1, 2, 2, 3, 4, 4, 5]

export function zbase32Encode(bytes: Uint8Array): string {
  let out = ''
  let buffer = 0
  let bits = 0
  for (const byte of bytes) {
    buffer = ((buffer << 8) | byte) & 0xfff // at most 4 + 8 bits are ever pending
    bits += 8
    while (bits >= 5) {
      out += ALPHABET[(buffer >>> (bits - 5)) & 31]
      bits -= 5
    }
  }
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31] // zero-padded last group
  return out
}

/** Throws `illegal z-base-32 data at input byte N` (tv42/zbase32's CorruptInputError) on a foreign character. */
export function zbase32Decode(text: string): Uint8Array {
  const input = Buffer.from(text, 'utf8') // Go indexes the string's bytes, not its characters
  const out: number[] = []
  for (let start = 0; start < input.length; start += 8) {
    const block = [0, 0, 0, 0, 0, 0, 0, 0]
    const chars = Math.min(8, input.length - start)
    for (let j = 0; j < chars; j++) {
      const value = DECODE[input[start + j] as number] as number
      if (value < 0) throw new Error(`illegal z-base-32 data at input byte ${start + j}`)
      block[j] = value
    }
    const [d0, d1, d2, d3, d4, d5, d6, d7] = block as [number, number, number, number, number, number, number, number]
    const quantum = [
      (d0 << 3) | (d1 >> 2),
      (d1 << 6) | (d2 << 1) | (d3 >> 4),
      (d3 << 4) | (d4 >> 1),
      (d4 << 7) | (d5 << 2) | (d6 >> 3),
      (d6 << 5) | d7
    ]
    for (const byte of quantum.slice(0, BYTES_FOR_CHARS[chars])) out.push(byte & 0xff)
  }
  return Uint8Array.from(out)
}
