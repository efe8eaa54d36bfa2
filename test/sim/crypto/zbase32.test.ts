import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { zbase32Decode, zbase32Encode } from '../../../src/sim/crypto/zbase32.js'

// Byte-aligned vectors from the z-base-32 spec and github.com/tv42/zbase32's tests (the package LND uses).
const VECTORS: Array<[number[], string]> = [
  [[240, 191, 199], '6n9hq'],
  [[212, 122, 4], '4t7ye'],
  [[0xff], '9h'],
  [[0xb5], 'sw'],
  [[0x34, 0x5a], 'gtpy'],
  [[0xff, 0xff, 0xff, 0xff, 0xff], '99999999'],
  [[0xff, 0xff, 0xff, 0xff, 0xff, 0xff], '999999999h'],
  [
    [
      0xc0, 0x73, 0x62, 0x4a, 0xaf, 0x39, 0x78, 0x51, 0x4e, 0xf8, 0x44, 0x3b, 0xb2, 0xa8, 0x59, 0xc7, 0x5f, 0xc3, 0xcc,
      0x6a, 0xf2, 0x6d, 0x5a, 0xaa
    ],
    'ab3sr1ix8fhfnuzaeo75fkn3a7xh8udk6jsiiko'
  ]
]

describe('zbase32', () => {
  it('encodes and decodes the published vectors', () => {
    for (const [bytes, text] of VECTORS) {
      assert.equal(zbase32Encode(Uint8Array.from(bytes)), text)
      assert.deepEqual([...zbase32Decode(text)], bytes)
    }
  })

  it('round-trips any byte string', () => {
    for (let n = 0; n <= 70; n++) {
      const bytes = randomBytes(n)
      const text = zbase32Encode(bytes)
      assert.equal(text.length, Math.ceil((n * 8) / 5))
      assert.deepEqual(Buffer.from(zbase32Decode(text)), bytes)
    }
  })

  it('decodes partial blocks as tv42/zbase32 does (one extra byte for 1, 3 and 6 trailing characters)', () => {
    assert.deepEqual([...zbase32Decode('y')], [0])
    assert.equal(zbase32Decode('yyy').length, 2)
    assert.equal(zbase32Decode('yyyyyy').length, 4)
    assert.equal(zbase32Decode('yyyyyyy').length, 4)
    // So a 65-byte signature must be exactly 104 characters: 105 decode to 66 bytes.
    assert.equal(zbase32Decode('y'.repeat(104)).length, 65)
    assert.equal(zbase32Decode('y'.repeat(105)).length, 66)
  })

  it('refuses foreign characters with the byte offset, in tv42/zbase32 words', () => {
    assert.throws(() => zbase32Decode('yb0'), { message: 'illegal z-base-32 data at input byte 2' })
    assert.throws(() => zbase32Decode('Y'), { message: 'illegal z-base-32 data at input byte 0' })
    assert.throws(() => zbase32Decode('yyyyyyyyy l'), { message: 'illegal z-base-32 data at input byte 9' })
    // Offsets count bytes, not characters: 'é' is two bytes.
    assert.throws(() => zbase32Decode('yé'), { message: 'illegal z-base-32 data at input byte 1' })
    assert.throws(() => zbase32Decode('éy0'), { message: 'illegal z-base-32 data at input byte 0' })
  })
})
