import type { Settings } from '../config/types.js'
import type { TransactionRecord } from '../ledger/types.js'
import type { ChannelView } from '../lightning/channel-view.js'
import type { InvoiceFacts } from '../lightning/decode-invoice.js'

/** Stable reason codes, in the order checkPayRequest evaluates them. */
export const PAY_REFUSAL_REASONS = [
  'invalidSettings',
  'invalidInvoice',
  'wrongNetwork',
  'zeroAmountInvoice',
  'amountMismatch',
  'wrongDestination',
  'invoiceExpired',
  'invoiceCltvTooLong',
  'maxTransactionSize',
  'channelInactive',
  'localReserve',
  'belowBalancePoint',
  'duplicatePayment',
  'paymentPending',
  'minTimeBetweenPayments',
  'maxTransactionsPerPeriod',
  'maxAmountPerPeriod',
  'maxNetOutflowPerPeriod'
] as const
export type PayRefusalReason = (typeof PAY_REFUSAL_REASONS)[number]

export interface PayRefusal {
  ok: false
  reason: PayRefusalReason
  /** A sentence for the operator, with the numbers that made the check fail. */
  detail: string
  /**
   * Earliest time (ms) at which this check could pass with the same request; set only for the
   * timing checks (minTimeBetweenPayments and the period limits) and only when waiting can help.
   * Other checks may still refuse then: it is a lower bound, not a promise.
   */
  retryAt?: number
}

export type PayCheckResult = { ok: true } | PayRefusal

export interface PayRequestInput {
  /** Decoded locally from the BOLT11 string (lightning/decode-invoice.ts): no one's word. */
  invoice: InvoiceFacts
  /** The `tokens` the payInvoice message says were requested. */
  requestedTokens: number
  /** The payer's own, fresh view of the channel named in the request (local = payer). */
  channel: ChannelView
  /** The payer's own settings for its side of this channel. */
  settings: Settings
  /** The payer's own transaction log. */
  records: readonly TransactionRecord[]
  now: number
  /** The network the payer's node runs on. When given, the invoice must name the same one. */
  network?: string
  /** The peer instance (swarm key) asking, for a cross-operator payment: its net cap applies. */
  counterparty?: string
}

/** A single check: undefined when it passes. */
export type PayCheck = (input: PayRequestInput) => PayRefusal | undefined

/**
 * A check's verdict: a PayRefusal, typed on PAY_REFUSAL_REASONS (the compiler holds every check to
 * those codes) and part of PayCheckResult (`ok: false`). Not the answer a requester gets: that is
 * core/payment.ts `refused()`, a PayResponse, which the payer service builds from this verdict
 * after recording it, and which the swarm also builds for refusals made before any check (its own
 * codes: peer-connection.ts EarlyRefusal) and carries for a peer's answers (any code a peer sends).
 * Two builders because these are two things: a pure decision here, a message on the wire there.
 */
export function refuse(reason: PayRefusalReason, detail: string, retryAt?: number): PayRefusal {
  return retryAt === undefined ? { ok: false, reason, detail } : { ok: false, reason, detail, retryAt }
}
