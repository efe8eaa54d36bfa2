import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { SimCluster } from '../../src/sim/cluster.js'
import { eventually } from '../helpers/sim.js'
import { startDaemon, tempDir, type TestDaemon } from '../helpers/daemon.js'
import { balanceOf } from '../helpers/payer.js'

/**
 * Security hardening 1, the requester's side: A (poor on A-C) has a payment of its own held
 * downstream of C. Its local balance shows the HTLC gone; if A sized its request from local +
 * remote it would ask for more than reaches its balance point, and once the HTLC fails back it
 * would sit past it (and C, seeing itself poor, would ask back). One instance runs both A and C.
 */
describe('a requester with an HTLC of its own held in flight', () => {
  let cluster: SimCluster
  let d: TestDaemon | undefined
  let storage: { path: string; remove: () => Promise<void> } | undefined
  before(async () => {
    cluster = await SimCluster.start({
      scenario: {
        nodes: [{ alias: 'A' }, { alias: 'C' }, { alias: 'D' }],
        // C opened A-C: A holds 600,000, C 1,396,530 (A at 30%).
        channels: [
          { from: 'C', to: 'A', capacity: 2_000_000, fromBalance: 1_396_530 },
          { from: 'C', to: 'D', capacity: 2_000_000 }
        ]
      },
      dht: false,
      control: false
    })
  })
  after(async () => {
    await d?.daemon.stop()
    await storage?.remove()
    await cluster?.stop()
  })

  it('asks only for what reaches its balance point whichever way the HTLC ends, and the payer agrees', async () => {
    const ac = cluster.channelBetween('A', 'C')?.id as string
    assert.equal(balanceOf(cluster, ac, 'A').local, 600_000)
    cluster.addFault({ type: 'hold', from: 'A', to: 'D' })
    const traffic = cluster.pay({ from: 'A', to: 'D', tokens: 100_000 })
    const held = await eventually(() => cluster.network.faults.listHeld()[0], 10_000, "A's payment held at D")

    storage = await tempDir()
    d = await startDaemon(cluster, ['A', 'C'], storage.path)
    const ledger = d.daemon.ledger
    const done = await eventually(
      () =>
        ledger.allTransactions().find((t) => t.role === 'requester' && t.channelId === ac && t.status !== 'requested'),
      20_000,
      'the rebalance to conclude'
    )
    assert.equal(
      done.status,
      'succeeded',
      JSON.stringify(ledger.allTransactions().filter((t) => t.status === 'refused'))
    )
    assert.deepEqual(
      ledger
        .allTransactions()
        .filter((t) => t.role === 'payer' && t.status === 'refused')
        .map((t) => t.reason),
      [],
      'the payer refused nothing'
    )

    // The HTLC fails back: A lands on its balance point, not past it.
    cluster.network.faults.release(held.id, 'fail')
    assert.equal((await traffic).status, 'FAILED')
    const end = balanceOf(cluster, ac, 'A')
    assert.equal(end.htlcs, 0)
    assert.ok(end.local * 2 <= end.total, `A at ${end.local} of ${end.total}: not past 0.5`)
    assert.ok(
      end.local * 2 >= end.total - 1000,
      `A at ${end.local} of ${end.total}: at 0.5 (less the HTLC's commit fee C paid meanwhile)`
    )
    assert.equal(
      ledger.allTransactions().filter((t) => t.role === 'payer' && t.status === 'succeeded').length,
      1,
      'one rebalance, no ping-pong'
    )
  })
})
