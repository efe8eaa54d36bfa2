import type { TransactionRecord } from '../ledger/types.js'

/** One side of one channel: whose payments we are looking at. */
export interface ChannelKey {
  channelId: string
  localPublicKey: string
}

/** Statuses that mean we actually handed the payment to LND (not merely asked or refused). */
const ATTEMPTED = new Set<TransactionRecord['status']>(['pending', 'succeeded', 'failed'])

/** Hashes and public keys are hex: compare them the same way whatever case each source used. */
export function sameHex(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase()
}

/**
 * Payments we made (role 'payer') on this side of this channel. Only the payer role counts:
 * when one instance runs both nodes of a channel the ledger also holds the requester's entries
 * for the same payment hash, which must neither replace nor double the payer's.
 */
export function payerRecords(records: readonly TransactionRecord[], key: ChannelKey): TransactionRecord[] {
  return records.filter(
    (r) => r.role === 'payer' && r.channelId === key.channelId && r.localPublicKey === key.localPublicKey
  )
}

/**
 * Entries that are a state of a payment for their role. For the payer only an attempt is: a
 * refusal (e.g. of a replayed invoice that was paid before) says nothing about that payment, and
 * letting it stand as its latest state would un-count a real payment from the period limits or
 * hide a pending one. Every requester entry is a state of its request.
 */
function isPaymentState(r: TransactionRecord): boolean {
  return r.role === 'requester' || ATTEMPTED.has(r.status)
}

/**
 * The current state of each payment of one role: its last entry in ledger order, keyed by the
 * lower-cased payment hash. Ledger order, not `at`: the wall clock can step back between two
 * entries (NTP, a VM resumed), and a 'succeeded' stamped before its 'pending' must still win, or
 * the channel would look busy forever. The ledger appends one entry at a time, so its order is
 * the order the states happened in. Policy and daemon both read payment states through this.
 */
export function latestByHash(
  records: readonly TransactionRecord[],
  role: TransactionRecord['role']
): Map<string, TransactionRecord> {
  const out = new Map<string, TransactionRecord>()
  for (const r of records) {
    if (r.role !== role || r.paymentHash === undefined || r.paymentHash === '' || !isPaymentState(r)) continue
    out.set(r.paymentHash.toLowerCase(), r)
  }
  return out
}

/**
 * The current state of each of our payments (role 'payer') in `records`, plus every attempt
 * without a hash: those cannot be linked to a later state change, so each stands for itself (the
 * daemon always records the hash).
 */
export function latestPerHash(records: readonly TransactionRecord[]): TransactionRecord[] {
  const unlinked = records.filter((r) => r.role === 'payer' && !r.paymentHash && ATTEMPTED.has(r.status))
  return [...latestByHash(records, 'payer').values(), ...unlinked]
}

/** Payer entries on this channel whose current state is 'pending'. */
export function pendingPayments(records: readonly TransactionRecord[], key: ChannelKey): TransactionRecord[] {
  return latestPerHash(payerRecords(records, key)).filter((r) => r.status === 'pending')
}

/**
 * When we last did something with a payment on this channel: the newest pending, succeeded or
 * failed payer entry. Failed attempts count, or a payment that keeps failing would be retried
 * as fast as requests arrive; refusals do not, or a peer could keep us from ever paying by
 * sending bad requests.
 */
export function lastPaymentAt(records: readonly TransactionRecord[], key: ChannelKey): number | undefined {
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
export function priorAttempt(
  records: readonly TransactionRecord[],
  paymentHash: string
): TransactionRecord | undefined {
  return records.find(
    (r) =>
      r.role === 'payer' &&
      ATTEMPTED.has(r.status) &&
      r.paymentHash !== undefined &&
      sameHex(r.paymentHash, paymentHash)
  )
}
