/**
 * A request to pay, between the node that wants its channel back in balance and the node at the
 * channel's far end: the same shape whether the payer is one of our nodes or a peer's. Shared by
 * the daemon (both roles) and the swarm (which carries it), so it lives below both.
 */
export interface PayRequest {
  channelId: string
  /** The node that asks to be paid (the invoice's destination) and the node asked to pay. */
  requesterPublicKey: string
  payerPublicKey: string
  request: string
  tokens: number
  /** The peer instance (swarm key, hex) that sent the request; absent when it is our own node. */
  counterparty?: string
}

export type PayResponse =
  | { status: 'paid'; paymentHash: string }
  | { status: 'refused'; reason: string; detail: string; retryAt?: number }
  | { status: 'failed'; reason: string }
  | { status: 'pending' }
  /** The payer's connection went away before it answered: the outcome is unknown to it. */
  | { status: 'lost'; reason: string }

/**
 * A refusal as an answer: a `retryAt` only when waiting can help (0 and undefined mean never).
 * The one builder of refusal answers (payer service, swarm). The payer's checks return their own
 * verdict type instead (policy/payer-types.ts `refuse()`: a PayRefusal typed on the policy's reason
 * codes), which the payer service records and then turns into this; `reason` here is a string
 * because answers also carry the swarm's early codes and whatever code a peer's payer sent.
 */
export function refused(reason: string, detail: string, retryAt?: number): PayResponse {
  return retryAt ? { status: 'refused', reason, detail, retryAt } : { status: 'refused', reason, detail }
}

/** Whoever can pay for the far end of a channel: our own payer service, or a peer. */
export interface PayerLink {
  /** The peer instance (swarm key, hex) that would pay; absent for our own nodes. */
  counterparty?: string
  requestPayment(request: PayRequest): Promise<PayResponse>
}

/** A proven peer node asks one of our nodes to pay, over the channel between them. */
export interface PeerPayRequest {
  channelId: string
  requesterPublicKey: string
  request: string
  tokens: number
  /** The requester was proven a moment ago: wait up to this long for us to watch its channel. */
  waitMs: number
  /** The peer instance (swarm key, hex) that sent it: whose account a payment goes to. */
  counterparty: string
}

/**
 * A peer's request either reached one of our payers (its answer, whatever it is) or named a
 * channel none of our nodes watches: refused before any payment decision, at no cost.
 */
export type PeerPayOutcome =
  | { kind: 'answered'; response: PayResponse }
  | { kind: 'notOurs'; reason: 'unknownChannel' | 'nodeUnavailable'; detail: string; retryAt?: number }
