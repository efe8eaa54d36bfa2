import { createHash } from 'node:crypto'
import { secp256k1 } from '@noble/curves/secp256k1.js'
import { zbase32Decode, zbase32Encode } from './zbase32.js'

/**
 * LND's SignMessage / VerifyMessage (rpcserver.go). The node key signs
 * SHA256(SHA256("Lightning Signed Message:" || msg)) as a 65-byte compact signature
 * [31 + recid, r, s] (btcec SignCompact: RFC 6979, low S, "compressed key" header), and
 * VerifyMessage recovers the signer from the signature alone.
 */
const PREFIX = Buffer.from('Lightning Signed Message:')

const sha256 = (data: Uint8Array): Buffer => createHash('sha256').update(data).digest()

function digest(msg: Uint8Array, singleHash = false): Uint8Array {
  const once = sha256(Buffer.concat([PREFIX, msg]))
  return new Uint8Array(singleHash ? once : sha256(once))
}

/**
 * Returns the zbase32 signature LND would return. An empty message is refused as LND does: proto3
 * does not send empty bytes, so LND sees a nil message. `singleHash` is SignMessageRequest.single_hash
 * (LND then signs SHA256 once; VerifyMessage always uses the double hash).
 */
export function signMessage(privateKey: Uint8Array, msg: Uint8Array, opts: { singleHash?: boolean } = {}): string {
  if (msg.length === 0) throw new Error('need a message to sign')
  // noble's 'recovered' format is [recid, r, s]; recid already accounts for the low-S flip.
  const sig = secp256k1.sign(digest(msg, opts.singleHash), privateKey, {
    prehash: false,
    lowS: true,
    format: 'recovered'
  })
  const out = new Uint8Array(65)
  out[0] = 27 + 4 + (sig[0] as number)
  out.set(sig.subarray(1), 1)
  return zbase32Encode(out)
}

/**
 * Recovers the signer as LND does. Undecodable zbase32 throws LND's
 * `failed to decode signature: illegal z-base-32 data at input byte N`; anything btcec's
 * RecoverCompact refuses (length other than 65, header outside 27..34, r or s out of range,
 * no point) is `{ valid: false, pubkey: '' }`. `valid: true` here only means a key was recovered:
 * LND additionally reports valid=false when that key is not an active node of its graph, which is
 * for the caller (it has the graph) to decide.
 */
export function verifyMessage(msg: Uint8Array, signature: string): { valid: boolean; pubkey: string } {
  if (msg.length === 0) throw new Error('need a message to verify')
  let sig: Uint8Array
  try {
    sig = zbase32Decode(signature)
  } catch (err) {
    throw new Error(`failed to decode signature: ${(err as Error).message}`)
  }
  if (sig.length !== 65) return { valid: false, pubkey: '' }
  const header = (sig[0] as number) - 27
  if (header < 0 || header > 7) return { valid: false, pubkey: '' }
  const recovered = new Uint8Array(65)
  recovered[0] = header & 3 // bit 2 only says "compressed"; LND always answers with the compressed key
  recovered.set(sig.subarray(1), 1)
  try {
    const key = secp256k1.recoverPublicKey(recovered, digest(msg), { prehash: false })
    return { valid: true, pubkey: Buffer.from(key).toString('hex') }
  } catch {
    return { valid: false, pubkey: '' }
  }
}
