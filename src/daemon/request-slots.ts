import { DEFAULT_BUDGET } from '../core/budget-limits.js'

/**
 * How many requests the requester has asked and not yet heard back on, per node and in all. A
 * payer admits at most DEFAULT_BUDGET.inFlightPerNode requests of one requesting node at once and
 * inFlightPerInstance of all its peers (src/core/budget-limits.ts): asking more only earns 'busy'
 * refusals, each costing an invoice, its cancellation, two ledger entries and a retry 2 s later,
 * all at once (measured: a burst of 200 drained channels made 700 of them and took 3x longer).
 * Staying within the payer's budget asks the same payer as fast as it can answer.
 */
export const REQUEST_SLOTS = { perNode: DEFAULT_BUDGET.inFlightPerNode, total: DEFAULT_BUDGET.inFlightPerInstance }

/** May this node ask one more request now? (pure) */
export function requestSlotFree(asking: { node: number; total: number }, slots = REQUEST_SLOTS): boolean {
  return asking.node < slots.perNode && asking.total < slots.total
}

/** What a side that would ask shows while no slot is free (status and `decision` event). */
export interface SlotWait {
  action: 'wait'
  reason: 'requestSlot'
  detail: string
}

/** A side that would ask for `tokens` waits for a slot when none is free; undefined when one is. (pure) */
export function slotWait(
  tokens: number,
  asking: { node: number; total: number },
  slots = REQUEST_SLOTS
): SlotWait | undefined {
  if (requestSlotFree(asking, slots)) return undefined
  return {
    action: 'wait',
    reason: 'requestSlot',
    detail:
      `for a request slot to ask for ${tokens} sats (requests out: ${asking.node} of ` +
      `${slots.perNode} for this node, ${asking.total} of ${slots.total} in all)`
  }
}
