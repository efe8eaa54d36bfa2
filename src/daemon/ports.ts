import type { Settings } from '../config/types.js'
import type { EventRecord, TransactionRecord } from '../ledger/types.js'

/** The audit ledger as the daemon uses it (implemented by ledger/AuditLog). */
export interface Ledger {
  appendEvent(type: string, fields?: Record<string, unknown>): Promise<unknown>
  appendTransaction(record: Omit<TransactionRecord, 'kind' | 'at'> & { at?: number }): Promise<unknown>
  allTransactions(): readonly TransactionRecord[]
  events?(query?: { since?: number; type?: string; offset?: number; limit?: number }): Promise<unknown>
}

/**
 * Settings in force for one side of a channel: (our node's alias, channel id) → Settings; with a
 * counterparty (the peer instance's swarm key), its own maxNetOutflowPerPeriod, if configured.
 */
export type SettingsFor = (alias: string, channelId: string, counterparty?: string) => Settings

export type { PayRequest, PayResponse, PayerLink } from '../core/payment.js'

export type { EventSink } from '../core/events.js'
