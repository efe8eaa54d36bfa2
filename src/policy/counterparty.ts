import type { TransactionRecord } from '../ledger/types.js'

/** A swarm public key as we accept it from config or the ledger: 32 bytes, lowercase hex. */
export const isSwarmKey = (s: unknown): s is string => typeof s === 'string' && /^[0-9a-f]{64}$/.test(s)

/**
 * Which counterparty each payment (by lower-cased hash) is with: the first entry for the hash
 * that names one. The requester names it on its 'requested' entry only (the peer it asked), the
 * payer on every entry; the conclusion of a request (after a restart, say) then needs no peer.
 */
export function counterpartyByHash(records: readonly TransactionRecord[]): Map<string, string> {
  const out = new Map<string, string>()
  for (const r of records) {
    if (r.paymentHash === undefined || r.counterparty === undefined) continue
    const hash = r.paymentHash.toLowerCase()
    if (!out.has(hash)) out.set(hash, r.counterparty)
  }
  return out
}
