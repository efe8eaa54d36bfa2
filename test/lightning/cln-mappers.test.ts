import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import {
  ClnAnswerError,
  invoiceState,
  msat,
  networkOf,
  openerCostMsat,
  payErrorOutcome,
  paymentStateOf,
  pinnedChannelProblem,
  succeeded,
  toChannelView,
  type ClnChannel
} from '../../src/lightning/cln/mappers.js'

const US = '02' + 'a'.repeat(64)
const PEER = '03' + 'b'.repeat(64)
const channel = (over: Partial<ClnChannel> = {}): ClnChannel => ({
  peer_id: PEER,
  peer_connected: true,
  reestablished: true,
  state: 'CHANNELD_NORMAL',
  short_channel_id: '103x1x0',
  to_us_msat: 600_000_000,
  total_msat: 1_000_000_000,
  our_reserve_msat: 10_000_000,
  their_reserve_msat: 10_000_000,
  htlcs: [],
  ...over
})

describe('CLN answers mapped to the node types', () => {
  it('msat: integers (current CLN) and "Nmsat" strings (before v23.05); anything else is no amount', () => {
    assert.equal(msat(1500), 1500n)
    assert.equal(msat('2500msat'), 2500n)
    assert.equal(msat('12'), 12n)
    // 18446744073709551615 (a u64 CLN writes) comes out of JSON.parse rounded: not an amount
    const parsedU64 = (JSON.parse('{"v":18446744073709551615}') as { v: number }).v
    for (const bad of [-1, 1.5, 'x', null, undefined, {}, NaN, parsedU64, '18446744073709551615', '1.5sat'])
      assert.equal(msat(bad), undefined, String(bad))
  })

  it('a channel whose amounts or HTLCs are not as the contract says is refused, never read as 0', () => {
    const parsedU64 = (JSON.parse('{"v":18446744073709551615}') as { v: number }).v
    const bad: Array<Partial<ClnChannel>> = [
      { to_us_msat: undefined }, // a missing to_us read as 0 would hand the whole capacity to the peer
      { total_msat: 'lots' },
      { to_us_msat: parsedU64 },
      { to_us_msat: 1_000_000_001 }, // more than the channel holds
      { our_reserve_msat: undefined },
      { their_reserve_msat: -1 },
      { htlcs: [{ direction: 'out', amount_msat: '5sat' }] },
      { htlcs: [{ direction: 'sideways', amount_msat: 5000 }] },
      { opener: 'local', spendable_msat: 1.5 }
    ]
    for (const over of bad) assert.throws(() => toChannelView(US, channel(over)), ClnAnswerError, JSON.stringify(over))
    assert.throws(() => toChannelView(US, channel({ to_us_msat: 'x' })), /103x1x0: to_us_msat is not an msat amount/)
  })

  it('a channel: scid as id, sats, reserves, active only when connected and reestablished', () => {
    assert.deepEqual(toChannelView(US, channel()), {
      id: '103x1x0',
      localPublicKey: US,
      remotePublicKey: PEER,
      capacity: 1_000_000,
      localBalance: 600_000,
      remoteBalance: 400_000,
      localReserve: 10_000,
      remoteReserve: 10_000,
      incomingHtlcTokens: 0,
      outgoingHtlcTokens: 0,
      isActive: true
    })
    assert.equal(toChannelView(US, channel({ peer_connected: false }))?.isActive, false)
    assert.equal(toChannelView(US, channel({ reestablished: false }))?.isActive, false)
    assert.equal(toChannelView(US, channel({ state: 'CHANNELD_AWAITING_SPLICE' }))?.isActive, true)
  })

  it('not an open channel (no scid yet, closing, onchain): not listed, as LND does not list it', () => {
    assert.equal(
      toChannelView(US, channel({ short_channel_id: undefined, state: 'CHANNELD_AWAITING_LOCKIN' })),
      undefined
    )
    assert.equal(toChannelView(US, channel({ state: 'CHANNELD_SHUTTING_DOWN' })), undefined)
    assert.equal(toChannelView(US, channel({ state: 'ONCHAIN' })), undefined)
  })

  it('HTLCs in flight: taken out of the balances (CLN keeps outgoing ones in to_us_msat), HTLCs rounded up', () => {
    const v = toChannelView(
      US,
      channel({
        to_us_msat: 600_000_999, // 600000.999 sat of ours, out-HTLCs included
        htlcs: [
          { direction: 'out', amount_msat: 50_000_500 },
          { direction: 'out', amount_msat: 1 },
          { direction: 'in', amount_msat: 20_000_001 }
        ]
      })
    )
    assert.ok(v)
    // ours: 600000999 - 50000501 = 550000498 msat → rounded down, never more than we have
    assert.equal(v.localBalance, 550_000)
    // theirs: 1e9 - 600000999 - 20000001 = 379999000 msat
    assert.equal(v.remoteBalance, 379_999)
    // in flight, rounded up: counted against whoever decides, never less than it is
    assert.equal(v.outgoingHtlcTokens, 50_001)
    assert.equal(v.incomingHtlcTokens, 20_001)
  })

  it("the opener's commitment fee and anchors come off the opener's side, as LND shows it (BOLT 3 weights)", () => {
    const anchors = { feerate: { perkw: 2500 }, channel_type: { names: ['static_remotekey/even', 'anchors/even'] } }
    // 2500 sat/kw × 1124 wu = 2810 sat, plus two 330-sat anchors
    assert.equal(openerCostMsat(channel(anchors)), 3_470_000n)
    // one non-dust HTLC adds 172 wu (430 sat); a dust one adds nothing
    const htlcs = [
      { direction: 'out', amount_msat: 70_000_000 },
      { direction: 'in', amount_msat: 100_000 }
    ]
    assert.equal(openerCostMsat(channel({ ...anchors, htlcs })), 3_900_000n)
    const legacy = { feerate: { perkw: 2500 }, channel_type: { names: ['static_remotekey/even'] } }
    assert.equal(openerCostMsat(channel(legacy)), 1_810_000n, 'legacy: 724 wu, no anchors')
    // no channel type given: costed as anchors, the dearer kind (never overstating the opener's side)
    assert.equal(openerCostMsat(channel({ feerate: { perkw: 2500 } })), 3_470_000n)
    assert.equal(openerCostMsat(channel()), undefined, 'no feerate: unknown')
    const theyOpened = toChannelView(US, channel({ ...anchors, opener: 'remote' }))
    assert.deepEqual([theyOpened?.localBalance, theyOpened?.remoteBalance], [600_000, 396_530])
    const weOpened = toChannelView(US, channel({ ...anchors, opener: 'local' }))
    assert.deepEqual([weOpened?.localBalance, weOpened?.remoteBalance], [596_530, 400_000])
  })

  it('without a feerate, each side errs towards less for us: our opener side bounded by spendable + reserve', () => {
    const weOpened = toChannelView(US, channel({ opener: 'local', spendable_msat: 580_000_000 }))
    assert.equal(weOpened?.localBalance, 590_000) // spendable + our 10000 reserve
    const theyOpened = toChannelView(US, channel({ opener: 'remote', spendable_msat: 580_000_000 }))
    assert.deepEqual([theyOpened?.localBalance, theyOpened?.remoteBalance], [600_000, 400_000]) // their fee stays theirs
  })

  it('sub-satoshi amounts: both balances down (as LND rounds them), reserves up', () => {
    const v = toChannelView(
      US,
      channel({ to_us_msat: 1_999, total_msat: 10_000, our_reserve_msat: 1, their_reserve_msat: 1001 })
    )
    assert.ok(v)
    assert.equal(v.localBalance, 1)
    assert.equal(v.remoteBalance, 8) // 8001 msat
    assert.equal(v.localReserve, 1)
    assert.equal(v.remoteReserve, 2)
  })

  it('the pinned channel: with the payee, open and connected, or the reason nothing is sent', () => {
    const ch = { peer_id: PEER, short_channel_id: '103x1x0', state: 'CHANNELD_NORMAL', peer_connected: true }
    assert.equal(pinnedChannelProblem([ch], PEER, '103x1x0'), undefined)
    assert.match(pinnedChannelProblem([ch], PEER, '103x1x1') ?? '', /^unknownChannel/)
    assert.match(pinnedChannelProblem([ch], US, '103x1x0') ?? '', /^notChannelPartner/)
    assert.match(pinnedChannelProblem([{ ...ch, state: 'ONCHAIN' }], PEER, '103x1x0') ?? '', /^channelInactive/)
    assert.match(pinnedChannelProblem([{ ...ch, peer_connected: false }], PEER, '103x1x0') ?? '', /^channelInactive/)
  })

  it('networks named as the invoices are', () => {
    assert.equal(networkOf('bitcoin'), 'bitcoin')
    assert.equal(networkOf('testnet4'), 'testnet')
    assert.equal(networkOf('regtest'), 'regtest')
    assert.equal(networkOf('liquid'), undefined)
    assert.equal(networkOf(undefined), undefined)
  })

  it('invoice states: unpaid open, paid settled, expired or deleted canceled', () => {
    assert.equal(invoiceState([{ status: 'unpaid' }]), 'open')
    assert.equal(invoiceState([{ status: 'paid' }]), 'settled')
    assert.equal(invoiceState([{ status: 'expired' }]), 'canceled')
    assert.equal(invoiceState([]), 'canceled')
    assert.equal(invoiceState([{ status: 'weird' }]), 'unknown')
  })

  it('a completed payment: fee = sent - amount (rounded up so even 1 msat shows), the proving preimage, the channel', () => {
    const preimage = 'c'.repeat(64)
    const hash = sha256(preimage)
    const complete = {
      status: 'complete',
      amount_msat: 5_000_000,
      amount_sent_msat: 5_000_000,
      payment_preimage: preimage
    }
    assert.deepEqual(succeeded(complete, hash, '1x2x3'), { status: 'succeeded', fee: 0, preimage, channels: ['1x2x3'] })
    assert.equal(succeeded({ ...complete, amount_sent_msat: 5_000_001 }, hash, 'x')?.fee, 1)
  })

  it('no success without its proof: not complete, or a preimage missing, malformed or of another hash', () => {
    const preimage = 'c'.repeat(64)
    const hash = sha256(preimage)
    const complete = {
      status: 'complete',
      amount_msat: 5_000_000,
      amount_sent_msat: 5_000_000,
      payment_preimage: preimage
    }
    assert.equal(succeeded({ ...complete, status: 'pending' }, hash, 'x'), undefined)
    assert.equal(succeeded({ ...complete, status: undefined }, hash, 'x'), undefined)
    const { payment_preimage: _dropped, ...withoutPreimage } = complete
    assert.equal(succeeded(withoutPreimage, hash, 'x'), undefined)
    assert.equal(succeeded({ ...complete, payment_preimage: 'c'.repeat(63) }, hash, 'x'), undefined)
    assert.equal(succeeded({ ...complete, payment_preimage: 'd'.repeat(64) }, hash, 'x'), undefined)
  })

  it('listsendpays: none unknown, a proven complete part paid, failed only when every record failed, else pending', () => {
    const preimage = 'e'.repeat(64)
    const hash = sha256(preimage)
    const paid = { status: 'complete', amount_msat: 1000, amount_sent_msat: 1000, payment_preimage: preimage }
    assert.deepEqual(paymentStateOf([], hash, '1x1x1'), { status: 'unknown' })
    // an older group failed, the latest completed: paid
    assert.deepEqual(
      paymentStateOf(
        [
          { status: 'failed', groupid: 1 },
          { ...paid, groupid: 2 }
        ],
        hash,
        'a'
      ),
      {
        status: 'succeeded',
        fee: 0,
        preimage,
        channels: ['a']
      }
    )
    // several parts of one group: paid if any part completed
    assert.equal(
      paymentStateOf([{ status: 'pending' }, paid, { status: 'failed' }], hash, undefined).status,
      'succeeded'
    )
    assert.deepEqual(paymentStateOf([{ status: 'failed' }, { status: 'pending' }], hash, 'a'), { status: 'pending' })
    assert.deepEqual(paymentStateOf([{ status: 'failed' }, { status: 'failed' }], hash, 'a'), {
      status: 'failed',
      reason: 'PaymentFailed'
    })
    // may still move money: never 'failed'
    assert.deepEqual(paymentStateOf([{ status: 'failed' }, { status: 'weird' }], hash, 'a'), { status: 'pending' })
    assert.deepEqual(paymentStateOf([{ status: 'failed' }, {}], hash, 'a'), { status: 'pending' })
    assert.deepEqual(paymentStateOf([{ ...paid, payment_preimage: undefined }], hash, 'a'), { status: 'pending' })
    assert.deepEqual(paymentStateOf([{ ...paid, payment_preimage: 'f'.repeat(64) }], hash, 'a'), { status: 'pending' })
  })

  it('sendpay/waitsendpay errors: definite failures named by their BOLT 4 code name, the rest left to listsendpays', () => {
    assert.deepEqual(
      payErrorOutcome(204, 'failed: WIRE_TEMPORARY_CHANNEL_FAILURE', {
        failcodename: 'WIRE_TEMPORARY_CHANNEL_FAILURE'
      }),
      {
        status: 'failed',
        reason: 'WIRE_TEMPORARY_CHANNEL_FAILURE'
      }
    )
    assert.deepEqual(payErrorOutcome(204, 'No connection to first peer found', null), {
      status: 'failed',
      reason: '204: No connection to first peer found'
    })
    assert.equal(
      payErrorOutcome(203, 'x', { failcodename: 'WIRE_INCORRECT_OR_UNKNOWN_PAYMENT_DETAILS' })?.status,
      'failed'
    )
    for (const unsure of [200, 208, 209, null, -32602])
      assert.equal(payErrorOutcome(unsure, 'x', null), undefined, String(unsure))
  })
})

function sha256(hex: string): string {
  return createHash('sha256').update(Buffer.from(hex, 'hex')).digest('hex')
}
