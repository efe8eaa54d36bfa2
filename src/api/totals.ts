import type { TransactionRecord } from '../ledger/types.js'
import { indexOf, type StatusSums } from '../policy/ledger-index.js'

/** What the ledger says this instance did, in totals (the dashboard's summary and /metrics). */
export interface LedgerTotals {
  /** Rebalances this instance asked for, by final outcome. */
  rebalances: Record<'succeeded' | 'refused' | 'failed' | 'expired', number>
  /** Satoshis our nodes paid as payers, and received as requesters. */
  paidSats: number
  receivedSats: number
  /** Routing fees paid by rebalancing payments (0 by design). */
  feesPaidSats: number
  /** Requests our payers refused, by reason (those that reached the payer: it records them). */
  refusals: Record<string, number>
}

/** From the ledger's index: kept as entries are appended, so no pass over the ledger per call. */
export function ledgerTotals(transactions: readonly TransactionRecord[]): LedgerTotals {
  const index = indexOf(transactions)
  const sums = (role: TransactionRecord['role'], status: TransactionRecord['status']): StatusSums =>
    index.byStatus[role].get(status) ?? { count: 0, tokens: 0, fee: 0 }
  const count = (status: TransactionRecord['status']): number => sums('requester', status).count
  return {
    rebalances: {
      succeeded: count('succeeded'),
      refused: count('refused'),
      failed: count('failed'),
      expired: count('expired')
    },
    paidSats: sums('payer', 'succeeded').tokens,
    receivedSats: sums('requester', 'succeeded').tokens,
    feesPaidSats: sums('payer', 'succeeded').fee,
    refusals: Object.fromEntries(index.refusals)
  }
}

/**
 * Succeeded entries stamped at or after `since`, oldest first, read from the newest back: the
 * ledger is in append order, so the walk stops at the first entry older than `since` by more than
 * `slack` (a clock stepped back by less still has its entries found) instead of reading a year.
 */
export function succeededSince(
  transactions: readonly TransactionRecord[],
  since: number,
  slack: number
): TransactionRecord[] {
  const succeeded = indexOf(transactions).succeeded
  const out: TransactionRecord[] = []
  for (let i = succeeded.length - 1; i >= 0; i--) {
    const t = succeeded[i] as TransactionRecord
    if (t.at < since - slack) break
    if (t.at >= since) out.push(t)
  }
  return out.reverse()
}
