import {
  DUST_LIMIT_SAT,
  FEE_PER_KW,
  formatChannelId,
  parseChannelId,
  type SimChannel,
  type Side
} from '../model/channel.js'
import type { Method, MethodContext } from './server.js'
import { optStr } from './params.js'
import { invalidParam } from './errors.js'

/** The version clnrest's node reports; the contract was read at v26.06. */
export const CLN_VERSION = 'v26.06-sim'

/** BOLT 2 channel_id: the funding txid (internal byte order) XOR the output index. */
function channelIdOf(ch: SimChannel): string {
  const id = Buffer.from(ch.txid, 'hex').reverse()
  id[30] = (id[30] as number) ^ ((ch.vout >> 8) & 0xff)
  id[31] = (id[31] as number) ^ (ch.vout & 0xff)
  return id.toString('hex')
}

/**
 * One listpeerchannels entry (lightningd/peer_control.c json_add_channel). to_us_msat counts our
 * outgoing HTLCs in flight (CLN moves it only when an HTLC is removed) and, unlike LND's
 * local_balance, does not take the commitment fee off the opener.
 */
export function channelEntry(ctx: MethodContext, ch: SimChannel): Record<string, unknown> {
  const me = ctx.node.publicKey
  const side = ch.sideOf(me)
  const other = (1 - side) as Side
  const peer = ch.peerOf(me)
  const connected = ctx.network.isOnline(peer) && ctx.node.online
  const policy = ch.policies[side]
  return {
    peer_id: peer,
    peer_connected: connected,
    ...(connected ? { reestablished: true } : {}),
    state: 'CHANNELD_NORMAL',
    short_channel_id: formatChannelId(ch.chanId),
    direction: me < peer ? 0 : 1,
    channel_id: channelIdOf(ch),
    funding_txid: ch.txid,
    funding_outnum: ch.vout,
    private: false,
    opener: side === 0 ? 'local' : 'remote',
    // The opener's commitment fee and anchors (as LND takes them off its local_balance) follow from these.
    feerate: { perkw: FEE_PER_KW, perkb: FEE_PER_KW * 4 },
    channel_type: { bits: [12, 22], names: ['static_remotekey/even', 'anchors/even'] },
    dust_limit_msat: DUST_LIMIT_SAT * 1000,
    to_us_msat: ch.funds[side] + ch.offeredMsat(side),
    total_msat: ch.capacity * 1000,
    spendable_msat: ch.active ? ch.spendableMsat(side) : 0,
    receivable_msat: ch.active ? ch.spendableMsat(other) : 0,
    our_reserve_msat: ch.reserve * 1000,
    their_reserve_msat: ch.reserve * 1000,
    minimum_htlc_out_msat: policy.minHtlcMsat,
    maximum_htlc_out_msat: policy.maxHtlcMsat,
    fee_base_msat: policy.feeBaseMsat,
    fee_proportional_millionths: policy.feeRatePpm,
    htlcs: [...ch.htlcs.values()].map((h) => ({
      direction: h.from === side ? 'out' : 'in',
      id: h.index,
      amount_msat: h.amountMsat,
      expiry: h.expirationHeight,
      payment_hash: h.paymentHash,
      state: h.from === side ? 'SENT_ADD_ACK_REVOCATION' : 'RCVD_ADD_ACK_REVOCATION'
    }))
  }
}

const getinfo: Method = (_p, ctx) => {
  const channels = [...ctx.network.channelsOf(ctx.node.publicKey)]
  const peers = new Set(channels.map((c) => c.peerOf(ctx.node.publicKey)).filter(ctx.network.isOnline))
  const active = channels.filter((c) => c.active).length
  return {
    id: ctx.node.publicKey,
    alias: ctx.node.alias,
    color: ctx.node.color.replace(/^#/, '').toLowerCase(),
    num_peers: peers.size,
    num_pending_channels: 0,
    num_active_channels: active,
    num_inactive_channels: channels.length - active,
    address: [],
    binding: [{ type: 'ipv4', address: '127.0.0.1', port: 9735 }],
    version: CLN_VERSION,
    blockheight: ctx.network.blockHeight,
    network: 'regtest',
    fees_collected_msat: 0,
    'lightning-dir': `/simulated/${ctx.node.alias}/.lightning/regtest`,
    our_features: { init: '08a0800a8a59a1', node: '88a0800a8a59a1', channel: '', invoice: '02000002024100' }
  }
}

const listpeerchannels: Method = (p, ctx) => {
  const peer = optStr(p, 'id')
  const scid = optStr(p, 'short_channel_id')
  if (peer !== undefined && scid !== undefined) throw invalidParam('id', 'not given with short_channel_id')
  let wanted: string | undefined
  if (scid !== undefined) {
    if (!/^\d+x\d+x\d+$/.test(scid)) throw invalidParam('short_channel_id', 'a short_channel_id of form NxNxN', scid)
    wanted = parseChannelId(scid)
  }
  const channels = [...ctx.network.channelsOf(ctx.node.publicKey)].filter(
    (c) =>
      !c.closed &&
      (peer === undefined || c.peerOf(ctx.node.publicKey) === peer) &&
      (wanted === undefined || c.chanId === wanted)
  )
  const entries = channels.map((c) => channelEntry(ctx, c))
  // As LND's ListChannels: harnesses judging a node's decisions by what it saw (the soak) hear it.
  ctx.node.events.emit('channels_listed')
  return { channels: entries }
}

export const infoMethods: Record<string, Method> = { getinfo, listpeerchannels }
