import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { createInvoice } from 'lightning'
import { SimCluster, type ClnConnection } from '../../src/sim/cluster.js'
import { loadScenario } from '../../src/sim/scenario.js'
import { ClnNode } from '../../src/lightning/cln/cln-node.js'
import { controlCall, eventually, lndFor } from '../helpers/sim.js'

/**
 * The CLN adapter's payment against a simulated CLN node (scenarios/mixed.json: C is CLN, D LND),
 * where the outcome is uncertain: a payment CLN still has in flight is never reported failed, and
 * one hash moves money at most once (ground truth from the control API).
 */
describe('CLN payDirect: in flight is never failed', () => {
  let cluster: SimCluster
  let node: ClnNode | undefined
  const control = async (method: string, path: string, body?: unknown): Promise<any> =>
    controlCall(cluster, method, path, body)

  before(async () => {
    cluster = await SimCluster.start({ scenario: loadScenario('scenarios/mixed.json'), dht: false })
    const c = cluster.nodeConnection('C') as ClnConnection
    node = await ClnNode.connect({ type: 'cln', url: c.url, rune: c.rune, cert: c.cert })
  })
  after(async () => {
    await node?.stop()
    await cluster?.stop()
  })

  it('a second payDirect of a hash CLN has in flight (sendpay 200) is pending, not failed; one HTLC, paid once', async () => {
    const cln = node as ClnNode
    const cd = cluster.channelBetween('C', 'D')
    assert.ok(cd)
    const before = cd.from === 'C' ? cd.fromBalance : cd.toBalance
    const inv = await createInvoice({ lnd: lndFor(cluster, 'D'), tokens: 9_000, description: 'held' })
    await control('POST', '/faults', { type: 'hold', from: 'C', to: 'D' })
    try {
      const payment = { request: inv.request, channelId: cd.id, timeoutMs: 1_000, cltvLimit: 144 }
      assert.deepEqual(await cln.payDirect(payment), { status: 'pending' }, 'held past the timeout')
      await eventually(async () => ((await control('GET', '/faults')).held.length === 1 ? true : undefined))
      // CLN refuses the second attempt (another group in flight), but its payment may still settle.
      assert.deepEqual(await cln.payDirect(payment), { status: 'pending' })
      assert.equal(cluster.channelBetween('C', 'D')?.pendingHtlcs, 1, 'one HTLC in flight, not two')
      await control('POST', '/faults/release', {})
      const done = await eventually(
        async () => {
          const s = await cln.getPaymentState(inv.id)
          return s.status === 'pending' ? undefined : s
        },
        10_000,
        'the payment to end'
      )
      assert.equal(done.status, 'succeeded')
      const preimage = (done as { preimage: string }).preimage
      assert.equal(createHash('sha256').update(Buffer.from(preimage, 'hex')).digest('hex'), inv.id)
      const after = cluster.channelBetween('C', 'D')
      assert.ok(after)
      assert.equal((after.from === 'C' ? after.fromBalance : after.toBalance) - before, -9_000, 'paid once, no fee')
    } finally {
      await control('POST', '/faults/release', {})
      await control('DELETE', '/faults')
    }
  })
})
