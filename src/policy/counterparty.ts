import type { TransactionRecord } from '../ledger/types.js'
import { indexOf } from './ledger-index.js'

/** A swarm public key as we accept it from config or the ledger: 32 bytes, lowercase hex. */
export const isSwarmKey = (s: unknown): s is string => typeof s === 'string' && /^[0-9a-f]{64}$/.test(s)

/**
 * Which counterparty each payment (by lower-cased hash) is with: the first entry for the hash
 * that names one. The requester names it on its 'requested' entry only (the peer it asked), the
 * payer on every entry; the conclusion of a request (after a restart, say) then needs no peer.
 */
export function counterpartyByHash(records: readonly TransactionRecord[]): ReadonlyMap<string, string> {
  return indexOf(records).counterparty
}
