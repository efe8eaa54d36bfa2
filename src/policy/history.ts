import type { TransactionRecord } from '../ledger/types.js'

/** One side of one channel: whose payments we are looking at. */
export interface ChannelKey {
  channelId: string
  localPublicKey: string
}

/** Statuses that mean we actually handed the payment to LND (not merely asked or refused). */
const ATTEMPTED = new Set<TransactionRecord['status']>(['pending', 'succeeded', 'failed'])

/** Hashes and public keys are hex: compare them the same way whatever case each source used. */
export function sameHex (a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase()
}

/**
 * Payments we made (role 'payer') on this side of this channel. Only the payer role counts:
 * when one instance runs both nodes of a channel the ledger also holds the requester's entries
 * for the same payment hash, which must neither replace nor double the payer's.
 */
export function payerRecords (records: readonly TransactionRecord[], key: ChannelKey): TransactionRecord[] {
  return records.filter((r) =>
    r.role === 'payer' && r.channelId === key.channelId && r.localPublicKey === key.localPublicKey)
}

/**
 * The current state of each payment: the newest entry per paymentHash (ties: the later one in
 * ledger order, i.e. the last appended). Entries without a hash cannot be linked to a later
 * state change, so each stands for itself; the daemon should always record the hash.
 * Only entries that change a payment's state count: a refusal (e.g. of a replayed invoice that
 * was paid before) says nothing about that payment, and letting it stand as its latest state
 * would un-count a real payment from the period limits.
 */
export function latestPerHash (records: readonly TransactionRecord[]): TransactionRecord[] {
  const byHash = new Map<string, TransactionRecord>()
  const unlinked: TransactionRecord[] = []
  for (const r of records) {
    if (!ATTEMPTED.has(r.status)) continue
    if (r.paymentHash === undefined) { unlinked.push(r); continue }
    const h = r.paymentHash.toLowerCase()
    const prev = byHash.get(h)
    if (prev === undefined || r.at >= prev.at) byHash.set(h, r)
  }
  return [...byHash.values(), ...unlinked]
}

/** Payer entries on this channel whose current state is 'pending'. */
export function pendingPayments (records: readonly TransactionRecord[], key: ChannelKey): TransactionRecord[] {
  return latestPerHash(payerRecords(records, key)).filter((r) => r.status === 'pending')
}

/**
 * When we last did something with a payment on this channel: the newest pending, succeeded or
 * failed payer entry. Failed attempts count, or a payment that keeps failing would be retried
 * as fast as requests arrive; refusals do not, or a peer could keep us from ever paying by
 * sending bad requests.
 */
export function lastPaymentAt (records: readonly TransactionRecord[], key: ChannelKey): number | undefined {
  let last: number | undefined
  for (const r of payerRecords(records, key)) {
    if (ATTEMPTED.has(r.status) && (last === undefined || r.at > last)) last = r.at
  }
  return last
}

/**
 * The payer entry showing we already paid or tried to pay this hash, on any channel and from any
 * of our nodes (one invoice is paid once, wherever it is presented). A 'refused' or 'requested'
 * entry is not an attempt: the same invoice may be checked again.
 */
export function priorAttempt (records: readonly TransactionRecord[], paymentHash: string): TransactionRecord | undefined {
  return records.find((r) =>
    r.role === 'payer' && ATTEMPTED.has(r.status) && r.paymentHash !== undefined && sameHex(r.paymentHash, paymentHash))
}
