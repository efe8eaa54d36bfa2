import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import {
  addFirstPartyCaveat,
  newMacaroon,
  parseMacaroon,
  serializeMacaroon,
  verifySignature
} from '../../../src/sim/crypto/macaroon-v2.js'
import { canonicalPermissions, decodeMacaroonId, encodeMacaroonId } from '../../../src/sim/crypto/macaroon-id.js'

const b = (...parts: Array<number | string | number[]>): Buffer =>
  Buffer.concat(
    parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(typeof p === 'number' ? [p] : p)))
  )
const SIG = new Array<number>(32).fill(7)

describe('macaroon signature chain (gopkg.in/macaroon.v2 = libmacaroons)', () => {
  // The example from the libmacaroons README, reproduced by every macaroon implementation.
  const rootKey = Buffer.from('this is our super secret key; only we should know it')
  const m = newMacaroon(rootKey, Buffer.from('we used our secret key'), 'http://mybank/')

  it('matches the published signatures', () => {
    assert.equal(m.signature.toString('hex'), 'e3d9e02908526c4c0039ae15114115d97fdd68bf2ba379b342aaf0f617d0552f')
    let c = m
    for (const caveat of ['account = 3735928559', 'time < 2020-01-01T00:00', 'email = alice@example.org'])
      c = addFirstPartyCaveat(c, caveat)
    assert.equal(c.signature.toString('hex'), 'ddf553e46083e55b8d71ab822be3d8fcf21d6bf19c40d617bb9fb438934474b6')
  })

  it('verifies with the root key and hands back the conditions in order', () => {
    const c = addFirstPartyCaveat(addFirstPartyCaveat(m, 'a 1'), 'b 2')
    assert.deepEqual(verifySignature(c, rootKey).map(String), ['a 1', 'b 2'])
    assert.throws(() => verifySignature(c, Buffer.from('another key')), {
      message: 'signature mismatch after caveat verification'
    })
    assert.throws(() => verifySignature({ ...c, caveats: c.caveats.slice(1) }, rootKey), {
      message: 'signature mismatch after caveat verification'
    })
  })

  it('fails third-party caveats the way an undecryptable one fails', () => {
    const third = { ...m, caveats: [{ id: Buffer.from('cid'), vid: Buffer.alloc(10) }] }
    assert.throws(() => verifySignature(third, rootKey), {
      message: 'failed to decrypt caveat 0 signature: message too short'
    })
    const longer = { ...m, caveats: [{ id: Buffer.from('x') }, { id: Buffer.from('cid'), vid: Buffer.alloc(56) }] }
    assert.throws(() => verifySignature(longer, rootKey), {
      message: 'failed to decrypt caveat 1 signature: decryption failure'
    })
  })
})

describe('macaroon V2 binary format', () => {
  it('writes version 2, [location] identifier EOS, caveats, EOS, signature, and reads it back', () => {
    const m = addFirstPartyCaveat(
      newMacaroon(Buffer.from('k'), Buffer.from('id'), 'lnd'),
      'time-before 2100-01-01T00:00:00Z'
    )
    const bytes = serializeMacaroon(m)
    assert.deepEqual(
      bytes,
      b(2, 1, 3, 'lnd', 2, 2, 'id', 0, 2, 32, 'time-before 2100-01-01T00:00:00Z', 0, 0, 6, 32, [...m.signature])
    )
    assert.deepEqual(parseMacaroon(bytes), { ...m, caveats: [{ id: m.caveats[0]?.id }] })
    assert.deepEqual(
      parseMacaroon(Buffer.concat([bytes, b('trailing')])).signature,
      m.signature,
      'trailing bytes are ignored'
    )
  })

  it('reads caveats with a location and verification id', () => {
    const m = parseMacaroon(b(2, 2, 1, 'i', 0, 1, 4, 'http', 2, 1, 'c', 4, 2, 'vv', 0, 0, 6, 32, SIG))
    assert.deepEqual(m.caveats, [{ id: b('c'), vid: b('vv'), location: 'http' }])
    assert.equal(m.location, '')
  })

  it("refuses malformed bytes with the library's words", () => {
    const cases: Array<[Buffer, string]> = [
      [b(), 'empty macaroon data'],
      [b(5, 1, 2), 'cannot determine data format of binary-encoded macaroon'],
      [b(2), 'unmarshal v2: section extends past end of buffer'],
      [b(2, 0x80), 'unmarshal v2: varint value extends past end of buffer'],
      [
        b(2, [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]),
        'unmarshal v2: varint value out of range'
      ],
      [b(2, 2, [0x80, 0x80, 0x80, 0x80, 0x08]), 'unmarshal v2: varint value out of range'],
      [b(2, 2, 5, 'ab'), 'unmarshal v2: field data extends past end of buffer'],
      [b(2, 1, 1, 'l', 0), 'unmarshal v2: invalid macaroon header'],
      [b(2, 2, 1, 'i', 1, 1, 'l', 0), 'unmarshal v2: fields out of order'],
      [b(2, 2, 1, 'i', 0, 1, 1, 'l', 0), 'unmarshal v2: no identifier in caveat'],
      [b(2, 2, 1, 'i', 0, 1, 1, 'l', 2, 1, 'c', 0), 'unmarshal v2: location not allowed in first party caveat'],
      [b(2, 2, 1, 'i', 0, 2, 1, 'c', 6, 1, 'x', 0), 'unmarshal v2: invalid field found in caveat'],
      [b(2, 2, 1, 'i', 0, 2, 1, 'c', 4, 1, 'v', 6, 1, 'x', 0), 'unmarshal v2: extra fields found in caveat'],
      [b(2, 2, 1, 'i', 0, 0), 'unmarshal v2: varint value extends past end of buffer'],
      [b(2, 2, 1, 'i', 0, 0, 2, 32, SIG), 'unmarshal v2: unexpected field found instead of signature'],
      [b(2, 2, 1, 'i', 0, 0, 6, 31, SIG.slice(1)), 'unmarshal v2: signature has unexpected length']
    ]
    for (const [bytes, message] of cases) assert.throws(() => parseMacaroon(bytes), { message }, bytes.toString('hex'))
  })

  it('takes bytes starting with a hex digit as V1 (a macaroon hex-encoded twice lands here)', () => {
    const v1 = b('000flocation l\n', '0011identifier i\n', '000ccid c 1\n', `002fsignature ${'s'.repeat(32)}\n`)
    const m = parseMacaroon(v1)
    assert.equal(m.version, 1)
    assert.deepEqual(m.caveats, [{ id: b('c 1') }])
    const doubleHex = Buffer.from(
      serializeMacaroon(newMacaroon(Buffer.from('k'), Buffer.alloc(300, 1), 'lnd')).toString('hex')
    )
    assert.throws(() => parseMacaroon(doubleHex), { message: 'unmarshal v1: cannot parse field name' })
    assert.throws(() => parseMacaroon(b('0a')), { message: 'unmarshal v1: packet too short' })
    assert.throws(() => parseMacaroon(b('0011identifier i\n')), {
      message: 'unmarshal v1: unexpected field "identifier"; expected location'
    })
    assert.throws(() => parseMacaroon(b('000flocation l\n0011identifier i\n0009xx y\n')), {
      message: 'unmarshal v1: unexpected field "xx"'
    })
  })
})

describe("LND's macaroon identifier (version 3 + protobuf MacaroonId)", () => {
  it('sorts, groups and de-duplicates permissions as the bakery does', () => {
    const perms = [
      { entity: 'offchain', action: 'write' },
      { entity: 'info', action: 'read' },
      { entity: 'offchain', action: 'read' },
      { entity: 'info', action: 'read' }
    ]
    assert.deepEqual(canonicalPermissions(perms), [
      { entity: 'info', action: 'read' },
      { entity: 'offchain', action: 'read' },
      { entity: 'offchain', action: 'write' }
    ])
    const id = encodeMacaroonId({ nonce: Buffer.alloc(16, 9), storageId: b('0'), permissions: perms })
    assert.deepEqual(
      id,
      b(
        3,
        0x0a,
        16,
        new Array<number>(16).fill(9),
        0x12,
        1,
        '0',
        0x1a,
        12,
        0x0a,
        4,
        'info',
        0x12,
        4,
        'read',
        0x1a,
        23,
        0x0a,
        8,
        'offchain',
        0x12,
        4,
        'read',
        0x12,
        5,
        'write'
      )
    )
    assert.deepEqual(decodeMacaroonId(id.subarray(1)), {
      nonce: Buffer.alloc(16, 9),
      storageId: b('0'),
      ops: [
        { entity: 'info', actions: ['read'] },
        { entity: 'offchain', actions: ['read', 'write'] }
      ]
    })
  })

  it('reads like Go protobuf: unknown fields skipped, last scalar wins, other wire types ignored', () => {
    const body = b(
      0x38,
      0x96,
      0x01,
      0x12,
      1,
      'x',
      0x25,
      1,
      2,
      3,
      4,
      0x3b,
      0x08,
      1,
      0x3c,
      0x12,
      1,
      'y',
      0x18,
      5,
      0x1a,
      7,
      0x0a,
      1,
      'e',
      0x12,
      2,
      'go'
    )
    assert.deepEqual(decodeMacaroonId(body), { nonce: b(), storageId: b('y'), ops: [{ entity: 'e', actions: ['go'] }] })
  })

  it('refuses malformed protobuf and non-UTF-8 strings with Go protobuf words', () => {
    for (const body of [b(0x12, 5, 'ab'), b(0x0f), b(0x0c), b(0x02, 0), b(0x3b, 0x08, 1), b(0x80)]) {
      assert.throws(
        () => decodeMacaroonId(body),
        { message: 'proto: cannot parse invalid wire-format data' },
        body.toString('hex')
      )
    }
    assert.throws(() => decodeMacaroonId(b(0x1a, 3, 0x0a, 1, [0xff])), {
      message: 'string field contains invalid UTF-8'
    })
  })
})
