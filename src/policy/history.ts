import type { TransactionRecord } from '../ledger/types.js'
import { indexOf } from './ledger-index.js'

/** One side of one channel: whose payments we are looking at. */
export interface ChannelKey {
  channelId: string
  localPublicKey: string
}

/** Hashes and public keys are hex: compare them the same way whatever case each source used. */
export function sameHex(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase()
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
): ReadonlyMap<string, TransactionRecord> {
  return indexOf(records).latest[role]
}

/** Payer entries on this channel whose current state is 'pending'. */
export function pendingPayments(records: readonly TransactionRecord[], key: ChannelKey): TransactionRecord[] {
  return sideStates(records, key).filter((r) => r.status === 'pending')
}

/**
 * The current state of each of our payments (role 'payer') on this side of this channel, plus
 * every attempt without a hash (it cannot be linked to a later state, so it stands for itself; the
 * daemon always records the hash). Only the payer role counts: when one instance runs both nodes
 * of a channel the ledger also holds the requester's entries for the same hash, which must neither
 * replace nor double the payer's. From the index: no pass over the ledger.
 */
export function sideStates(records: readonly TransactionRecord[], key: ChannelKey): TransactionRecord[] {
  const side = indexOf(records).side(key.localPublicKey, key.channelId)
  return side === undefined ? [] : [...side.latest.values(), ...side.unlinked]
}

/**
 * When we last did something with a payment on this channel: the newest pending, succeeded or
 * failed payer entry. Failed attempts count, or a payment that keeps failing would be retried
 * as fast as requests arrive; refusals do not, or a peer could keep us from ever paying by
 * sending bad requests.
 */
export function lastPaymentAt(records: readonly TransactionRecord[], key: ChannelKey): number | undefined {
  return indexOf(records).side(key.localPublicKey, key.channelId)?.lastAttemptAt
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
  return indexOf(records).firstAttempt.get(paymentHash.toLowerCase())
}
