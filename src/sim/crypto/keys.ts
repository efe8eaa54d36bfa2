import { createHash } from 'node:crypto'
import { secp256k1 } from '@noble/curves/secp256k1.js'

/** A Lightning node's identity: a secp256k1 key pair; the public key is 33-byte compressed hex. */
export interface NodeKey {
  privateKey: Uint8Array
  publicKey: string
}

function fromPrivate(privateKey: Uint8Array): NodeKey {
  return { privateKey, publicKey: Buffer.from(secp256k1.getPublicKey(privateKey, true)).toString('hex') }
}

export function generateNodeKey(): NodeKey {
  return fromPrivate(secp256k1.utils.randomSecretKey())
}

/**
 * The same seed always gives the same node (reproducible scenarios). The label keeps these keys
 * apart from any other SHA256 of the same seed; the counter skips the (astronomically rare) hash
 * that is zero or not below the curve order.
 */
export function nodeKeyFromSeed(seed: string): NodeKey {
  for (let i = 0; ; i++) {
    const candidate = createHash('sha256').update(`tightrope-sim node key/${i}/${seed}`).digest()
    if (secp256k1.utils.isValidSecretKey(candidate)) return fromPrivate(new Uint8Array(candidate))
  }
}
