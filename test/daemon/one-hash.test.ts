import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { SimCluster } from '../../src/sim/cluster.js'
import { LndNode } from '../../src/lightning/lnd-node.js'
import { PayerHarness } from '../helpers/payer.js'
import { eventually } from '../helpers/sim.js'

/**
 * Security hardening 2: one payment hash, one decision, for the whole instance. C has two
 * channels to Alice's A and one to her A2; all three payer services share Alice's ledger. A and A2
 * are on LND, then on Core Lightning: one decision per hash whatever node pays.
 */
for (const implementation of ['lnd', 'cln'] as const)
  describe(`the same invoice asked over several channels of one instance (A, A2 on ${implementation})`, () => {
    let cluster: SimCluster
    let alice: PayerHarness
    let c: LndNode
    before(async () => {
      cluster = await SimCluster.start({
        scenario: {
          nodes: [{ alias: 'A', implementation }, { alias: 'A2', implementation }, { alias: 'C' }],
          channels: []
        },
        dht: false,
        control: false
      })
      alice = await PayerHarness.start(cluster, ['A', 'A2'])
      c = await LndNode.connect(cluster.connection('C'))
    })
    after(async () => {
      await c?.stop()
      await alice?.stop()
      await cluster?.stop()
    })

    const rich = (from: string): string =>
      cluster.openChannel({ from, to: 'C', capacity: 2_000_000, fromBalance: 1_400_000 }).id

    it('is paid once: the other requests, at the same moment, are refused as duplicates', async () => {
      const channels: Array<[string, string]> = [
        ['A', rich('A')],
        ['A', rich('A')],
        ['A2', rich('A2')]
      ]
      const invoice = await c.createInvoice({ tokens: 100_000, description: 'rebalance', expirySeconds: 600 })
      // Slow hops keep the first payment in flight while the others would be checked.
      cluster.network.faults.hopLatencyMs = 100
      const results = await Promise.all(
        channels.map(([alias, id]) => alice.ask(alias, c, id, invoice.request, 100_000))
      )
      cluster.network.faults.hopLatencyMs = 0

      assert.deepEqual(results.map((r) => r.status).sort(), ['paid', 'refused', 'refused'])
      for (const r of results) if (r.status === 'refused') assert.equal(r.reason, 'duplicatePayment')
      const truth = cluster.network.paymentLog.filter((p) => p.paymentHash === invoice.paymentHash)
      assert.deepEqual(
        truth.map((p) => p.status),
        ['SUCCEEDED'],
        'one payment reached LND, and it succeeded'
      )
      assert.equal(
        cluster.network
          .node('A')
          .payments.list()
          .filter((p) => p.paymentHash === invoice.paymentHash).length +
          (cluster.network.node('A2').payments.get(invoice.paymentHash) ? 1 : 0),
        1,
        "one attempt in all of Alice's LNDs"
      )
      const statuses = alice.entries(invoice.paymentHash).map((t) => t.status)
      assert.deepEqual(
        statuses.filter((s) => s !== 'refused'),
        ['pending', 'succeeded']
      )
      assert.equal(statuses.filter((s) => s === 'refused').length, 2)
    })

    it("records the node's refusal of an invoice it already paid as a failed attempt, not a second success", async () => {
      const [first, second] = [rich('A'), rich('A')]
      const invoice = await c.createInvoice({ tokens: 50_000, description: 'rebalance', expirySeconds: 600 })
      // Paid by A outside Tightrope's payer (by hand, through its node directly), so Alice's ledger
      // does not know it.
      const byHand = await alice
        .node('A')
        .payDirect({ request: invoice.request, channelId: first, timeoutMs: 20_000, cltvLimit: 144 })
      assert.equal(byHand.status, 'succeeded')
      const sentBefore = cluster.network.paymentLog.filter((p) => p.paymentHash === invoice.paymentHash).length

      const r = await alice.ask('A', c, second, invoice.request, 50_000)
      assert.equal(r.status, 'failed')
      assert.equal(r.status === 'failed' ? r.reason : '', 'alreadyPaid')
      assert.deepEqual(
        alice.entries(invoice.paymentHash).map((t) => [t.status, t.reason]),
        [
          ['pending', undefined],
          ['failed', 'alreadyPaid']
        ]
      )
      assert.equal(
        cluster.network.paymentLog.filter((p) => p.paymentHash === invoice.paymentHash).length,
        sentBefore,
        'the node made no second payment'
      )
      assert.equal(
        cluster.channels().find((ch) => ch.id === second)?.fromBalance,
        1_400_000,
        'nothing left over the second channel'
      )
    })

    it('keeps an attempt the node refused while its own payment of that hash is in flight pending, until that one ends', async () => {
      const [first, second] = [rich('A'), rich('A')]
      const invoice = await c.createInvoice({ tokens: 40_000, description: 'rebalance', expirySeconds: 600 })
      // A pays it outside Tightrope's payer over `first`, and C holds that HTLC: A has it in flight.
      cluster.addFault({ type: 'hold', from: 'A', to: 'C', count: 1 })
      const byHand = alice
        .node('A')
        .payDirect({ request: invoice.request, channelId: first, timeoutMs: 20_000, cltvLimit: 144 })
      const held = await eventually(() => cluster.network.faults.listHeld()[0], 10_000, "A's HTLC held at C")

      const r = await alice.ask('A', c, second, invoice.request, 40_000)
      assert.equal(r.status, 'pending', 'not failed: the earlier payment of this hash may still settle')
      assert.deepEqual(
        alice.entries(invoice.paymentHash).map((t) => t.status),
        ['pending'],
        'no failure booked while the node has the hash in flight'
      )
      cluster.network.faults.release(held.id, 'settle')
      assert.equal((await byHand).status, 'succeeded')
      assert.equal(
        cluster.network.paymentLog.filter((p) => p.paymentHash === invoice.paymentHash).length,
        1,
        'the node made no second payment'
      )
      assert.equal(
        cluster.channels().find((ch) => ch.id === second)?.fromBalance,
        1_400_000,
        'nothing over the second channel'
      )
    })
  })
