import type { SimChannel, Side } from '../model/channel.js'
import { CSV_DELAY, DUST_LIMIT_SAT, FEE_PER_KW, MAX_ACCEPTED_HTLCS } from '../model/channel.js'
import type { SimInvoice } from '../model/invoices.js'
import type { HtlcAttempt, PaymentRecord } from '../model/payments.js'
import type { Hop } from '../model/routing.js'
import type { ChannelEvent, HtlcEvent } from '../model/network.js'

/**
 * Pure functions from the simulator's model to LND's gRPC messages (field names as in LND's
 * .proto files, which the server encodes). Each fills every field the `lightning` client checks.
 */

const sat = (msat: number): string => String(Math.floor(msat / 1000))
const hex = (s: string): Buffer => Buffer.from(s, 'hex')
/** Txids travel as bytes in internal (reversed) order, as LND's ChannelPoint does. */
export const txidBytes = (txid: string): Buffer => Buffer.from(txid, 'hex').reverse()

export const INVOICE_FEATURES = {
  8: { name: 'tlv-onion', is_required: true, is_known: true },
  14: { name: 'payment-addr', is_required: true, is_known: true },
  17: { name: 'multi-path-payments', is_required: false, is_known: true }
}

export const NODE_FEATURES = {
  0: { name: 'data-loss-protect', is_required: true, is_known: true },
  5: { name: 'upfront-shutdown-script', is_required: false, is_known: true },
  9: { name: 'tlv-onion', is_required: false, is_known: true },
  12: { name: 'static-remote-key', is_required: true, is_known: true },
  14: { name: 'payment-addr', is_required: true, is_known: true },
  17: { name: 'multi-path-payments', is_required: false, is_known: true },
  23: { name: 'anchors-zero-fee-htlc-tx', is_required: false, is_known: true }
}

function constraints(ch: SimChannel) {
  return {
    csv_delay: CSV_DELAY,
    chan_reserve_sat: String(ch.reserve),
    dust_limit_sat: String(DUST_LIMIT_SAT),
    max_pending_amt_msat: String(ch.capacity * 990),
    min_htlc_msat: '1',
    max_accepted_htlcs: MAX_ACCEPTED_HTLCS
  }
}

export function channelToRpc(ch: SimChannel, side: Side, peerAlias: string, now: number) {
  const other = (1 - side) as Side
  const lifetime = String(Math.floor((now - ch.openedAt) / 1000))
  return {
    active: ch.active,
    remote_pubkey: ch.nodes[other],
    channel_point: ch.channelPoint,
    chan_id: ch.chanId,
    capacity: String(ch.capacity),
    local_balance: String(ch.balance(side)),
    remote_balance: String(ch.balance(other)),
    commit_fee: String(ch.commitFee()),
    commit_weight: String(ch.commitWeight()),
    fee_per_kw: String(FEE_PER_KW),
    unsettled_balance: sat(ch.pendingMsat()),
    total_satoshis_sent: sat(ch.sent[side]),
    total_satoshis_received: sat(ch.received[side]),
    num_updates: String(ch.numUpdates),
    pending_htlcs: [...ch.htlcs.values()].map((h) => ({
      incoming: h.from === other,
      amount: sat(h.amountMsat),
      hash_lock: hex(h.paymentHash),
      expiration_height: h.expirationHeight,
      htlc_index: String(h.index),
      forwarding_channel: '0',
      forwarding_htlc_index: '0',
      locked_in: true
    })),
    csv_delay: CSV_DELAY,
    private: false,
    initiator: side === 0,
    chan_status_flags: 'ChanStatusDefault',
    local_chan_reserve_sat: String(ch.reserve),
    remote_chan_reserve_sat: String(ch.reserve),
    static_remote_key: false,
    commitment_type: 'ANCHORS',
    lifetime,
    uptime: ch.active ? lifetime : '0',
    close_address: '',
    push_amount_sat: '0',
    thaw_height: 0,
    local_constraints: constraints(ch),
    remote_constraints: constraints(ch),
    alias_scids: [],
    zero_conf: false,
    zero_conf_confirmed_scid: '0',
    peer_alias: peerAlias,
    peer_scid_alias: '0',
    memo: ''
  }
}

function policyToRpc(ch: SimChannel, side: Side) {
  const p = ch.policies[side]
  return {
    time_lock_delta: p.timeLockDelta,
    min_htlc: String(p.minHtlcMsat),
    fee_base_msat: String(p.feeBaseMsat),
    fee_rate_milli_msat: String(p.feeRatePpm),
    disabled: p.disabled || !ch.active,
    max_htlc_msat: String(p.maxHtlcMsat),
    last_update: p.lastUpdate || Math.floor(ch.openedAt / 1000)
  }
}

/** The graph edge GetChanInfo returns: node1 is the lexically smaller key, as in LND. */
export function edgeToRpc(ch: SimChannel) {
  const first: Side = ch.nodes[0] < ch.nodes[1] ? 0 : 1
  const second = (1 - first) as Side
  return {
    channel_id: ch.chanId,
    chan_point: ch.channelPoint,
    last_update: Math.floor(ch.openedAt / 1000),
    node1_pub: ch.nodes[first],
    node2_pub: ch.nodes[second],
    capacity: String(ch.capacity),
    node1_policy: policyToRpc(ch, first),
    node2_policy: policyToRpc(ch, second)
  }
}

export function invoiceToRpc(inv: SimInvoice) {
  return {
    memo: inv.memo,
    r_preimage: hex(inv.preimage),
    r_hash: hex(inv.paymentHash),
    value: sat(inv.valueMsat),
    value_msat: String(inv.valueMsat),
    settled: inv.state === 'SETTLED',
    creation_date: String(inv.creationDate),
    settle_date: String(inv.settleDate),
    payment_request: inv.paymentRequest,
    description_hash: inv.descriptionHash ? hex(inv.descriptionHash) : Buffer.alloc(0),
    expiry: String(inv.expiry),
    fallback_addr: '',
    cltv_expiry: String(inv.cltvExpiry),
    route_hints: [],
    private: inv.isPrivate,
    add_index: String(inv.addIndex),
    settle_index: String(inv.settleIndex),
    amt_paid: sat(inv.amtPaidMsat),
    amt_paid_sat: sat(inv.amtPaidMsat),
    amt_paid_msat: String(inv.amtPaidMsat),
    state: inv.state,
    htlcs: inv.htlcs.map((h) => ({
      chan_id: h.chanId,
      htlc_index: String(h.htlcIndex),
      amt_msat: String(h.amtMsat),
      accept_height: h.acceptHeight,
      accept_time: String(h.acceptTime),
      resolve_time: String(h.resolveTime),
      expiry_height: h.expiryHeight,
      state: h.state,
      custom_records: {},
      mpp_total_amt_msat: String(h.amtMsat)
    })),
    features: INVOICE_FEATURES,
    is_keysend: false,
    payment_addr: hex(inv.paymentAddr),
    is_amp: false
  }
}

function hopToRpc(hop: Hop, isLast: boolean, paymentAddr: string | undefined, totalMsat: number) {
  return {
    chan_id: hop.chanId,
    chan_capacity: String(hop.chanCapacity),
    amt_to_forward: sat(hop.amtToForwardMsat),
    fee: sat(hop.feeMsat),
    expiry: hop.expiry,
    amt_to_forward_msat: String(hop.amtToForwardMsat),
    fee_msat: String(hop.feeMsat),
    pub_key: hop.pubKey,
    tlv_payload: true,
    mpp_record: isLast && paymentAddr ? { payment_addr: hex(paymentAddr), total_amt_msat: String(totalMsat) } : null,
    custom_records: {},
    metadata: Buffer.alloc(0)
  }
}

function attemptToRpc(a: HtlcAttempt, paymentAddr: string | undefined, valueMsat: number) {
  const hops = a.route.hops
  return {
    attempt_id: String(a.attemptId),
    status: a.status,
    route: {
      total_time_lock: a.route.totalTimeLock,
      total_fees: sat(a.route.totalFeesMsat),
      total_amt: sat(a.route.totalAmtMsat),
      hops: hops.map((h, i) => hopToRpc(h, i === hops.length - 1, paymentAddr, valueMsat)),
      total_fees_msat: String(a.route.totalFeesMsat),
      total_amt_msat: String(a.route.totalAmtMsat),
      first_hop_amount_msat: String(a.route.totalAmtMsat)
    },
    attempt_time_ns: a.attemptTimeNs,
    resolve_time_ns: a.resolveTimeNs,
    failure: a.failure
      ? { code: a.failure.code, failure_source_index: a.failure.sourceIndex, htlc_msat: '0', height: 0 }
      : null,
    preimage: a.status === 'SUCCEEDED' ? hex(a.preimage) : Buffer.alloc(0)
  }
}

export function paymentToRpc(p: PaymentRecord, paymentAddr?: string) {
  return {
    payment_hash: p.paymentHash,
    value: sat(p.valueMsat),
    creation_date: String(BigInt(p.creationTimeNs) / 1_000_000_000n),
    fee: sat(p.feeMsat),
    payment_preimage: p.preimage,
    value_sat: sat(p.valueMsat),
    value_msat: String(p.valueMsat),
    payment_request: p.paymentRequest,
    status: p.status,
    fee_sat: sat(p.feeMsat),
    fee_msat: String(p.feeMsat),
    creation_time_ns: p.creationTimeNs,
    htlcs: p.htlcs.map((a) => attemptToRpc(a, paymentAddr, p.valueMsat)),
    payment_index: String(p.paymentIndex),
    failure_reason: p.failureReason
  }
}

export function channelEventToRpc(e: ChannelEvent, side: Side, peerAlias: string, now: number) {
  const point = { funding_txid_bytes: txidBytes(e.channel.txid), output_index: e.channel.vout }
  switch (e.type) {
    case 'pending':
      return {
        type: 'PENDING_OPEN_CHANNEL',
        pending_open_channel: { txid: txidBytes(e.channel.txid), output_index: e.channel.vout }
      }
    case 'open':
      return { type: 'OPEN_CHANNEL', open_channel: channelToRpc(e.channel, side, peerAlias, now) }
    case 'active':
      return { type: 'ACTIVE_CHANNEL', active_channel: point }
    case 'inactive':
      return { type: 'INACTIVE_CHANNEL', inactive_channel: point }
    case 'closed':
      return {
        type: 'CLOSED_CHANNEL',
        closed_channel: {
          channel_point: e.channel.channelPoint,
          chan_id: e.channel.chanId,
          chain_hash: '06226e46111a0b59caaf126043eb5bbf28c34f3a5e332a1fc7b2b73cf188910f',
          closing_tx_hash: e.channel.txid.split('').reverse().join(''),
          remote_pubkey: e.channel.nodes[1 - side],
          capacity: String(e.channel.capacity),
          close_height: 0,
          settled_balance: String(e.channel.balance(side)),
          time_locked_balance: '0',
          close_type: 'COOPERATIVE_CLOSE',
          open_initiator: side === 0 ? 'INITIATOR_LOCAL' : 'INITIATOR_REMOTE',
          close_initiator: 'INITIATOR_LOCAL',
          resolutions: [],
          alias_scids: [],
          zero_conf_confirmed_scid: '0'
        }
      }
  }
}

export function htlcEventToRpc(e: HtlcEvent) {
  const base = {
    incoming_channel_id: e.incomingChanId,
    outgoing_channel_id: e.outgoingChanId,
    incoming_htlc_id: String(e.incomingHtlcId),
    outgoing_htlc_id: String(e.outgoingHtlcId),
    timestamp_ns: e.timestampNs,
    event_type: e.eventType
  }
  const info = e.info && {
    incoming_timelock: e.info.incomingTimelock,
    outgoing_timelock: e.info.outgoingTimelock,
    incoming_amt_msat: String(e.info.incomingAmtMsat),
    outgoing_amt_msat: String(e.info.outgoingAmtMsat)
  }
  switch (e.kind) {
    case 'forward':
      return { ...base, forward_event: { info } }
    case 'forward_fail':
      return { ...base, forward_fail_event: {} }
    case 'settle':
      return { ...base, settle_event: { preimage: e.preimage ? hex(e.preimage) : Buffer.alloc(0) } }
    case 'link_fail':
      return {
        ...base,
        link_fail_event: {
          info,
          wire_failure: 'TEMPORARY_CHANNEL_FAILURE',
          failure_detail: 'NO_DETAIL',
          failure_string: e.failureString ?? ''
        }
      }
    case 'final':
      return { ...base, final_htlc_event: { settled: e.settled ?? false, offchain: true } }
  }
}
