import type { PaymentState } from '../lightning/types.js'

/**
 * What the payer does with a payment its ledger has as pending, once LND said what it knows:
 * leave it pending, record LND's outcome, or record that it never happened. Pure, so the payer's
 * reconcile path is tested table-driven (test/daemon/reconcile.test.ts).
 */
export type ReconcileAction =
  | { kind: 'leave' }
  | { kind: 'record'; outcome: Extract<PaymentState, { status: 'succeeded' | 'failed' }> }
  | { kind: 'neverInitiated' }

/**
 * `unknownMeansNeverInitiated`: at start or reconnect nothing of ours is being handed to LND, so a
 * payment LND does not know was never started (we stopped between the ledger entry and the RPC);
 * while running, it may be one our client is handing to LND right now, so it stays pending.
 */
export function reconcileAction(lnd: PaymentState, unknownMeansNeverInitiated: boolean): ReconcileAction {
  switch (lnd.status) {
    case 'pending':
      return { kind: 'leave' }
    case 'unknown':
      return unknownMeansNeverInitiated ? { kind: 'neverInitiated' } : { kind: 'leave' }
    default:
      return { kind: 'record', outcome: lnd }
  }
}
