/**
 * One line of a statement: a cross-operator payment as its writer's own ledger has it. Each
 * instance keeps one statement per counterparty (an append-only Hypercore) and shares it with
 * that counterparty, who checks it against its own ledger (compare.ts). docs/protocol.md.
 */
export interface StatementEntry {
  /** Lower-case hex, 64 characters. */
  paymentHash: string
  channelId: string
  /** Whole sats. */
  tokens: number
  /** From the writer's side: it paid the counterparty, or was paid by it. */
  direction: 'paid' | 'received'
  /** ms since epoch of the writer's entry that concluded the payment. */
  at: number
  /** The writer's outcome: its payment (or its invoice) succeeded, or it did not. */
  outcome: 'succeeded' | 'failed'
}

/** Paid and received, in sats and payments. */
export interface Flows {
  paidSats: number
  paidCount: number
  receivedSats: number
  receivedCount: number
  /** paidSats - receivedSats: positive when we paid the counterparty more than it paid us. */
  netSats: number
}

export type StatementProblemKind =
  /** They list a succeeded payment we have no record of. */
  | 'unknown'
  /** Same payment hash, different channel, amount, direction or outcome. */
  | 'mismatch'
  /** We have a succeeded payment that their statement does not list (withheld or dropped). */
  | 'missing'
  /** Their statement's history changed (a truncation, a fork, another core for the same instance). */
  | 'rewritten'
  /** Their statement breaks a bound (too long, too big, a malformed entry): we stopped reading it. */
  | 'invalid'

export interface StatementProblem {
  kind: StatementProblemKind
  paymentHash?: string
  detail: string
}
