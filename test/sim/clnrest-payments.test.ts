import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { createInvoice, getInvoice, pay } from 'lightning'
import { SimCluster, type ClnConnection } from '../../src/sim/cluster.js'
import { loadScenario } from '../../src/sim/scenario.js'
import { clnCall } from '../helpers/clnrest-client.js'
import { controlCall, eventually, lndFor } from '../helpers/sim.js'

interface ChannelTruth {
  id: string
  from: string
  to: string
  fromBalance: number
  toBalance: number
  pendingHtlcs: number
}

/**
 * Invoices and payments on simulated CLN nodes through a plain HTTPS client (contract §3): fields,
 * integer msat, status codes and CLN's error codes, with ground truth from the control API.
 * scenarios/mixed.json: B and C are CLN; C has channels to A (LND), D and Y.
 */
describe('simulated clnrest: invoices and payments', () => {
  let cluster: SimCluster
  let B: ClnConnection
  let C: ClnConnection
  const control = async (method: string, path: string, body?: unknown): Promise<any> =>
    controlCall(cluster, method, path, body)
  const channel = async (a: string, b: string): Promise<ChannelTruth> => {
    const all = (await control('GET', '/channels')) as ChannelTruth[]
    const ch = all.find((c) => (c.from === a && c.to === b) || (c.from === b && c.to === a))
    assert.ok(ch, `channel ${a}-${b}`)
    return ch
  }
  const pub = (alias: string): string => cluster.nodeConnection(alias).publicKey
  /** An LND node's invoice, as C would pay it: a one-hop route over the channel between them. */
  const lndInvoice = async (alias: string, tokens: number) =>
    await createInvoice({ lnd: lndFor(cluster, alias), tokens, description: 'to be paid by C' })

  /**
   * Starts a long-poll and resolves once the node is waiting on it (its index listeners grew), so
   * what the test does next happens after the wait began, however busy the machine.
   */
  const parked = async <T>(alias: string, start: () => Promise<T>): Promise<{ reply: Promise<T> }> => {
    const state = cluster.restServer(alias).state
    const before = state.listenerCount('index')
    const pending = start()
    await eventually(
      () => (state.listenerCount('index') > before ? true : undefined),
      10_000,
      `${alias} to park a wait`
    )
    // Wrapped: a bare promise returned from here would be awaited to its end.
    return { reply: pending }
  }

  before(async () => {
    cluster = await SimCluster.start({ scenario: loadScenario('scenarios/mixed.json'), dht: false })
    B = cluster.nodeConnection('B') as ClnConnection
    C = cluster.nodeConnection('C') as ClnConnection
  })
  after(async () => {
    await cluster?.stop()
  })

  it('invoice: bolt11, hash, secret, expires_at, created_index; duplicate label 900; decode reads it back', async () => {
    const made = await clnCall(C, 'invoice', {
      amount_msat: 25_000,
      label: 'inv-1',
      description: 'first',
      expiry: 3600
    })
    assert.equal(made.status, 201)
    assert.deepEqual(Object.keys(made.body).sort(), [
      'bolt11',
      'created_index',
      'expires_at',
      'payment_hash',
      'payment_secret'
    ])
    assert.match(made.body.bolt11, /^lnbcrt250n1/)
    const dup = await clnCall(C, 'invoice', { amount_msat: 1, label: 'inv-1', description: 'again' })
    assert.equal(dup.status, 500)
    assert.deepEqual(dup.body, { code: 900, message: "Duplicate label 'inv-1'", data: null })

    const anyAmount = await clnCall(C, 'invoice', { amount_msat: 'any', label: 7, description: 'any amount' })
    assert.equal(anyAmount.status, 201)
    const anyListed = (await clnCall(C, 'listinvoices', { label: '7' })).body.invoices[0]
    assert.equal(anyListed.amount_msat, undefined, 'no amount_msat for "any"')
    const inSat = await clnCall(C, 'invoice', { amount_msat: '3sat', label: 'in-sat', description: 'sat string' })
    assert.equal((await clnCall(C, 'decode', { string: inSat.body.bolt11 })).body.amount_msat, 3000)
    const badAmount = await clnCall(C, 'invoice', { amount_msat: '3 sats', label: 'bad', description: 'x' })
    assert.equal(badAmount.body.code, -32602)
    const d = await clnCall(C, 'decode', { string: made.body.bolt11 })
    assert.equal(d.status, 201)
    assert.equal(d.body.type, 'bolt11 invoice')
    assert.equal(d.body.valid, true)
    assert.equal(d.body.currency, 'bcrt')
    assert.equal(d.body.payee, C.publicKey)
    assert.equal(d.body.payment_hash, made.body.payment_hash)
    assert.equal(d.body.payment_secret, made.body.payment_secret)
    assert.equal(d.body.amount_msat, 25_000)
    assert.equal(d.body.expiry, 3600)
    assert.equal(d.body.description, 'first')
    assert.match(d.body.signature, /^30[0-9a-f]{2}02[0-9a-f]+$/, 'DER hex')
    assert.equal(d.body.created_at + d.body.expiry, made.body.expires_at)
    assert.equal(d.body.min_final_cltv_expiry, 10, "CLN's regtest cltv-final")
    const lndMade = await lndInvoice('A', 7)
    const fromLnd = await clnCall(C, 'decode', { string: `lightning:${lndMade.request}` })
    assert.equal(fromLnd.body.payee, pub('A'))
    assert.equal(fromLnd.body.amount_msat, 7000)
    const bad = await clnCall(C, 'decode', { string: 'lnbcrt1notaninvoice' })
    assert.equal(bad.status, 500)
    assert.equal(bad.body.code, -32602)

    const byLabel = await clnCall(C, 'listinvoices', { label: 'inv-1' })
    assert.equal(byLabel.body.invoices.length, 1)
    const inv = byLabel.body.invoices[0]
    assert.equal(inv.status, 'unpaid')
    assert.equal(inv.amount_msat, 25_000)
    assert.equal(inv.created_index, made.body.created_index)
    const byHash = await clnCall(C, 'listinvoices', { payment_hash: made.body.payment_hash })
    assert.deepEqual(byHash.body.invoices, byLabel.body.invoices)
    const none = await clnCall(C, 'listinvoices', { payment_hash: '00'.repeat(32) })
    assert.deepEqual(none.body.invoices, [])
    const byIndex = await clnCall(C, 'listinvoices', { index: 'created', start: made.body.created_index, limit: 1 })
    assert.equal(byIndex.body.invoices[0].label, 'inv-1')
  })

  it('an LND payer pays a CLN invoice: paid with pay_index; wait (invoices updated) and waitanyinvoice return on it', async () => {
    const made = await clnCall(C, 'invoice', { amount_msat: 40_000, label: 'inv-paid', description: 'paid by A' })
    const now = await clnCall(C, 'wait', { subsystem: 'invoices', indexname: 'updated', nextvalue: 0 })
    assert.equal(now.status, 201)
    const current = now.body.updated as number
    assert.deepEqual(now.body, { subsystem: 'invoices', updated: current })
    const waiting = await parked('C', () =>
      clnCall(C, 'wait', { subsystem: 'invoices', indexname: 'updated', nextvalue: current + 1 })
    )
    const paid = await pay({
      lnd: lndFor(cluster, 'A'),
      request: made.body.bolt11,
      max_fee: 0,
      outgoing_channel: (await channel('A', 'C')).id
    })
    assert.equal(paid.fee_mtokens, '0')
    const woke = await waiting.reply
    assert.equal(woke.status, 201)
    assert.equal(woke.body.subsystem, 'invoices')
    assert.equal(woke.body.updated, current + 1)
    assert.equal(woke.body.invoices.status, 'paid')
    assert.equal(woke.body.invoices.label, 'inv-paid')
    const listed = (await clnCall(C, 'listinvoices', { label: 'inv-paid' })).body.invoices[0]
    assert.equal(listed.status, 'paid')
    assert.equal(listed.amount_received_msat, 40_000)
    assert.equal(listed.payment_preimage, paid.secret)
    assert.ok(Number.isInteger(listed.pay_index) && listed.pay_index > 0)
    const any = await clnCall(C, 'waitanyinvoice', { lastpay_index: listed.pay_index - 1, timeout: 5 })
    assert.equal(any.body.label, 'inv-paid')
    const none = await clnCall(C, 'waitanyinvoice', { lastpay_index: listed.pay_index, timeout: 0 })
    assert.equal(none.status, 500)
    assert.equal(none.body.code, 904)
  })

  it('delinvoice withdraws an unpaid invoice (its HTLCs then fail); 905 unknown, 906 wrong status with data', async () => {
    const made = await clnCall(C, 'invoice', { amount_msat: 10_000, label: 'inv-del', description: 'withdrawn' })
    const wrong = await clnCall(C, 'delinvoice', { label: 'inv-del', status: 'paid' })
    assert.equal(wrong.status, 500)
    assert.deepEqual(wrong.body, {
      code: 906,
      message: 'Invoice status is unpaid not paid',
      data: { current_status: 'unpaid', expected_status: 'paid' }
    })
    const del = await clnCall(C, 'delinvoice', { label: 'inv-del', status: 'unpaid' })
    assert.equal(del.status, 201)
    assert.equal(del.body.payment_hash, made.body.payment_hash)
    const again = await clnCall(C, 'delinvoice', { label: 'inv-del', status: 'unpaid' })
    assert.deepEqual(again.body, { code: 905, message: 'Unknown invoice', data: null })
    assert.deepEqual((await clnCall(C, 'listinvoices', { label: 'inv-del' })).body.invoices, [])
    await assert.rejects(pay({ lnd: lndFor(cluster, 'A'), request: made.body.bolt11, max_fee: 0 }))
    const log = (await control('GET', '/payments')) as Array<{ paymentHash: string; status: string }>
    assert.equal(log.find((p) => p.paymentHash === made.body.payment_hash)?.status, 'FAILED')
  })

  it('sendpay over a one-hop route pinned to the channel moves exactly the amount with zero fee (ground truth)', async () => {
    const inv = await lndInvoice('A', 30_000)
    const ac = await channel('A', 'C')
    const route = [{ id: pub('A'), channel: ac.id, amount_msat: 30_000_000, delay: 80 + 3 }]
    const sent = await clnCall(C, 'sendpay', {
      route,
      payment_hash: inv.id,
      payment_secret: inv.payment,
      amount_msat: 30_000_000,
      bolt11: inv.request,
      label: 'rebalance-1'
    })
    assert.equal(sent.status, 201)
    assert.ok(['pending', 'complete'].includes(sent.body.status))
    assert.equal(sent.body.message, 'Monitor status with listpays or waitsendpay')
    assert.equal(sent.body.amount_msat, 30_000_000)
    assert.equal(sent.body.amount_sent_msat, 30_000_000)
    assert.equal(sent.body.destination, pub('A'))
    const done = await clnCall(C, 'waitsendpay', { payment_hash: inv.id, timeout: 30 })
    assert.equal(done.status, 201)
    assert.equal(done.body.status, 'complete')
    assert.match(done.body.payment_preimage, /^[0-9a-f]{64}$/)
    assert.ok(Number.isInteger(done.body.completed_at))

    const after = await channel('A', 'C')
    assert.equal(after.from, 'A')
    assert.equal(after.fromBalance - ac.fromBalance, 30_000, 'A received exactly the amount')
    assert.equal(ac.toBalance - after.toBalance, 30_000, 'C paid exactly the amount')
    const log = (await control('GET', '/payments')) as Array<any>
    const truth = log.find((p) => p.paymentHash === inv.id)
    assert.deepEqual(
      { from: truth.from, to: truth.to, fee: truth.feeMsat, chans: truth.chanIds, status: truth.status },
      { from: 'C', to: 'A', fee: 0, chans: [ac.id], status: 'SUCCEEDED' }
    )
    assert.equal((await getInvoice({ lnd: lndFor(cluster, 'A'), id: inv.id })).is_confirmed, true)

    // Idempotent: the same payment again answers complete; another amount is refused with 201.
    const same = await clnCall(C, 'sendpay', {
      route,
      payment_hash: inv.id,
      payment_secret: inv.payment,
      amount_msat: 30_000_000
    })
    assert.equal(same.status, 201)
    assert.equal(same.body.status, 'complete')
    const other = await clnCall(C, 'sendpay', {
      route: [{ ...route[0], amount_msat: 30_000_001 }],
      payment_hash: inv.id,
      amount_msat: 30_000_001
    })
    assert.equal(other.status, 500)
    assert.equal(other.body.code, 201)

    const sends = await clnCall(C, 'listsendpays', { payment_hash: inv.id })
    assert.equal(sends.body.payments.length, 1)
    assert.equal(sends.body.payments[0].status, 'complete')
    assert.equal(sends.body.payments[0].label, 'rebalance-1')
    const pays = await clnCall(C, 'listpays', { payment_hash: inv.id })
    assert.equal(pays.body.pays[0].preimage, done.body.payment_preimage)
    assert.equal(pays.body.pays[0].amount_sent_msat - pays.body.pays[0].amount_msat, 0, 'no fee')
    assert.equal(pays.body.pays[0].payment_preimage, undefined)
  })

  it('the route pins the first hop: C pays A over C-Y-A, paying Y its fee, though A-C is direct', async () => {
    const inv = await lndInvoice('A', 5_000)
    const cy = await channel('C', 'Y')
    const ya = await channel('Y', 'A')
    const fee = 1000 + Math.floor((5_000_000 * 1) / 1_000_000)
    const sent = await clnCall(C, 'sendpay', {
      route: [
        { id: pub('Y'), channel: cy.id, amount_msat: 5_000_000 + fee, delay: 83 + 80 },
        { id: pub('A'), channel: ya.id, amount_msat: 5_000_000, delay: 83 }
      ],
      payment_hash: inv.id,
      payment_secret: inv.payment,
      amount_msat: 5_000_000
    })
    assert.equal(sent.status, 201)
    assert.equal(sent.body.amount_sent_msat, 5_000_000 + fee)
    const done = await clnCall(C, 'waitsendpay', { payment_hash: inv.id, timeout: 30 })
    assert.equal(done.body.status, 'complete')
    const log = (await control('GET', '/payments')) as Array<any>
    const truth = log.find((p) => p.paymentHash === inv.id)
    assert.deepEqual(truth.chanIds, [cy.id, ya.id])
    assert.equal(truth.feeMsat, fee)
  })

  it('sendpay 204 for an unknown or foreign first channel; waitsendpay 208 when never attempted', async () => {
    const inv = await lndInvoice('A', 1_000)
    const unknown = await clnCall(C, 'sendpay', {
      route: [{ id: pub('A'), channel: '1x1x1', amount_msat: 1_000_000, delay: 83 }],
      payment_hash: inv.id,
      amount_msat: 1_000_000
    })
    assert.equal(unknown.status, 500)
    assert.deepEqual(unknown.body, { code: 204, message: 'No connection to first peer found', data: null })
    const ab = await channel('A', 'B')
    const foreign = await clnCall(C, 'sendpay', {
      route: [{ id: pub('A'), channel: ab.id, amount_msat: 1_000_000, delay: 83 }],
      payment_hash: inv.id,
      amount_msat: 1_000_000
    })
    assert.equal(foreign.body.code, 204)
    const never = await clnCall(C, 'waitsendpay', { payment_hash: inv.id, timeout: 1 })
    assert.equal(never.status, 500)
    assert.equal(never.body.code, 208)
    assert.equal(never.body.message, `Never attempted payment part 0 for '${inv.id}'`)
  })

  it('the payee checks what the route carries: no or a wrong payment_secret, or a delay below its final CLTV, fail 203', async () => {
    const ac = await channel('A', 'C')
    const cases: Array<[string, (inv: { payment?: string }) => Record<string, unknown>, number]> = [
      ['no payment_secret', () => ({}), 83],
      ['another payment_secret', () => ({ payment_secret: 'ab'.repeat(32) }), 83],
      ['delay below min_final_cltv_expiry', (inv) => ({ payment_secret: inv.payment }), 10]
    ]
    for (const [what, secret, delay] of cases) {
      const inv = await lndInvoice('A', 1_500)
      await clnCall(C, 'sendpay', {
        route: [{ id: pub('A'), channel: ac.id, amount_msat: 1_500_000, delay }],
        payment_hash: inv.id,
        amount_msat: 1_500_000,
        ...secret(inv)
      })
      const failed = await clnCall(C, 'waitsendpay', { payment_hash: inv.id, timeout: 30 })
      assert.equal(failed.body.code, 203, what)
      assert.equal((await getInvoice({ lnd: lndFor(cluster, 'A'), id: inv.id })).is_confirmed, false, what)
    }
    assert.equal((await channel('A', 'C')).fromBalance, ac.fromBalance, 'nothing moved')
  })

  it('a hash the payee does not know fails 203 with erring_index 1 and failcode 16399', async () => {
    const hash = randomBytes(32).toString('hex')
    const cd = await channel('C', 'D')
    const sent = await clnCall(C, 'sendpay', {
      route: [{ id: pub('D'), channel: cd.id, amount_msat: 2_000_000, delay: 83 }],
      payment_hash: hash,
      amount_msat: 2_000_000
    })
    assert.equal(sent.status, 201)
    const failed = await clnCall(C, 'waitsendpay', { payment_hash: hash, timeout: 30 })
    assert.equal(failed.status, 500)
    assert.equal(failed.body.code, 203)
    assert.equal(failed.body.message, 'failed: WIRE_INCORRECT_OR_UNKNOWN_PAYMENT_DETAILS (reply from remote)')
    assert.equal(failed.body.data.erring_index, 1)
    assert.equal(failed.body.data.failcode, 16399)
    assert.equal(failed.body.data.failcodename, 'WIRE_INCORRECT_OR_UNKNOWN_PAYMENT_DETAILS')
    assert.equal(failed.body.data.erring_node, pub('D'))
    assert.equal(failed.body.data.status, 'failed')
    const back = await channel('C', 'D')
    assert.equal(back.fromBalance, cd.fromBalance, 'nothing moved')
    assert.equal(back.pendingHtlcs, 0)
  })

  it('waitsendpay times out with 200 while a hold fault keeps the HTLC in flight (listpeerchannels shows it), then completes', async () => {
    const inv = await lndInvoice('D', 12_000)
    const cd = await channel('C', 'D')
    await control('POST', '/faults', { type: 'hold', from: 'C', to: 'D' })
    try {
      const sent = await clnCall(C, 'sendpay', {
        route: [{ id: pub('D'), channel: cd.id, amount_msat: 12_000_000, delay: 83 }],
        payment_hash: inv.id,
        payment_secret: inv.payment,
        amount_msat: 12_000_000
      })
      assert.equal(sent.status, 201)
      await eventually(async () => ((await control('GET', '/faults')).held.length === 1 ? true : undefined))
      const waited = await clnCall(C, 'waitsendpay', { payment_hash: inv.id, timeout: 1 })
      assert.equal(waited.status, 500)
      assert.deepEqual(waited.body, { code: 200, message: 'Timed out while waiting', data: null })
      const chans = (await clnCall(C, 'listpeerchannels', { id: pub('D') })).body.channels
      const htlc = chans[0].htlcs[0]
      assert.equal(htlc.direction, 'out')
      assert.equal(htlc.amount_msat, 12_000_000)
      assert.equal(htlc.payment_hash, inv.id)
      assert.ok(Number.isInteger(htlc.expiry) && Number.isInteger(htlc.id))
      const listed = await clnCall(C, 'listsendpays', { payment_hash: inv.id })
      assert.equal(listed.body.payments[0].status, 'pending')
      const waiting = clnCall(C, 'waitsendpay', { payment_hash: inv.id, timeout: 30 })
      await control('POST', '/faults/release', {})
      const done = await waiting
      assert.equal(done.body.status, 'complete')
    } finally {
      await control('POST', '/faults/release', {})
      await control('DELETE', '/faults')
    }
  })

  it('one group in flight: a new group is refused 200, the same group idempotent; waitsendpay by groupid', async () => {
    const inv = await lndInvoice('D', 7_000)
    const cd = await channel('C', 'D')
    const params = {
      route: [{ id: pub('D'), channel: cd.id, amount_msat: 7_000_000, delay: 83 }],
      payment_hash: inv.id,
      payment_secret: inv.payment,
      amount_msat: 7_000_000
    }
    await control('POST', '/faults', { type: 'hold', from: 'C', to: 'D' })
    try {
      const sent = await clnCall(C, 'sendpay', params)
      assert.equal(sent.status, 201)
      assert.equal(sent.body.status, 'pending')
      await eventually(async () => ((await control('GET', '/faults')).held.length === 1 ? true : undefined))
      const again = await clnCall(C, 'sendpay', params)
      assert.equal(again.status, 500)
      assert.equal(again.body.code, 200)
      assert.match(again.body.message, new RegExp(`groupid=${sent.body.groupid} still in progress`))
      const same = await clnCall(C, 'sendpay', { ...params, groupid: sent.body.groupid })
      assert.equal(same.status, 201)
      assert.deepEqual([same.body.status, same.body.groupid], ['pending', sent.body.groupid])
      const other = await clnCall(C, 'waitsendpay', {
        payment_hash: inv.id,
        groupid: sent.body.groupid + 5,
        timeout: 1
      })
      assert.equal(other.body.code, 208)
      const listed = await clnCall(C, 'listsendpays', { payment_hash: inv.id })
      assert.equal(listed.body.payments.length, 1, 'the refused attempts left no record')
      assert.equal((await channel('C', 'D')).pendingHtlcs, 1, 'one HTLC in flight, not two')
      const waiting = clnCall(C, 'waitsendpay', { payment_hash: inv.id, groupid: sent.body.groupid, timeout: 30 })
      await control('POST', '/faults/release', {})
      assert.equal((await waiting).body.status, 'complete')
    } finally {
      await control('POST', '/faults/release', {})
      await control('DELETE', '/faults')
    }
  })

  it('faults apply to CLN nodes: a forced failure is a 204 temporary channel failure; method latency delays the answer', async () => {
    const inv = await lndInvoice('A', 3_000)
    const ac = await channel('A', 'C')
    await control('POST', '/faults', { type: 'fail', from: 'C', reason: 'FAILURE_REASON_NO_ROUTE' })
    await control('POST', '/faults', { type: 'latency', node: 'C', method: 'getinfo', ms: 300 })
    try {
      await clnCall(C, 'sendpay', {
        route: [{ id: pub('A'), channel: ac.id, amount_msat: 3_000_000, delay: 83 }],
        payment_hash: inv.id,
        payment_secret: inv.payment,
        amount_msat: 3_000_000
      })
      const failed = await clnCall(C, 'waitsendpay', { payment_hash: inv.id, timeout: 30 })
      assert.equal(failed.body.code, 204)
      assert.equal(failed.body.data.failcodename, 'WIRE_TEMPORARY_CHANNEL_FAILURE')
      assert.equal((await channel('A', 'C')).fromBalance, ac.fromBalance, 'nothing moved')
      // A failed payment may be tried again: a new group, which now succeeds.
      const retry = await clnCall(C, 'sendpay', {
        route: [{ id: pub('A'), channel: ac.id, amount_msat: 3_000_000, delay: 83 }],
        payment_hash: inv.id,
        payment_secret: inv.payment,
        amount_msat: 3_000_000
      })
      assert.equal(retry.body.groupid, failed.body.data.groupid + 1)
      assert.equal((await clnCall(C, 'waitsendpay', { payment_hash: inv.id, timeout: 30 })).body.status, 'complete')
      // The latency rule is per method: CLN method names are accepted and listed.
      const faults = await control('GET', '/faults')
      assert.equal(faults.methodLatencyMs['C getinfo'], 300)
      assert.equal((await clnCall(C, 'getinfo')).status, 201)
    } finally {
      await control('DELETE', '/faults')
    }
  })

  it('wait forwards on a CLN node forwarding a payment (C pays X over C-A-B-X: B forwards)', async () => {
    const start = (await clnCall(B, 'wait', { subsystem: 'forwards', indexname: 'updated', nextvalue: 0 })).body.updated
    const inv = await lndInvoice('X', 4_000)
    const [ca, ab, bx] = [await channel('C', 'A'), await channel('A', 'B'), await channel('B', 'X')]
    const feeB = 1000 + Math.floor(4_000_000 / 1_000_000)
    const feeA = 1000 + Math.floor((4_000_000 + feeB) / 1_000_000)
    const woke = await parked('B', () =>
      clnCall(B, 'wait', { subsystem: 'forwards', indexname: 'updated', nextvalue: start + 1 })
    )
    const sent = await clnCall(C, 'sendpay', {
      route: [
        { id: pub('A'), channel: ca.id, amount_msat: 4_000_000 + feeB + feeA, delay: 83 + 160 },
        { id: pub('B'), channel: ab.id, amount_msat: 4_000_000 + feeB, delay: 83 + 80 },
        { id: pub('X'), channel: bx.id, amount_msat: 4_000_000, delay: 83 }
      ],
      payment_hash: inv.id,
      payment_secret: inv.payment,
      amount_msat: 4_000_000
    })
    assert.equal(sent.status, 201)
    assert.equal((await clnCall(C, 'waitsendpay', { payment_hash: inv.id, timeout: 30 })).body.status, 'complete')
    const r = await woke.reply
    assert.equal(r.body.subsystem, 'forwards')
    assert.equal(r.body.updated, start + 1)
    assert.equal(r.body.forwards.status, 'settled')
    const truth = ((await control('GET', '/payments')) as Array<any>).find((p) => p.paymentHash === inv.id)
    assert.deepEqual(truth.chanIds, [ca.id, ab.id, bx.id])
    assert.equal(truth.feeMsat, feeA + feeB)
  })

  it('control API traffic from a CLN node is recorded; a sendpay for the same hash answers with that complete payment', async () => {
    const paid = await control('POST', '/pay', { from: 'C', to: 'A', tokens: 1_000 })
    assert.equal(paid.status, 'SUCCEEDED')
    assert.equal(paid.from, 'C')
    const log = (await control('GET', '/payments')) as Array<{ paymentHash: string; from: string }>
    assert.ok(log.some((p) => p.paymentHash === paid.paymentHash && p.from === 'C'))
    const ac = await channel('A', 'C')
    const again = await clnCall(C, 'sendpay', {
      route: [{ id: pub('A'), channel: ac.id, amount_msat: 1_000_000, delay: 83 }],
      payment_hash: paid.paymentHash,
      amount_msat: 1_000_000
    })
    // As CLN answers a sendpay for a payment it already completed (pay's parts are sendpays too).
    assert.equal(again.status, 201)
    assert.equal(again.body.status, 'complete')
    assert.equal(again.body.payment_hash, paid.paymentHash)
    const other = await clnCall(C, 'sendpay', {
      route: [{ id: pub('A'), channel: ac.id, amount_msat: 2_000_000, delay: 83 }],
      payment_hash: paid.paymentHash,
      amount_msat: 2_000_000
    })
    assert.equal(other.status, 500)
    assert.equal(other.body.code, 201)
  })

  it('wait sendpays: created then updated as a payment goes out and completes', async () => {
    const start = (await clnCall(C, 'wait', { subsystem: 'sendpays', indexname: 'updated', nextvalue: 0 })).body.updated
    const inv = await lndInvoice('A', 2_000)
    const ac = await channel('A', 'C')
    const woke = await parked('C', () =>
      clnCall(C, 'wait', { subsystem: 'sendpays', indexname: 'updated', nextvalue: start + 1 })
    )
    await clnCall(C, 'sendpay', {
      route: [{ id: pub('A'), channel: ac.id, amount_msat: 2_000_000, delay: 83 }],
      payment_hash: inv.id,
      payment_secret: inv.payment,
      amount_msat: 2_000_000
    })
    const r = await woke.reply
    assert.equal(r.body.updated, start + 1)
    assert.equal(r.body.sendpays.payment_hash, inv.id)
    assert.equal(r.body.sendpays.status, 'complete')
    const since = await clnCall(C, 'listsendpays', { index: 'updated', start: start + 1 })
    assert.deepEqual(
      since.body.payments.map((p: any) => [p.payment_hash, p.status, p.updated_index]),
      [[inv.id, 'complete', start + 1]]
    )
    const bad = await clnCall(B, 'wait', { subsystem: 'nothing', indexname: 'created', nextvalue: 1 })
    assert.equal(bad.body.code, -32602)
  })
  it("a payment the node makes otherwise (the control API's traffic, CLN's pay in real life) is a sendpays entry too", async () => {
    const start = (await clnCall(C, 'wait', { subsystem: 'sendpays', indexname: 'updated', nextvalue: 0 })).body.updated
    const woke = await parked('C', () =>
      clnCall(C, 'wait', { subsystem: 'sendpays', indexname: 'updated', nextvalue: start + 1 })
    )
    const truth = (await control('POST', '/pay', { from: 'C', to: 'D', tokens: 3_000 })) as { paymentHash: string }
    const r = await woke.reply
    assert.equal(r.body.sendpays.payment_hash, truth.paymentHash)
    assert.equal(r.body.sendpays.status, 'complete')
    const listed = await clnCall(C, 'listsendpays', { payment_hash: truth.paymentHash })
    assert.deepEqual(
      listed.body.payments.map((p: any) => [p.status, p.amount_msat, p.destination]),
      [['complete', 3_000_000, pub('D')]]
    )
  })
})
