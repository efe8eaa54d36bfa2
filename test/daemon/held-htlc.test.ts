import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { SimCluster } from '../../src/sim/cluster.js'
import { LndNode } from '../../src/lightning/lnd-node.js'
import { eventually } from '../helpers/sim.js'
import { balanceOf, PayerHarness } from '../helpers/payer.js'
import { watchBalancePoint } from '../../soak/balance-point.js'

/**
 * Security hardening 1: C routes a payment through A towards B and has it held. In A's view of
 * A-C the HTLC is in neither balance (C's side shows it gone, A's local is unchanged), so
 * local + remote alone made A's share look higher than it is. C then asks A to pay more than A's
 * real room above its balance point, and afterwards fails the held HTLC back. The payers A and A2
 * are on LND, then on Core Lightning (its HTLCs from listpeerchannels): the same counting holds.
 */
for (const implementation of ['lnd', 'cln'] as const)
  describe(`a partner holding an HTLC it routed through the payer (A, A2 on ${implementation})`, () => {
    let cluster: SimCluster
    let alice: PayerHarness
    let c: LndNode
    let c2: LndNode
    // The soak's invariant watches every payment A and A2 make, on the simulator's ground truth.
    const violations: string[] = []
    let watch: ReturnType<typeof watchBalancePoint> | undefined
    before(async () => {
      // Two separate triangles, so each test's traffic has exactly one route.
      const nodes = ['A', 'B', 'C', 'A2', 'C2', 'D2'].map((alias) => ({
        alias,
        implementation: alias === 'A' || alias === 'A2' ? implementation : 'lnd'
      }))
      cluster = await SimCluster.start({ scenario: { nodes, channels: [] }, dht: false, control: false })
      alice = await PayerHarness.start(cluster, ['A', 'A2'])
      c = await LndNode.connect(cluster.connection('C'))
      c2 = await LndNode.connect(cluster.connection('C2'))
      watch = watchBalancePoint(cluster.network, {
        balancePoint: 0.5,
        payers: (a) => a === 'A' || a === 'A2',
        violate: (v) => violations.push(v)
      })
    })
    after(async () => {
      watch?.stop()
      await c?.stop()
      await c2?.stop()
      await alice?.stop()
      await cluster?.stop()
    })

    it('cannot make the payer pay below its balance point, counting HTLCs in flight', async () => {
      // C opened A-C (so the commit fee of an HTLC is C's): A holds 1,400,000, C 596,530.
      const ac = cluster.openChannel({ from: 'C', to: 'A', capacity: 2_000_000, fromBalance: 596_530 })
      cluster.openChannel({ from: 'A', to: 'B', capacity: 2_000_000 })
      const start = balanceOf(cluster, ac.id, 'A')
      assert.equal(start.local, 1_400_000)
      const room = start.local - Math.ceil(start.total * 0.5) // A's real room above 0.5: 401,735 sat
      assert.ok(room > 400_000 && room < 500_000)

      cluster.addFault({ type: 'hold', from: 'C', to: 'B' })
      const traffic = cluster.pay({ from: 'C', to: 'B', tokens: 300_000 })
      const held = await eventually(() => cluster.network.faults.listHeld()[0], 10_000, 'the HTLC held at B')
      assert.equal(
        balanceOf(cluster, ac.id, 'A').local,
        start.local,
        "A's local balance does not move while the HTLC is held"
      )
      assert.equal(balanceOf(cluster, ac.id, 'A').htlcs, 1)

      // 500k fits local + remote (1.4M of 1.7M) but not A's real room.
      const greedy = await c.createInvoice({
        tokens: 500_000,
        description: `tightrope rebalance ${ac.id}`,
        expirySeconds: 600
      })
      const r = await alice.ask('A', c, ac.id, greedy.request, 500_000)
      assert.equal(r.status, 'refused')
      assert.equal(r.status === 'refused' ? r.reason : '', 'belowBalancePoint')
      assert.match(r.status === 'refused' ? r.detail : '', /counting \d+ sats of HTLCs in flight as the partner's/)
      assert.deepEqual(
        alice.entries(greedy.paymentHash).map((t) => t.status),
        ['refused'],
        'nothing recorded as paid or pending'
      )
      assert.equal(
        cluster.network.node('A').payments.get(greedy.paymentHash),
        undefined,
        'LND was never asked to pay it'
      )

      // C fails the held HTLC back: A is exactly where it was.
      cluster.network.faults.release(held.id, 'fail')
      const failed = await traffic
      assert.equal(failed.status, 'FAILED')
      assert.equal(failed.failureReason, 'FAILURE_REASON_INCORRECT_PAYMENT_DETAILS')
      const after = balanceOf(cluster, ac.id, 'A')
      assert.equal(after.local, start.local)
      assert.equal(after.htlcs, 0)

      // What A's real room allows is still paid, and leaves A exactly at its balance point.
      const fair = await c.createInvoice({
        tokens: room,
        description: `tightrope rebalance ${ac.id}`,
        expirySeconds: 600
      })
      const paid = await alice.ask('A', c, ac.id, fair.request, room)
      assert.equal(paid.status, 'paid')
      const end = balanceOf(cluster, ac.id, 'A')
      assert.equal(end.local, start.local - room)
      assert.ok(end.local * 2 >= end.total, `A at ${end.local} of ${end.total}: not below 0.5`)
      assert.deepEqual(
        alice.entries(fair.paymentHash).map((t) => t.status),
        ['pending', 'succeeded']
      )
      assert.deepEqual(violations, [], "the soak's balance-point invariant holds")
      assert.equal(watch?.stats.judged, 1, 'it judged the one payment made')
    })

    it('counts a payment of ours the partner holds as already gone', async () => {
      // A2 pays D2 through C2 and D2 holds it. A2's local already excludes the HTLC; if it settles
      // it is C2's. local + remote alone would let 300k pass and leave A2 at 47.6% once it settles.
      const ac = cluster.openChannel({ from: 'A2', to: 'C2', capacity: 2_000_000, fromBalance: 1_400_000 })
      cluster.openChannel({ from: 'C2', to: 'D2', capacity: 2_000_000 })
      const start = balanceOf(cluster, ac.id, 'A2')
      cluster.addFault({ type: 'hold', from: 'A2', to: 'D2' })
      const traffic = cluster.pay({ from: 'A2', to: 'D2', tokens: 150_000 })
      const held = await eventually(() => cluster.network.faults.listHeld()[0], 10_000, "A2's HTLC held at D2")
      assert.equal(balanceOf(cluster, ac.id, 'A2').htlcs, 1)

      const inv = await c2.createInvoice({
        tokens: 300_000,
        description: `tightrope rebalance ${ac.id}`,
        expirySeconds: 600
      })
      const r = await alice.ask('A2', c2, ac.id, inv.request, 300_000)
      assert.equal(r.status, 'refused')
      assert.equal(r.status === 'refused' ? r.reason : '', 'belowBalancePoint')
      assert.equal(cluster.network.node('A2').payments.get(inv.paymentHash), undefined, 'LND was never asked to pay it')

      cluster.network.faults.release(held.id, 'fail')
      assert.equal((await traffic).status, 'FAILED')
      assert.equal(balanceOf(cluster, ac.id, 'A2').local, start.local, "A2's own HTLC came back")
      assert.equal(
        cluster.network.paymentLog.filter((p) => p.from === 'A2' && p.to === 'C2').length,
        0,
        'A2 paid C2 nothing'
      )
      assert.deepEqual(violations, [])
    })
  })
