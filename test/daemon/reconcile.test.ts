import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { reconcileAction, type ReconcileAction } from '../../src/daemon/reconcile.js'
import type { PaymentState } from '../../src/lightning/types.js'

// The payer's reconcile path: a payment pending in our ledger, and what LND says about it.
const succeeded: PaymentState = { status: 'succeeded', fee: 0, preimage: '00'.repeat(32), channels: ['1x1x1'] }
const failed: PaymentState = { status: 'failed', reason: 'FAILURE_REASON_NO_ROUTE' }

const table: Array<[string, PaymentState, boolean, ReconcileAction]> = [
  ['succeeded in LND: recorded as succeeded (at start)', succeeded, true, { kind: 'record', outcome: succeeded }],
  ['succeeded in LND: recorded as succeeded (while running)', succeeded, false, { kind: 'record', outcome: succeeded }],
  ['failed in LND: recorded as failed', failed, true, { kind: 'record', outcome: failed }],
  ['failed in LND, while running', failed, false, { kind: 'record', outcome: failed }],
  ['still in flight: stays pending (at start)', { status: 'pending' }, true, { kind: 'leave' }],
  ['still in flight: stays pending (while running)', { status: 'pending' }, false, { kind: 'leave' }],
  ['unknown to LND at start: it never happened', { status: 'unknown' }, true, { kind: 'neverInitiated' }],
  [
    'unknown to LND while running: maybe being handed to LND now, stays pending',
    { status: 'unknown' },
    false,
    { kind: 'leave' }
  ]
]

describe("the payer's reconcile decision", () => {
  for (const [name, lnd, atStart, action] of table) {
    it(name, () => assert.deepEqual(reconcileAction(lnd, atStart), action))
  }
})
