import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { pay } from 'lightning'
import { SimCluster } from '../../src/sim/cluster.js'
import { LndNode } from '../../src/lightning/lnd-node.js'
import { eventually, lndFor } from '../helpers/sim.js'
import { PayerHarness } from '../helpers/payer.js'

/**
 * Security hardening 2: one payment hash, one decision, for the whole instance. C has two
 * channels to Alice's A and one to her A2; all three payer services share Alice's ledger.
 */
describe('the same invoice asked over several channels of one instance', () => {
  let cluster: SimCluster
  let alice: PayerHarness
  let c: LndNode
  before(async () => {
    cluster = await SimCluster.start({
      scenario: { nodes: [{ alias: 'A' }, { alias: 'A2' }, { alias: 'C' }], channels: [] },
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
    const results = await Promise.all(channels.map(([alias, id]) => alice.ask(alias, c, id, invoice.request, 100_000)))
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

  it("records LND's refusal of an invoice it already paid as a failed attempt, not a second success", async () => {
    const [first, second] = [rich('A'), rich('A')]
    const invoice = await c.createInvoice({ tokens: 50_000, description: 'rebalance', expirySeconds: 600 })
    // Paid by A's LND outside Tightrope (e.g. by hand), so Alice's ledger does not know it.
    await pay({ lnd: lndFor(cluster, 'A'), request: invoice.request, outgoing_channel: first, max_fee: 0 })
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
      'LND made no second payment'
    )
    assert.equal(
      cluster.channels().find((ch) => ch.id === second)?.fromBalance,
      1_400_000,
      'nothing left over the second channel'
    )
  })

  it('keeps an attempt LND refused while its own payment of that hash is in flight pending, until that one ends', async () => {
    const [first, second] = [rich('A'), rich('A')]
    const invoice = await c.createInvoice({ tokens: 40_000, description: 'rebalance', expirySeconds: 600 })
    // A's LND pays it outside Tightrope over `first`, and C holds that HTLC: LND has it in flight.
    cluster.addFault({ type: 'hold', from: 'A', to: 'C' })
    const earlier = pay({ lnd: lndFor(cluster, 'A'), request: invoice.request, outgoing_channel: first, max_fee: 0 })
    earlier.catch(() => undefined) // its outcome is read from the simulator below
    const held = await eventually(() => cluster.network.faults.listHeld()[0], 10_000, "A's HTLC held at C")

    const r = await alice.ask('A', c, second, invoice.request, 40_000)
    assert.equal(r.status, 'pending', 'not failed: the earlier payment of this hash may still settle')
    assert.deepEqual(
      alice.entries(invoice.paymentHash).map((t) => t.status),
      ['pending'],
      'no failure booked while LND has the hash in flight'
    )
    cluster.network.faults.release(held.id, 'settle')
    await eventually(
      () => cluster.network.paymentLog.find((p) => p.paymentHash === invoice.paymentHash && p.status === 'SUCCEEDED'),
      10_000,
      'the earlier payment settled'
    )
    assert.equal(
      cluster.network.paymentLog.filter((p) => p.paymentHash === invoice.paymentHash).length,
      1,
      'LND made no second payment'
    )
    assert.equal(
      cluster.channels().find((ch) => ch.id === second)?.fromBalance,
      1_400_000,
      'nothing over the second channel'
    )
  })
})
