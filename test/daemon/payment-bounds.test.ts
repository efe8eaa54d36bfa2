import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { createInvoice } from 'lightning'
import { SimCluster } from '../../src/sim/cluster.js'
import { LndNode } from '../../src/lightning/lnd-node.js'
import { encodeInvoice } from '../../src/sim/crypto/bolt11.js'
import { AuditLog } from '../../src/ledger/audit-log.js'
import { Rebalancer } from '../../src/daemon/rebalancer.js'
import { eventually, lndFor } from '../helpers/sim.js'
import { BASE_SETTINGS, tempDir } from '../helpers/daemon.js'
import { balanceOf, PayerHarness } from '../helpers/payer.js'

/**
 * Security hardening 3: a payment the payer starts is bounded in time and CLTV, the invoice's
 * network must be the node's, and a payer's retryAt cannot silence a requester for long. The payer
 * A is on LND, then on Core Lightning (sendpay/waitsendpay): the same bounds hold for both.
 */
for (const implementation of ['lnd', 'cln'] as const)
  describe(`a payment the payer (A on ${implementation}) starts is bounded`, () => {
    let cluster: SimCluster
    let alice: PayerHarness
    let c: LndNode
    before(async () => {
      cluster = await SimCluster.start({
        scenario: { nodes: [{ alias: 'A', implementation }, { alias: 'C' }, { alias: 'D' }], channels: [] },
        dht: false,
        control: false
      })
      alice = await PayerHarness.start(cluster, ['A'], { paymentTimeout: 4000, cltvLimit: 144 })
      c = await LndNode.connect(cluster.connection('C'))
    })
    after(async () => {
      await c?.stop()
      await alice?.stop()
      await cluster?.stop()
    })

    const rich = (): string =>
      cluster.openChannel({ from: 'A', to: 'C', capacity: 2_000_000, fromBalance: 1_400_000 }).id

    it(
      'in time: the payee holding our HTLC gets a pending answer, the channel is free ' +
        "again, and LND's outcome is recorded later",
      async () => {
        const ac = rich()
        cluster.addFault({ type: 'hold', from: 'A', to: 'C' })
        const invoice = await c.createInvoice({ tokens: 100_000, description: 'rebalance', expirySeconds: 600 })
        const deadline = new Promise<'hung'>((resolve) => {
          const t = setTimeout(() => resolve('hung'), 30_000)
          t.unref()
        })
        const r = await Promise.race([alice.ask('A', c, ac, invoice.request, 100_000), deadline])
        assert.notEqual(r, 'hung', 'the payer stopped waiting for the held payment')
        assert.deepEqual(r, { status: 'pending' })
        const held = cluster.network.faults.listHeld().find((h) => h.paymentHash === invoice.paymentHash)
        assert.ok(held, 'the HTLC is still held by the payee')
        assert.equal(balanceOf(cluster, ac, 'A').htlcs, 1)
        assert.deepEqual(
          alice.entries(invoice.paymentHash).map((t) => t.status),
          ['pending']
        )

        // The channel lock was released: another request is answered at once (refused: one pending).
        const next = await c.createInvoice({ tokens: 10_000, description: 'rebalance', expirySeconds: 600 })
        const busy = await alice.ask('A', c, ac, next.request, 10_000)
        assert.equal(busy.status === 'refused' ? busy.reason : busy.status, 'paymentPending')

        // The payee settles; the next request on the channel learns it from LND and goes ahead.
        cluster.network.faults.release(held.id, 'settle')
        await eventually(
          () =>
            cluster.network.paymentLog.some((p) => p.paymentHash === invoice.paymentHash && p.status === 'SUCCEEDED')
              ? true
              : undefined,
          10_000,
          'the held payment to settle'
        )
        const later = await c.createInvoice({ tokens: 10_000, description: 'rebalance', expirySeconds: 600 })
        const paid = await eventually(
          async () => {
            const res = await alice.ask('A', c, ac, later.request, 10_000)
            if (res.status === 'refused' && res.reason === 'paymentPending') {
              await new Promise((resolve) => setTimeout(resolve, 250))
              return undefined
            }
            return res
          },
          10_000,
          'the channel to be free'
        )
        assert.equal(paid.status, 'paid')
        assert.deepEqual(
          alice.entries(invoice.paymentHash).map((t) => t.status),
          ['pending', 'succeeded']
        )
      }
    )

    it('in CLTV: an invoice that would lock our HTLC longer than cltvLimit is refused, and LND is given the limit', async () => {
      const ac = rich()
      const created = await createInvoice({
        lnd: lndFor(cluster, 'C'),
        tokens: 20_000,
        cltv_delta: 500,
        description: 'long lock'
      })
      const sendpays = (): number =>
        implementation === 'cln' ? (cluster.restServer('A').calls.get('/v1/sendpay') ?? 0) : 0
      const sentBefore = sendpays()
      const r = await alice.ask('A', c, ac, created.request, 20_000)
      assert.equal(r.status === 'refused' ? r.reason : r.status, 'invoiceCltvTooLong')
      assert.deepEqual(
        alice.entries(created.id).map((t) => t.status),
        ['refused']
      )
      assert.equal(cluster.network.node('A').payments.get(created.id), undefined, 'LND was never asked to pay it')
      if (implementation === 'cln') assert.equal(sendpays(), sentBefore, 'nor CLN')

      // The same invoice through payDirect: LND (the simulator) refuses the cltv_limit itself; the
      // CLN adapter computes the HTLC's lock (the invoice's delta plus a margin) and refuses before sendpay.
      const outcome = await alice
        .node('A')
        .payDirect({ request: created.request, channelId: ac, timeoutMs: 5000, cltvLimit: 144 })
      assert.equal(outcome.status, 'failed')
      assert.equal(
        cluster.network.paymentLog.filter((p) => p.paymentHash === created.id && p.status === 'SUCCEEDED').length,
        0
      )
      assert.equal(balanceOf(cluster, ac, 'A').local, 1_400_000, 'nothing left A')
    })

    it('on our network: an invoice for another network is refused before anything is recorded as pending', async () => {
      const ac = rich()
      const tokens = 20_000
      const request = encodeInvoice({
        privateKey: cluster.network.node('C').privateKey,
        network: 'testnet',
        paymentHash: randomBytes(32).toString('hex'),
        paymentAddr: randomBytes(32).toString('hex'),
        mtokens: tokens * 1000,
        description: 'wrong network',
        expirySeconds: 600,
        cltvDelta: 80,
        createdAt: new Date()
      })
      const r = await alice.ask('A', c, ac, request, tokens)
      assert.equal(r.status === 'refused' ? r.reason : r.status, 'wrongNetwork')
      assert.match(r.status === 'refused' ? r.detail : '', /testnet.*regtest/)
      assert.ok(
        !alice.ledger.allTransactions().some((t) => t.channelId === ac && t.status !== 'refused'),
        'nothing pending, paid or failed'
      )
    })
  })

describe("a payer's retryAt", () => {
  let cluster: SimCluster
  before(async () => {
    cluster = await SimCluster.start({
      scenario: {
        nodes: [{ alias: 'R' }, { alias: 'P' }],
        channels: [{ from: 'P', to: 'R', capacity: 2_000_000, fromBalance: 1_500_000 }]
      },
      dht: false,
      control: false
    })
  })
  after(async () => {
    await cluster?.stop()
  })

  it("cannot push the requester's next request further than maxRetryWait", async () => {
    const dir = await tempDir()
    const ledger = await AuditLog.open({
      storagePath: dir.path,
      eventLogName: 'e',
      transactionLogName: 't',
      shouldMask: []
    })
    const r = await LndNode.connect(cluster.connection('R'))
    const maxRetryWait = 10 * 60_000
    const asked: number[] = []
    try {
      // A hostile payer: refuses, and says to come back in 30 days.
      const rebalancer = new Rebalancer({
        ledger,
        settingsFor: () => ({ ...BASE_SETTINGS, maxRetryWait }),
        payerFor: () => ({
          requestPayment: async () => {
            asked.push(Date.now())
            return {
              status: 'refused',
              reason: 'minTimeBetweenPayments',
              detail: 'later',
              retryAt: Date.now() + 30 * 86_400_000
            }
          }
        }),
        emit: () => {}
      })
      const before = Date.now()
      await rebalancer.evaluate(r)
      await rebalancer.idle()
      const side = [...rebalancer.sides.values()][0]
      assert.equal(asked.length, 1)
      const notBefore = side?.state.gate?.until
      assert.ok(notBefore !== undefined)
      assert.ok(
        notBefore <= Date.now() + maxRetryWait,
        `asks again within maxRetryWait (not before ${new Date(notBefore).toISOString()})`
      )
      assert.ok(notBefore >= before + maxRetryWait - 5000, 'and honours the payer up to it')
      // The ledger says the request was refused and the invoice withdrawn: nothing can arrive unrecorded.
      const requests = ledger
        .allTransactions()
        .filter((t) => t.role === 'requester')
        .map((t) => t.status)
      assert.deepEqual(requests, ['requested', 'refused'])
    } finally {
      await r.stop()
      await ledger.close()
      await dir.remove()
    }
  })
})
