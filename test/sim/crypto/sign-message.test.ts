import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { createHash, createPublicKey, verify } from 'node:crypto'
import { secp256k1 } from '@noble/curves/secp256k1.js'
import { nodeKeyFromSeed } from '../../../src/sim/crypto/keys.js'
import { signMessage, verifyMessage } from '../../../src/sim/crypto/sign-message.js'
import { zbase32Decode, zbase32Encode } from '../../../src/sim/crypto/zbase32.js'

const key = nodeKeyFromSeed('signer')
const msg = Buffer.from('tightrope says hi')
const sha256 = (b: Uint8Array): Buffer => createHash('sha256').update(b).digest()
const prefixed = (m: Uint8Array): Buffer => Buffer.concat([Buffer.from('Lightning Signed Message:'), m])

/** OpenSSL (node:crypto) as an independent judge: does (r, s) verify for this key over sha256(data)? */
function opensslVerifies(publicKeyHex: string, data: Uint8Array, rs: Uint8Array): boolean {
  const point = secp256k1.Point.fromHex(publicKeyHex).toBytes(false)
  const jwk = {
    kty: 'EC',
    crv: 'secp256k1',
    x: Buffer.from(point.subarray(1, 33)).toString('base64url'),
    y: Buffer.from(point.subarray(33)).toString('base64url')
  }
  return verify('sha256', data, { key: createPublicKey({ key: jwk, format: 'jwk' }), dsaEncoding: 'ieee-p1363' }, rs)
}

/** Re-encodes a signature with one byte changed. */
function withByte(signature: string, index: number, value: number): string {
  const bytes = zbase32Decode(signature)
  bytes[index] = value
  return zbase32Encode(bytes)
}

describe('LND SignMessage', () => {
  it('is 65 bytes [31 + recid, r, s] in zbase32: 104 characters starting with d or r', () => {
    const sig = signMessage(key.privateKey, msg)
    assert.match(sig, /^[dr][ybndrfg8ejkmcpqxot1uwisza345h769]{103}$/)
    const bytes = zbase32Decode(sig)
    assert.equal(bytes.length, 65)
    assert.ok(bytes[0] === 31 || bytes[0] === 32, `header ${bytes[0]}`)
  })

  it('signs SHA256(SHA256(prefix || msg)) with the node key (checked by OpenSSL)', () => {
    const rs = zbase32Decode(signMessage(key.privateKey, msg)).subarray(1)
    // node's verify hashes its input once more, so hand it the first SHA256.
    assert.ok(opensslVerifies(key.publicKey, sha256(prefixed(msg)), rs))
    assert.ok(!opensslVerifies(key.publicKey, prefixed(msg), rs), 'a single hash must not verify')
  })

  it('is deterministic and low-S, like btcec SignCompact', () => {
    const sig = signMessage(key.privateKey, msg)
    assert.equal(signMessage(key.privateKey, msg), sig)
    const s = BigInt('0x' + Buffer.from(zbase32Decode(sig).subarray(33)).toString('hex'))
    assert.ok(s <= secp256k1.Point.CURVE().n / 2n)
  })

  it('signs SHA256 once with single_hash', () => {
    const rs = zbase32Decode(signMessage(key.privateKey, msg, { singleHash: true })).subarray(1)
    assert.ok(opensslVerifies(key.publicKey, prefixed(msg), rs))
  })

  it('refuses an empty message as LND does (proto3 sends no bytes, LND sees nil)', () => {
    assert.throws(() => signMessage(key.privateKey, Buffer.alloc(0)), { message: 'need a message to sign' })
    assert.throws(() => verifyMessage(Buffer.alloc(0), 'y'), { message: 'need a message to verify' })
  })
})

describe('LND VerifyMessage', () => {
  const sig = signMessage(key.privateKey, msg)

  it('recovers the signer', () => {
    assert.deepEqual(verifyMessage(msg, sig), { valid: true, pubkey: key.publicKey })
    const other = nodeKeyFromSeed('someone else')
    assert.deepEqual(verifyMessage(msg, signMessage(other.privateKey, msg)), { valid: true, pubkey: other.publicKey })
  })

  it('recovers some other key for a tampered message or signature', () => {
    const tampered = verifyMessage(Buffer.from('tightrope says hI'), sig)
    assert.notEqual(tampered.pubkey, key.publicKey)
    const flipped = withByte(sig, 40, (zbase32Decode(sig)[40] as number) ^ 1)
    assert.notEqual(verifyMessage(msg, flipped).pubkey, key.publicKey)
  })

  it('recovers the compressed key whatever the header says about compression (27..30)', () => {
    const header = zbase32Decode(sig)[0] as number
    assert.deepEqual(verifyMessage(msg, withByte(sig, 0, header - 4)), { valid: true, pubkey: key.publicKey })
  })

  it('answers {valid:false, pubkey:""} for signatures btcec cannot recover', () => {
    const invalid = { valid: false, pubkey: '' }
    assert.deepEqual(verifyMessage(msg, 'yyyy'), invalid, 'too short')
    assert.deepEqual(verifyMessage(msg, sig + 'y'), invalid, '105 characters decode to 66 bytes')
    assert.deepEqual(verifyMessage(msg, withByte(sig, 0, 26)), invalid, 'header below 27')
    assert.deepEqual(verifyMessage(msg, withByte(sig, 0, 35)), invalid, 'header above 34')
    const zeroR = zbase32Decode(sig)
    zeroR.fill(0, 1, 33)
    assert.deepEqual(verifyMessage(msg, zbase32Encode(zeroR)), invalid, 'r = 0')
    const bigS = zbase32Decode(sig)
    bigS.fill(0xff, 33, 65)
    assert.deepEqual(verifyMessage(msg, zbase32Encode(bigS)), invalid, 's >= n')
  })

  it("throws LND's error for text that is not zbase32", () => {
    assert.throws(() => verifyMessage(msg, 'not-zbase32!'), {
      message: 'failed to decode signature: illegal z-base-32 data at input byte 3'
    })
    assert.throws(() => verifyMessage(msg, sig.slice(0, 50) + 'l' + sig.slice(51)), {
      message: 'failed to decode signature: illegal z-base-32 data at input byte 50'
    })
  })
})
