import type { TransactionRecord } from '../ledger/types.js'
import { latestByHash } from '../policy/history.js'

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

export function ledgerTotals(transactions: readonly TransactionRecord[]): LedgerTotals {
  const requester = [...latestByHash(transactions, 'requester').values()]
  const rebalances = { succeeded: 0, refused: 0, failed: 0, expired: 0 }
  for (const r of requester) if (r.status in rebalances) rebalances[r.status as keyof typeof rebalances]++
  const paid = [...latestByHash(transactions, 'payer').values()].filter((t) => t.status === 'succeeded')
  const refusals: Record<string, number> = {}
  for (const t of transactions)
    if (t.role === 'payer' && t.status === 'refused' && t.reason) refusals[t.reason] = (refusals[t.reason] ?? 0) + 1
  return {
    rebalances,
    paidSats: paid.reduce((s, t) => s + t.tokens, 0),
    receivedSats: requester.filter((t) => t.status === 'succeeded').reduce((s, t) => s + t.tokens, 0),
    feesPaidSats: paid.reduce((s, t) => s + (t.fee ?? 0), 0),
    refusals
  }
}
