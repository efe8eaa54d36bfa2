import { ClnNode } from './cln/cln-node.js'
import type { NodeCredentials } from './credentials.js'
import { LndNode } from './lnd-node.js'
import type { LightningNode } from './types.js'

/** The adapter a config entry names by its `type` (LND when absent), connected. */
export async function connectNode(
  creds: NodeCredentials,
  opts: { timeoutMs?: number; signal?: AbortSignal } = {}
): Promise<LightningNode> {
  return creds.type === 'cln' ? ClnNode.connect(creds, opts) : LndNode.connect(creds, opts)
}
