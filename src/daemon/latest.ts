import type { TransactionRecord } from '../ledger/types.js'

/**
 * The newest entry for each payment hash of one role (a payment's current state). For the payer,
 * a refusal is not a state of a payment (a replayed, already paid invoice is refused with its
 * hash): it must not hide the payment's real state.
 */
export function latestByHash (records: readonly TransactionRecord[], role: TransactionRecord['role']): Map<string, TransactionRecord> {
  const out = new Map<string, TransactionRecord>()
  for (const r of records) {
    if (r.role !== role || !r.paymentHash) continue
    if (role === 'payer' && r.status === 'refused') continue
    out.set(r.paymentHash, r)
  }
  return out
}
