import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { SimCluster } from '../../src/sim/cluster.js'
import { LndNode } from '../../src/lightning/lnd-node.js'
import { PayerHarness } from '../helpers/payer.js'
import { eventually } from '../helpers/sim.js'

const BOB = 'b'.repeat(64)
const CAROL = 'c'.repeat(64)

/**
 * The net cap counts payments in flight, instance-wide: requests of one counterparty arriving at
 * the same moment over several channels (and several of our nodes) pass it one at a time.
 */
describe('maxNetOutflowPerPeriod under concurrent requests over several channels', () => {
  let cluster: SimCluster
  let alice: PayerHarness
  let c: LndNode
  before(async () => {
    cluster = await SimCluster.start({
      scenario: { nodes: [{ alias: 'A' }, { alias: 'A2' }, { alias: 'C' }], channels: [] },
      dht: false,
      control: false
    })
    alice = await PayerHarness.start(cluster, ['A', 'A2'], {
      maxNetOutflowPerPeriod: 150_000,
      minTimeBetweenPayments: 0
    })
    c = await LndNode.connect(cluster.connection('C'))
  })
  after(async () => {
    await c?.stop()
    await alice?.stop()
    await cluster?.stop()
  })

  const rich = (from: string): string =>
    cluster.openChannel({ from, to: 'C', capacity: 2_000_000, fromBalance: 1_400_000 }).id
  const ask = (alias: string, channelId: string, request: string, counterparty: string) => {
    const payer = alice.payers.get(alias)
    if (!payer) throw new Error(alias)
    return payer.handle({
      channelId,
      requesterPublicKey: c.identity.publicKey,
      payerPublicKey: alice.node(alias).identity.publicKey,
      request,
      tokens: 100_000,
      counterparty
    })
  }

  it('three at once, room for one: one is paid, two are refused for the cap; another counterparty has its own', async () => {
    const channels: Array<[string, string]> = [
      ['A', rich('A')],
      ['A', rich('A')],
      ['A2', rich('A2')]
    ]
    const invoices = await Promise.all(
      channels.map(() => c.createInvoice({ tokens: 100_000, description: 'rebalance', expirySeconds: 600 }))
    )
    // Slow hops keep the first payment in flight while the others are checked.
    cluster.network.faults.hopLatencyMs = 100
    const results = await Promise.all(
      channels.map(([alias, id], i) => ask(alias, id, (invoices[i] as { request: string }).request, BOB))
    )
    cluster.network.faults.hopLatencyMs = 0

    assert.deepEqual(results.map((r) => r.status).sort(), ['paid', 'refused', 'refused'])
    for (const r of results) if (r.status === 'refused') assert.equal(r.reason, 'maxNetOutflowPerPeriod')
    const hashes = new Set(invoices.map((i) => i.paymentHash))
    assert.equal(
      cluster.network.paymentLog.filter((p) => hashes.has(p.paymentHash) && p.status === 'SUCCEEDED').length,
      1,
      'one payment reached the network'
    )

    const other = await c.createInvoice({ tokens: 100_000, description: 'rebalance', expirySeconds: 600 })
    const r = await ask('A2', channels[2]?.[1] as string, other.request, CAROL)
    assert.equal(r.status, 'paid', "Carol's cap is not used by Bob's payments")
  })

  it("a refusal's retryAt is when the rolling period has let the oldest payment go: asked again then, it is paid", async () => {
    const short = await PayerHarness.start(cluster, ['A'], {
      maxNetOutflowPerPeriod: 100_000,
      minTimeBetweenPayments: 0,
      limitsPeriod: 10_000,
      useRollingLimitsPeriod: true
    })
    try {
      const channel = rich('A')
      const ask2 = async (): Promise<Awaited<ReturnType<PayerHarness['ask']>>> => {
        const inv = await c.createInvoice({ tokens: 100_000, description: 'rebalance', expirySeconds: 600 })
        const payer = short.payers.get('A') as NonNullable<ReturnType<typeof short.payers.get>>
        return payer.handle({
          channelId: channel,
          requesterPublicKey: c.identity.publicKey,
          payerPublicKey: short.node('A').identity.publicKey,
          request: inv.request,
          tokens: 100_000,
          counterparty: BOB
        })
      }
      assert.equal((await ask2()).status, 'paid')
      const refused = await ask2()
      assert.equal(refused.status === 'refused' ? refused.reason : refused.status, 'maxNetOutflowPerPeriod')
      const retryAt = refused.status === 'refused' ? refused.retryAt : undefined
      assert.ok(retryAt !== undefined && retryAt <= Date.now() + 10_000, `retryAt ${retryAt}`)
      await eventually(() => (Date.now() >= (retryAt as number) ? true : undefined), 20_000, 'retryAt')
      assert.equal((await ask2()).status, 'paid', 'the period rolled: room again')
      const paid = short.ledger.allTransactions().filter((t) => t.role === 'payer' && t.status === 'succeeded')
      assert.equal(paid.length, 2)
      assert.ok((paid[1]?.at as number) - (paid[0]?.at as number) >= 10_000, 'never two in one period')
    } finally {
      await short.stop()
    }
  })
})
