/**
 * What a payer admits of peers' requests at once (protocol: docs/protocol.md, budgets): a fact the
 * payer's swarm layer enforces and the requester respects, so it lives below both.
 */
export interface BudgetLimits {
  /** Requests being handled at once, all peers together. */
  inFlightPerInstance: number
  /** Requests being handled at once for one requesting node. */
  inFlightPerNode: number
  /** Token bucket per requesting node: at most `burst` at once, refilled at `perMinute`. */
  burst: number
  perMinute: number
}

export const DEFAULT_BUDGET: BudgetLimits = { inFlightPerInstance: 16, inFlightPerNode: 4, burst: 12, perMinute: 12 }
