import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import {
  createInvoice,
  decodePaymentRequest,
  getChannel,
  getChannelBalance,
  getChannels,
  getInvoice,
  getPayment,
  getPayments,
  getWalletInfo,
  pay,
  signMessage,
  subscribeToChannels,
  subscribeToForwards,
  subscribeToInvoice,
  subscribeToInvoices,
  verifyMessage,
  type AuthenticatedLnd
} from 'lightning'
import { SimCluster } from '../../src/sim/cluster.js'
import { eventually, lndFor, nextEvent, readmeScenario } from '../helpers/sim.js'

/**
 * Every RPC Tightrope relies on, driven through the real `lightning` client against the simulator,
 * checking the behaviour LND has (lnd-grpc-contract.md).
 */
describe('simulator speaks LND to the lightning client', () => {
  let cluster: SimCluster
  let A: AuthenticatedLnd
  let B: AuthenticatedLnd
  let C: AuthenticatedLnd

  before(async () => {
    cluster = await SimCluster.start({ scenario: readmeScenario(), dht: false, control: false })
    A = lndFor(cluster, 'A')
    B = lndFor(cluster, 'B')
    C = lndFor(cluster, 'C')
  })
  after(async () => {
    await cluster?.stop()
  })

  const errorOf = async (p: Promise<unknown>): Promise<unknown[]> => {
    try {
      await p
    } catch (err) {
      return err as unknown[]
    }
    assert.fail('expected the call to fail')
  }
  const detailsOf = (err: unknown[]): string => String((err[2] as { err?: { details?: string } })?.err?.details ?? '')

  it('GetInfo: identity, alias, regtest chain', async () => {
    const info = await getWalletInfo({ lnd: A })
    assert.equal(info.alias, 'A')
    assert.equal(info.public_key, cluster.connection('A').publicKey)
    assert.equal(info.active_channels_count, 3)
    assert.deepEqual(info.chains, ['06226e46111a0b59caaf126043eb5bbf28c34f3a5e332a1fc7b2b73cf188910f'])
  })

  it('ListChannels: balances account for commit fee and anchors as LND does', async () => {
    const { channels } = await getChannels({ lnd: A })
    assert.equal(channels.length, 3)
    const ab = cluster.channelBetween('A', 'B')
    const ch = channels.find((c) => c.id === ab?.id)
    assert.ok(ch, 'A-B is listed with the lightning client id form')
    assert.equal(ch.partner_public_key, cluster.connection('B').publicKey)
    assert.equal(ch.local_balance + ch.remote_balance + ch.commit_transaction_fee + 660, ch.capacity)
    assert.equal(ch.local_reserve, 20000)
    assert.equal(ch.is_opening, false)
    assert.equal(ch.is_active, true)
  })

  it("GetChanInfo: graph edge, and LND's 404 for an unknown channel", async () => {
    const ab = cluster.channelBetween('A', 'B')
    const edge = await getChannel({ lnd: A, id: ab?.id as string })
    assert.equal(edge.capacity, 2000000)
    assert.deepEqual(
      edge.policies.map((p) => p.public_key).sort(),
      [cluster.connection('A').publicKey, cluster.connection('B').publicKey].sort()
    )
    const err = await errorOf(getChannel({ lnd: A, id: '999x1x0' }))
    assert.deepEqual(err.slice(0, 2), [404, 'FullChannelDetailsNotFound'])
  })

  it('ChannelBalance sums the channels', async () => {
    const { channels } = await getChannels({ lnd: C })
    const balance = await getChannelBalance({ lnd: C })
    assert.equal(
      balance.channel_balance,
      channels.reduce((s, c) => s + c.local_balance, 0)
    )
  })

  it('AddInvoice, LookupInvoice and DecodePayReq agree on a real regtest BOLT11', async () => {
    const invoice = await createInvoice({ lnd: B, tokens: 1234, description: 'hello' })
    assert.match(invoice.request, /^lnbcrt12340n1/)
    const looked = await getInvoice({ lnd: B, id: invoice.id })
    assert.equal(looked.tokens, 1234)
    assert.equal(looked.is_confirmed, false)
    const decoded = await decodePaymentRequest({ lnd: A, request: invoice.request })
    assert.equal(decoded.destination, cluster.connection('B').publicKey)
    assert.equal(decoded.id, invoice.id)
    assert.equal(decoded.tokens, 1234)
    assert.equal(decoded.description, 'hello')
  })

  it('a direct payment moves exactly the amount on both sides and pays no fee', async () => {
    const ab = cluster.channelBetween('A', 'B')
    assert.ok(ab)
    const before = (await getChannels({ lnd: A })).channels.find((c) => c.id === ab.id)
    const beforeB = (await getChannels({ lnd: B })).channels.find((c) => c.id === ab.id)
    const invoice = await createInvoice({ lnd: B, tokens: 50000 })
    const paid = await pay({ lnd: A, request: invoice.request, outgoing_channel: ab.id, max_fee: 0, max_paths: 1 })
    assert.equal(paid.is_confirmed, true)
    assert.equal(paid.fee, 0)
    assert.deepEqual(
      paid.hops.map((h) => h.channel),
      [ab.id]
    )
    const after = (await getChannels({ lnd: A })).channels.find((c) => c.id === ab.id)
    const afterB = (await getChannels({ lnd: B })).channels.find((c) => c.id === ab.id)
    assert.equal((before?.local_balance ?? 0) - (after?.local_balance ?? 0), 50000)
    assert.equal((afterB?.local_balance ?? 0) - (beforeB?.local_balance ?? 0), 50000)
    const settled = await getInvoice({ lnd: B, id: invoice.id })
    assert.equal(settled.is_confirmed, true)

    const again = await errorOf(pay({ lnd: A, request: invoice.request, outgoing_channel: ab.id, max_fee: 0 }))
    assert.equal(again[1], 'UnexpectedPaymentError')
    assert.equal(detailsOf(again), 'invoice is already paid')
  })

  it('TrackPaymentV2 and ListPayments report the payment; unknown hash is SentPaymentNotFound', async () => {
    const invoice = await createInvoice({ lnd: C, tokens: 777 })
    await pay({ lnd: A, request: invoice.request, max_fee: 10 })
    const tracked = await getPayment({ lnd: A, id: invoice.id })
    assert.equal(tracked.is_confirmed, true)
    assert.equal(tracked.payment?.tokens, 777)
    const { payments } = await getPayments({ lnd: A })
    assert.ok(payments.some((p) => p.id === invoice.id))
    const err = await errorOf(getPayment({ lnd: A, id: 'ab'.repeat(32) }))
    assert.deepEqual(err.slice(0, 2), [404, 'SentPaymentNotFound'])
  })

  it("an expired invoice fails with LND's error", async () => {
    const invoice = await createInvoice({ lnd: B, tokens: 100, expires_at: new Date(Date.now() + 1000).toISOString() })
    await new Promise((resolve) => setTimeout(resolve, 1500))
    const err = await errorOf(pay({ lnd: A, request: invoice.request, max_fee: 0 }))
    assert.match(detailsOf(err), /^invoice expired\. Valid until \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+0000 UTC$/)
  })

  it('an amount beyond the spendable balance fails with InsufficientBalanceToAttemptPayment', async () => {
    const ab = cluster.channelBetween('A', 'B')
    const invoice = await createInvoice({ lnd: B, tokens: 1_900_000 })
    const err = await errorOf(pay({ lnd: A, request: invoice.request, outgoing_channel: ab?.id as string, max_fee: 0 }))
    assert.deepEqual(err.slice(0, 2), [503, 'InsufficientBalanceToAttemptPayment'])
  })

  it('a payment restricted to the direct channel with zero fee never takes another path', async () => {
    // A-D has no direct channel: with A-C forced and no fee allowed, C cannot forward to D for free.
    const ac = cluster.channelBetween('A', 'C')
    const invoice = await createInvoice({ lnd: lndFor(cluster, 'D'), tokens: 10000 })
    const before = cluster.network.paymentLog.length
    const err = await errorOf(pay({ lnd: A, request: invoice.request, outgoing_channel: ac?.id as string, max_fee: 0 }))
    assert.deepEqual(err.slice(0, 2), [503, 'PaymentPathfindingFailedToFindPossibleRoute'])
    const moved = cluster.network.paymentLog.slice(before).filter((p) => p.status === 'SUCCEEDED')
    assert.equal(moved.length, 0)
    // Without the restriction the same payment routes over several hops and pays fees.
    const paid = await pay({ lnd: A, request: invoice.request, max_fee: 100 })
    assert.ok(paid.hops.length >= 2)
    assert.ok(paid.fee_mtokens !== '0')
  })

  it('a zero-amount invoice is paid with the amount the payer gives, and refused without one', async () => {
    const invoice = await createInvoice({ lnd: B })
    const without = await errorOf(pay({ lnd: A, request: invoice.request, max_fee: 0 }))
    assert.equal(detailsOf(without), 'amount must be specified when paying a zero amount invoice')
    const paid = await pay({
      lnd: A,
      request: invoice.request,
      tokens: 4321,
      max_fee: 0,
      outgoing_channel: cluster.channelBetween('A', 'B')?.id as string
    })
    assert.equal(paid.tokens, 4321)
    assert.equal((await getInvoice({ lnd: B, id: invoice.id })).received, 4321)
  })

  it('last_hop_pubkey (incoming_peer) forces the last hop', async () => {
    // A pays D; D's peers are C, E and X. Forcing the last hop through X must route via X.
    const D = lndFor(cluster, 'D')
    const invoice = await createInvoice({ lnd: D, tokens: 1500 })
    const paid = await pay({
      lnd: A,
      request: invoice.request,
      max_fee: 100,
      incoming_peer: cluster.connection('X').publicKey
    })
    const last = paid.hops[paid.hops.length - 1]
    assert.equal(last?.channel, cluster.channelBetween('X', 'D')?.id)
  })

  it('SignMessage on one node, VerifyMessage on another returns the signer', async () => {
    const { signature } = await signMessage({ lnd: A, message: 'tightrope proof' })
    assert.match(signature, /^[dr][ybndrfg8ejkmcpqxot1uwisza345h769]{103}$/)
    const verified = await verifyMessage({ lnd: C, message: 'tightrope proof', signature })
    assert.equal(verified.signed_by, cluster.connection('A').publicKey)
    const other = await verifyMessage({ lnd: C, message: 'another message', signature })
    assert.notEqual(other.signed_by, cluster.connection('A').publicKey)
  })

  it('HTLC events fire on payments (send at the payer, receive at the payee)', async () => {
    const sub = subscribeToForwards({ lnd: A })
    const subB = subscribeToForwards({ lnd: B })
    try {
      const sent = nextEvent<{ is_send: boolean; is_confirmed: boolean }>(
        sub,
        'forward',
        (e) => e.is_send && e.is_confirmed
      )
      const received = nextEvent<{ is_receive: boolean; is_confirmed: boolean }>(
        subB,
        'forward',
        (e) => e.is_receive && e.is_confirmed
      )
      await new Promise((resolve) => setTimeout(resolve, 100))
      const invoice = await createInvoice({ lnd: B, tokens: 2000 })
      await pay({
        lnd: A,
        request: invoice.request,
        outgoing_channel: cluster.channelBetween('A', 'B')?.id as string,
        max_fee: 0
      })
      assert.equal((await sent).is_send, true)
      assert.equal((await received).is_receive, true)
    } finally {
      sub.removeAllListeners()
      subB.removeAllListeners()
    }
  })

  it('invoice subscriptions see an invoice settle', async () => {
    const invoice = await createInvoice({ lnd: B, tokens: 3000 })
    const single = subscribeToInvoice({ lnd: B, id: invoice.id })
    const all = subscribeToInvoices({ lnd: B })
    try {
      const confirmedSingle = nextEvent<{ is_confirmed: boolean }>(single, 'invoice_updated', (i) => i.is_confirmed)
      const confirmedAll = nextEvent<{ id: string; is_confirmed: boolean }>(
        all,
        'invoice_updated',
        (i) => i.id === invoice.id && i.is_confirmed
      )
      await new Promise((resolve) => setTimeout(resolve, 100))
      await pay({
        lnd: A,
        request: invoice.request,
        outgoing_channel: cluster.channelBetween('A', 'B')?.id as string,
        max_fee: 0
      })
      assert.equal((await confirmedSingle).is_confirmed, true)
      assert.equal((await confirmedAll).id, invoice.id)
    } finally {
      single.removeAllListeners()
      all.removeAllListeners()
    }
  })

  it('channel events: open, inactive when the peer goes offline, active again, closed', async () => {
    const sub = subscribeToChannels({ lnd: A })
    // The client cancels the stream once no listener is left: keep one for the whole test.
    for (const name of ['channel_opened', 'channel_active_changed', 'channel_closed', 'channel_opening'])
      sub.on(name, () => {})
    try {
      await new Promise((resolve) => setTimeout(resolve, 100))
      const opened = nextEvent<{ id: string; partner_public_key: string }>(sub, 'channel_opened')
      const ae = cluster.openChannel({ from: 'A', to: 'E', capacity: 1_000_000 })
      assert.equal((await opened).id, ae.id)

      const inactive = nextEvent<{ is_active: boolean; transaction_id: string }>(
        sub,
        'channel_active_changed',
        (e) => !e.is_active
      )
      await cluster.setOnline('E', false)
      assert.equal((await inactive).transaction_id, ae.channelPoint.split(':')[0])
      // grpc-js appends the last error to "No connection established", so the client reports a
      // GetWalletInfoErr whose inner error is gRPC UNAVAILABLE (14), exactly as with a stopped LND.
      const offline = await errorOf(getWalletInfo({ lnd: lndFor(cluster, 'E') }))
      assert.equal((offline[2] as { err?: { code?: number } })?.err?.code, 14)
      assert.match(detailsOf(offline), /^No connection established/)

      const active = nextEvent<{ is_active: boolean }>(sub, 'channel_active_changed', (e) => e.is_active)
      await cluster.setOnline('E', true)
      assert.equal((await active).is_active, true)
      assert.equal((await getWalletInfo({ lnd: lndFor(cluster, 'E') })).alias, 'E')

      const closed = nextEvent<{ id: string }>(sub, 'channel_closed')
      cluster.closeChannel(ae.id)
      assert.equal((await closed).id, ae.id)
    } finally {
      sub.removeAllListeners()
    }
  })

  it('an HTLC held in flight shows as pending until released', async () => {
    const ab = cluster.channelBetween('A', 'B')
    cluster.addFault({ type: 'hold', from: 'A', to: 'B' })
    const invoice = await createInvoice({ lnd: B, tokens: 4000 })
    const paying = pay({ lnd: A, request: invoice.request, outgoing_channel: ab?.id as string, max_fee: 0 })
    const held = await eventually(() => cluster.network.faults.listHeld()[0], 5000, 'a held payment')
    const pending = await getPayment({ lnd: A, id: invoice.id })
    assert.equal(pending.is_pending, true)
    const truth = cluster.channelBetween('A', 'B')
    assert.equal(truth?.pendingHtlcs, 1)
    cluster.network.faults.release(held.id)
    assert.equal((await paying).is_confirmed, true)
  })

  it(
    'an HTLC held and then failed back by the payee: listed by both ends with its ' +
      'direction, then the payment fails and the balances return',
    async () => {
      const ab = cluster.channelBetween('A', 'B')?.id as string
      const before = cluster.channelBetween('A', 'B')
      cluster.addFault({ type: 'hold', from: 'A', to: 'B' })
      const invoice = await createInvoice({ lnd: B, tokens: 6000 })
      const paying = errorOf(pay({ lnd: A, request: invoice.request, outgoing_channel: ab, max_fee: 0 }))
      const held = await eventually(
        () => cluster.network.faults.listHeld().find((h) => h.paymentHash === invoice.id),
        5000,
        'the held payment'
      )
      const fromA = (await getChannels({ lnd: A })).channels.find((c) => c.id === ab)
      const fromB = (await getChannels({ lnd: B })).channels.find((c) => c.id === ab)
      assert.deepEqual(
        fromA?.pending_payments.map((p) => [p.id, p.is_outgoing, p.tokens]),
        [[invoice.id, true, 6000]]
      )
      assert.deepEqual(
        fromB?.pending_payments.map((p) => [p.id, p.is_outgoing, p.tokens]),
        [[invoice.id, false, 6000]]
      )
      cluster.network.faults.release(held.id, 'fail')
      assert.deepEqual((await paying).slice(0, 2), [503, 'PaymentRejectedByDestination'])
      const after = cluster.channelBetween('A', 'B')
      assert.deepEqual(
        [after?.fromBalance, after?.toBalance, after?.pendingHtlcs],
        [before?.fromBalance, before?.toBalance, 0]
      )
    }
  )

  it("cltv_limit as LND: too small for the invoice's final delta + 3 is no route, above 2016 is refused", async () => {
    const ab = cluster.channelBetween('A', 'B')?.id as string
    const invoice = await createInvoice({ lnd: B, tokens: 7000 })
    const height = (await getWalletInfo({ lnd: A })).current_block_height
    const tight = await errorOf(
      pay({ lnd: A, request: invoice.request, outgoing_channel: ab, max_fee: 0, max_timeout_height: height + 83 })
    )
    assert.deepEqual(
      tight.slice(0, 2),
      [503, 'PaymentPathfindingFailedToFindPossibleRoute'],
      'cltv limit 83 should be greater than 83'
    )
    const huge = await errorOf(
      pay({ lnd: A, request: invoice.request, outgoing_channel: ab, max_fee: 0, max_timeout_height: height + 3000 })
    )
    assert.match(
      String((huge[2] as { err?: { details?: string } })?.err?.details),
      /total time lock of 3000 exceeds max allowed 2016/
    )
    const ok = await pay({
      lnd: A,
      request: invoice.request,
      outgoing_channel: ab,
      max_fee: 0,
      max_timeout_height: height + 84
    })
    assert.equal(ok.is_confirmed, true)
  })

  it('a payment forced to fail reports the chosen failure reason', async () => {
    cluster.addFault({ type: 'fail', from: 'A', reason: 'FAILURE_REASON_TIMEOUT' })
    const invoice = await createInvoice({ lnd: B, tokens: 5000 })
    const err = await errorOf(
      pay({
        lnd: A,
        request: invoice.request,
        outgoing_channel: cluster.channelBetween('A', 'B')?.id as string,
        max_fee: 0
      })
    )
    assert.deepEqual(err.slice(0, 2), [503, 'PaymentAttemptsTimedOut'])
  })

  it('refuses a macaroon from another node', async () => {
    const a = cluster.connection('A')
    const wrong = authenticatedLndGrpcFor(a.cert, cluster.connection('B').macaroon, a.socket)
    const err = await errorOf(getWalletInfo({ lnd: wrong }))
    assert.equal(err[1], 'GetWalletInfoErr')
    assert.match(
      String((err[2] as { err?: { details?: string } })?.err?.details),
      /verification failed|signature mismatch/
    )
  })
})

import { authenticatedLndGrpc } from 'lightning'
function authenticatedLndGrpcFor(cert: string, macaroon: string, socket: string): AuthenticatedLnd {
  return authenticatedLndGrpc({ cert, macaroon, socket }).lnd
}
