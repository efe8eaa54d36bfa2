import type { TransactionRecord } from '../ledger/types.js'

/** The newest entry for each payment hash of one role (a payment's current state). */
export function latestByHash (records: readonly TransactionRecord[], role: TransactionRecord['role']): Map<string, TransactionRecord> {
  const out = new Map<string, TransactionRecord>()
  for (const r of records) {
    if (r.role !== role || !r.paymentHash) continue
    out.set(r.paymentHash, r)
  }
  return out
}
