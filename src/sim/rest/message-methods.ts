import { signMessage, verifyMessage } from '../crypto/sign-message.js'
import { zbase32Decode } from '../crypto/zbase32.js'
import type { Method } from './server.js'
import { optStr, str } from './params.js'
import { invalidParam, rpcError } from './errors.js'

/**
 * signmessage / checkmessage (lightningd/signmessage.c): the same digest and 65-byte
 * [31+recid, r, s] zbase32 signature as LND's SignMessage (crypto/sign-message.ts), so each
 * verifies the other's.
 */
/**
 * The text lightningd actually signs or checks: clnrest re-serializes the body with serde_json
 * and param_string does not unescape, so `"`, `\\` and control characters arrive escaped
 * (contract §4 caveat). JSON.stringify escapes exactly those, the same way.
 */
const asLightningdSees = (message: string): Buffer => Buffer.from(JSON.stringify(message).slice(1, -1), 'utf8')

const signmessage: Method = (p, ctx) => {
  const message = str(p, 'message')
  if (message.length === 0 || message.length >= 65536)
    throw invalidParam('message', 'a string of 1 to 65535 characters', message.length === 0 ? message : undefined)
  const zbase = signMessage(ctx.node.privateKey, asLightningdSees(message))
  const sig = zbase32Decode(zbase)
  return {
    signature: Buffer.from(sig.subarray(1)).toString('hex'),
    recid: ((sig[0] as number) - 31).toString(16).padStart(2, '0'),
    zbase
  }
}

const checkmessage: Method = (p, ctx) => {
  const message = str(p, 'message')
  const zbase = str(p, 'zbase')
  const pubkey = optStr(p, 'pubkey')
  if (pubkey !== undefined && !/^0[23][0-9a-f]{64}$/.test(pubkey)) throw invalidParam('pubkey', 'a node id', pubkey)
  let sig: Uint8Array
  try {
    sig = zbase32Decode(zbase)
  } catch {
    throw rpcError(-32602, 'zbase: should be a zbase32 string')
  }
  if (sig.length !== 65) throw rpcError(-32602, 'zbase: should be a 65 byte signature')
  const header = sig[0] as number
  if (header < 31 || header > 34) throw rpcError(-32602, 'zbase: signature header byte should be 31 to 34')
  if (message.length === 0) return { verified: false }
  const recovered = verifyMessage(asLightningdSees(message), zbase)
  if (!recovered.valid) return { verified: false }
  if (pubkey !== undefined) return { pubkey: recovered.pubkey, verified: recovered.pubkey === pubkey }
  // Without a key CLN looks the signer up in its gossip graph: a node with a channel.
  const known = ctx.network.nodes.has(recovered.pubkey) && [...ctx.network.channelsOf(recovered.pubkey)].length > 0
  if (!known) throw rpcError(1301, 'pubkey not found in the graph', { claimed_key: recovered.pubkey })
  return { pubkey: recovered.pubkey, verified: true }
}

export const messageMethods: Record<string, Method> = { signmessage, checkmessage }
