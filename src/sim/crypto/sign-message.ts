import { createHash } from 'node:crypto'
import { secp256k1 } from '@noble/curves/secp256k1.js'
import { zbase32Decode, zbase32Encode } from './zbase32.js'

/** LND signs SHA256(SHA256("Lightning Signed Message:" || msg)) (rpcserver.go SignMessage). */
function digest (msg: Uint8Array): Uint8Array {
  const once = createHash('sha256').update('Lightning Signed Message:').update(msg).digest()
  return new Uint8Array(createHash('sha256').update(once).digest())
}

/** A 65-byte compact signature [31 + recid, r, s] in zbase32, as LND's SignMessage returns. */
export function signMessage (privateKey: Uint8Array, msg: Uint8Array): string {
  const sig = secp256k1.sign(digest(msg), privateKey, { prehash: false, format: 'recovered' })
  const out = new Uint8Array(65)
  out[0] = 31 + (sig[0] as number)
  out.set(sig.subarray(1), 1)
  return zbase32Encode(out)
}

/**
 * Recovers the signer as LND's VerifyMessage does. An undecodable signature is an error with LND's
 * words; a signature that recovers no key is `{ valid: false, pubkey: '' }`.
 */
export function verifyMessage (msg: Uint8Array, signature: string): { valid: boolean; pubkey: string } {
  let bytes: Uint8Array
  try {
    bytes = zbase32Decode(signature)
  } catch (err) {
    throw new Error(`failed to decode signature: ${(err as Error).message}`)
  }
  if (bytes.length !== 65) return { valid: false, pubkey: '' }
  const header = (bytes[0] as number) - 27
  if (header < 0 || header > 7) return { valid: false, pubkey: '' }
  const recovered = new Uint8Array(65)
  recovered[0] = header & 3
  recovered.set(bytes.subarray(1), 1)
  try {
    const key = secp256k1.recoverPublicKey(recovered, digest(msg), { prehash: false })
    return { valid: true, pubkey: Buffer.from(key).toString('hex') }
  } catch {
    return { valid: false, pubkey: '' }
  }
}
