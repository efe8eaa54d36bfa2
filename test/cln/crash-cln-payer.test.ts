import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { SimCluster } from '../../src/sim/cluster.js'
import { AuditLog } from '../../src/ledger/audit-log.js'
import type { TransactionRecord } from '../../src/ledger/types.js'
import { eventually, mixedScenario, moreEvaluations } from '../helpers/sim.js'
import { push, shareOf } from '../helpers/daemon.js'
import { aliceAndBob, has, shown, type Operator } from '../helpers/operator.js'

const SECRET = 'correcthorsebatterystaple-crash'

/** One instance's ledger entries of one payment hash and role, in order (the instance stopped). */
async function statuses(storage: string, role: string, paymentHash: string): Promise<string[]> {
  const ledger = await AuditLog.open({
    storagePath: storage,
    eventLogName: 'event-log',
    transactionLogName: 'transaction-log',
    shouldMask: []
  })
  try {
    return ledger
      .allTransactions()
      .filter((t: TransactionRecord) => t.role === role && t.paymentHash === paymentHash)
      .map((t) => t.status)
  } finally {
    await ledger.close()
  }
}

/**
 * test/daemon/crash-recovery.test.ts with the payer on Core Lightning and across operators, on
 * scenarios/mixed.json: Bob's C (CLN) pays Alice's A (LND) over A-C; Bob's process is SIGKILLed
 * while the HTLC is held in flight, the payment settles while he is down, and the restarted Bob
 * learns the outcome from CLN (listsendpays) and records it once. Ground truth: one payment for
 * that hash, never a second one; each ledger has one outcome for it.
 */
describe('a CLN payer (C, Bob) SIGKILLed mid-payment across operators', () => {
  let cluster: SimCluster
  const cleanup: Array<() => Promise<unknown>> = []
  let alice: Operator
  let bob: Operator

  before(async () => {
    cluster = await SimCluster.start({ scenario: mixedScenario(), dht: true, control: false })
    ;({ alice, bob } = await aliceAndBob(cluster, SECRET, cleanup))
  })
  after(async () => {
    for (const c of cleanup.reverse()) await c()
    await cluster?.stop()
  })

  it('is reconciled exactly once after a restart: one payment for the hash, one outcome in each ledger', async () => {
    cluster.addFault({ type: 'hold', from: 'C', to: 'A' })
    const pushed = await push(cluster, 'A', 'C', 1_200_000)
    const held = await eventually(() => cluster.network.faults.listHeld()[0], 30_000, "C's payment held in flight")
    assert.notEqual(held.paymentHash, pushed.paymentHash, 'the held payment is the rebalance, not the push')
    await eventually(
      () => has(bob.proc, (e) => e.type === 'payment_started' && e.node === 'C' && e.paymentHash === held.paymentHash),
      10_000,
      "Bob's pending entry"
    )
    await bob.proc.stop('SIGKILL')

    cluster.network.faults.clear()
    cluster.network.faults.release(held.id) // the payee settles while the payer is down
    await eventually(
      () => cluster.network.paymentLog.find((p) => p.paymentHash === held.paymentHash),
      10_000,
      'the payment to settle'
    )

    const restarted = await bob.restart('SIGKILL') // already dead: starts it again
    const reconciled = await eventually(
      () => restarted.events().find((e) => e.type === 'payment_reconciled'),
      30_000,
      `reconciliation:\n${restarted.output()}`
    )
    assert.deepEqual(reconciled.type === 'payment_reconciled' && [reconciled.outcome, reconciled.paymentHash], [
      'succeeded',
      held.paymentHash
    ])
    await eventually(
      () => (Math.abs(shareOf(cluster, 'A', 'C') - 0.5) <= 0.1 ? true : undefined),
      30_000,
      'A-C balanced'
    ).catch((err: Error) => {
      throw new Error(
        `${err.message}\nalice:\n${shown(alice.proc, (e) => /request|refus|not_done|payment/.test(e.type))}`
      )
    })
    await moreEvaluations(cluster, 'A', 3) // A (LND, the requester) decided several times since
    await eventually(
      () => has(restarted, (e) => e.type === 'channel_watched' && e.node === 'C'),
      30_000,
      'Bob watching A-C again'
    )

    const forHash = cluster.network.paymentLog.filter((p) => p.paymentHash === held.paymentHash)
    assert.equal(forHash.length, 1, 'one payment for that hash')
    assert.deepEqual(
      [forHash[0]?.status, forHash[0]?.feeMsat, forHash[0]?.chanIds],
      ['SUCCEEDED', 0, [cluster.channelBetween('A', 'C')?.id]]
    )
    const rebalances = cluster.network.paymentLog.filter(
      (p) => p.paymentHash !== pushed.paymentHash && p.from === 'C' && p.to === 'A' && p.status === 'SUCCEEDED'
    )
    assert.equal(rebalances.length, 1, 'paid exactly once: nothing asked or paid a second time')
    assert.equal(restarted.events().filter((e) => e.type === 'payment_reconciled').length, 1, 'reconciled once')

    assert.equal(await bob.proc.stop('SIGTERM'), 0)
    assert.equal(await alice.proc.stop('SIGTERM'), 0)
    assert.deepEqual(await statuses(bob.storage, 'payer', held.paymentHash), ['pending', 'succeeded'])
    assert.deepEqual(
      await statuses(alice.storage, 'requester', held.paymentHash),
      ['requested', 'succeeded'],
      'the requester (LND) confirms it by its invoice, once'
    )
  })
})
