import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { secp256k1 } from '@noble/curves/secp256k1.js'
import { generateNodeKey, nodeKeyFromSeed } from '../../../src/sim/crypto/keys.js'

describe('node keys', () => {
  it('derives the same key from the same seed and different keys from different seeds', () => {
    const a = nodeKeyFromSeed('alice')
    assert.equal(nodeKeyFromSeed('alice').publicKey, a.publicKey)
    assert.deepEqual(nodeKeyFromSeed('alice').privateKey, a.privateKey)
    assert.notEqual(nodeKeyFromSeed('bob').publicKey, a.publicKey)
    assert.notEqual(nodeKeyFromSeed('alice ').publicKey, a.publicKey)
  })

  it('gives a valid secret key and its 33-byte compressed public key', () => {
    for (const key of [nodeKeyFromSeed('carol'), generateNodeKey()]) {
      assert.equal(key.privateKey.length, 32)
      assert.ok(secp256k1.utils.isValidSecretKey(key.privateKey))
      assert.match(key.publicKey, /^0[23][0-9a-f]{64}$/)
      assert.equal(key.publicKey, Buffer.from(secp256k1.getPublicKey(key.privateKey, true)).toString('hex'))
    }
  })

  it('generates a fresh key each time', () => {
    assert.notEqual(generateNodeKey().publicKey, generateNodeKey().publicKey)
  })

  it('is domain-separated: the key is not simply SHA256(seed), which other code might also derive', () => {
    const seed = 'dave'
    assert.notDeepEqual(Buffer.from(nodeKeyFromSeed(seed).privateKey), createHash('sha256').update(seed).digest())
  })
})
