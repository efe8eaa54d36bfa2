import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { SimCluster } from '../../src/sim/cluster.js'
import { LndNode } from '../../src/lightning/lnd-node.js'
import { PayerHarness } from '../helpers/payer.js'

/**
 * Reliability 4: the wall clock steps back between a payment's 'pending' and 'succeeded' entries
 * (NTP correcting a fast clock, a VM resumed). The payment's state is the entry appended last,
 * whatever its timestamp, so the channel is not refused forever as "still pending".
 */
describe('a wall-clock step back between pending and succeeded', () => {
  let cluster: SimCluster
  let alice: PayerHarness
  let c: LndNode
  before(async () => {
    cluster = await SimCluster.start({
      scenario: {
        nodes: [{ alias: 'A' }, { alias: 'C' }],
        channels: [{ from: 'A', to: 'C', capacity: 2_000_000, fromBalance: 1_400_000 }]
      },
      dht: false,
      control: false
    })
    alice = await PayerHarness.start(cluster, ['A'])
    c = await LndNode.connect(cluster.connection('C'))
  })
  after(async () => {
    await c?.stop()
    await alice?.stop()
    await cluster?.stop()
  })

  it('does not wedge the channel: the next request is paid, and the earlier payment still counts', async () => {
    const ac = cluster.channelBetween('A', 'C')?.id as string
    const a = alice.node('A').identity.publicKey
    const base = {
      role: 'payer' as const,
      channelId: ac,
      localPublicKey: a,
      remotePublicKey: c.identity.publicKey,
      tokens: 30_000,
      paymentHash: 'ab'.repeat(32)
    }
    const now = Date.now()
    await alice.ledger.appendTransaction({ ...base, status: 'pending', fee: 0, at: now - 1000 })
    // Settled after the clock was stepped back an hour.
    await alice.ledger.appendTransaction({ ...base, status: 'succeeded', fee: 0, at: now - 3_600_000 })

    const invoice = await c.createInvoice({ tokens: 50_000, description: 'rebalance', expirySeconds: 600 })
    const r = await alice.ask('A', c, ac, invoice.request, 50_000)
    assert.equal(r.status, 'paid', JSON.stringify(r))
    assert.equal(
      cluster.network.paymentLog.filter((p) => p.paymentHash === invoice.paymentHash && p.status === 'SUCCEEDED')
        .length,
      1
    )
    assert.equal(await alice.payers.get('A')?.reconcile(), 0, 'nothing is left pending to reconcile')

    // The earlier payment still counts against the period limits: with room for one payment of
    // 80k in the period, a third request is refused by the amount limit.
    const limited = await PayerHarness.start(cluster, ['A'], { maxAmountPerPeriod: 90_000 })
    try {
      for (const t of alice.ledger.allTransactions()) {
        if (t.role === 'payer' && t.status !== 'refused') await limited.ledger.appendTransaction({ ...t })
      }
      const more = await c.createInvoice({ tokens: 20_000, description: 'rebalance', expirySeconds: 600 })
      const refused = await limited.ask('A', c, ac, more.request, 20_000)
      assert.equal(refused.status === 'refused' ? refused.reason : refused.status, 'maxAmountPerPeriod')
    } finally {
      await limited.stop()
    }
  })
})
