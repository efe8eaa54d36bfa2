/**
 * An entry of the transaction log: the ledger that the payer's period limits are computed from.
 * One entry per state change of a payment attempt; the newest entry for a paymentHash wins.
 */
export interface TransactionRecord {
  kind: 'transaction'
  /** ms since epoch, set by the ledger when appended if absent. */
  at: number
  /** 'payer': we paid (or refused to pay) an invoice; 'requester': we asked to be paid. */
  role: 'payer' | 'requester'
  status: 'requested' | 'pending' | 'succeeded' | 'failed' | 'refused' | 'expired'
  channelId: string
  /** Our node on this channel, and the node on the other end. */
  localPublicKey: string
  remotePublicKey: string
  tokens: number
  /** Fee paid in satoshis (always 0 for a payment Tightrope makes). */
  fee?: number
  paymentHash?: string
  /** Why a payment was refused or failed: a stable code such as 'maxAmountPerPeriod'. */
  reason?: string
  detail?: string
  /**
   * The swarm key (hex) of the peer instance on the other side of a cross-operator payment: on the
   * payer's entries, the instance that asked; on the requester's 'requested' entry, the instance
   * asked. Absent when both nodes are ours. See src/accounts.
   */
  counterparty?: string
}

/** An entry of the event log: anything worth an operator's attention. */
export interface EventRecord {
  kind: 'event'
  at: number
  type: string
  [field: string]: unknown
}
