import { createHmac, hkdfSync } from 'node:crypto'

/**
 * Everything derived from the shared secret, each with its own label (domain separation):
 * the topic is announced on a public DHT, so it must reveal nothing that lets anyone prove
 * membership; the auth key never leaves the process.
 */
const SALT = Buffer.from('tightrope/v2')

function derive(secret: string, label: string): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'utf8'), SALT, Buffer.from(label), 32))
}

export interface SwarmKeys {
  topic: Buffer
  authKey: Buffer
}

export function swarmKeys(secret: string): SwarmKeys {
  return { topic: derive(secret, 'discovery topic'), authKey: derive(secret, 'connection auth') }
}

/**
 * Proof that the sender knows the secret, bound to this connection (the Noise handshake hash is
 * unique per session and the same at both ends) and to the sender's swarm key (so a peer's proof
 * cannot be reflected back to it). Useless on any other connection.
 */
export function membershipProof(authKey: Buffer, handshakeHash: Uint8Array, senderKey: Uint8Array): Buffer {
  return createHmac('sha256', authKey).update('membership').update(handshakeHash).update(senderKey).digest()
}

/**
 * The text a Lightning node signs (LND SignMessage) to prove that the instance on this connection
 * controls it. Bound to the session and the instance's swarm key.
 */
export function nodeProofMessage(handshakeHash: Uint8Array, senderKey: Uint8Array, nodePublicKey: string): string {
  return (
    `tightrope/v2 node proof: node ${nodePublicKey} is controlled by swarm key ` +
    `${Buffer.from(senderKey).toString('hex')} on session ${Buffer.from(handshakeHash).toString('hex')}`
  )
}
