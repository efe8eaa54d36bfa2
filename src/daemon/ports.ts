import type { Settings } from '../config/types.js'
import type { EventRecord, TransactionRecord } from '../ledger/types.js'

/** The audit ledger as the daemon uses it (implemented by ledger/AuditLog). */
export interface Ledger {
  appendEvent (type: string, fields?: Record<string, unknown>): Promise<unknown>
  appendTransaction (record: Omit<TransactionRecord, 'kind' | 'at'> & { at?: number }): Promise<unknown>
  allTransactions (): readonly TransactionRecord[]
  events? (query?: { since?: number; type?: string; offset?: number; limit?: number }): Promise<unknown>
}

/**
 * Settings in force for one side of a channel: (our node's alias, channel id) → Settings; with a
 * counterparty (the peer instance's swarm key), its own maxNetOutflowPerPeriod, if configured.
 */
export type SettingsFor = (alias: string, channelId: string, counterparty?: string) => Settings

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

/** Whoever can pay for the far end of a channel: our own payer service, or (later) a peer. */
export interface PayerLink {
  /** The peer instance (swarm key, hex) that would pay; absent for our own nodes. */
  counterparty?: string
  requestPayment (request: PayRequest): Promise<PayResponse>
}

export type EventSink = (type: string, fields: Record<string, unknown>) => void
