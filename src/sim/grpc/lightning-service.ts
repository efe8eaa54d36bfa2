import type { ServerWritableStream } from '@grpc/grpc-js'
import type { ServiceContext, ServiceImpl } from './node-server.js'
import { channelEventToRpc, channelToRpc, edgeToRpc, invoiceToRpc, NODE_FEATURES, paymentToRpc } from './mappers.js'
import { invalid, notFound, unknown } from './rpc-error.js'
import { signMessage, verifyMessage } from '../crypto/sign-message.js'
import { InvoiceError, type SimInvoice } from '../model/invoices.js'
import type { ChannelEvent } from '../model/network.js'
import { decodePayReq, paymentHashFrom } from './pay-req.js'

const LND_VERSION = '0.20.1-beta commit=v0.20.1-beta'
const MAX_MEMO = 1024
const MAX_EXPIRY = 365 * 24 * 3600

const aliasOf = (ctx: ServiceContext, pub: string): string => ctx.network.nodes.get(pub)?.alias ?? ''

function ownChannels(ctx: ServiceContext) {
  return [...ctx.network.channelsOf(ctx.node.publicKey)]
}

function getInfo(_req: unknown, ctx: ServiceContext) {
  const channels = ownChannels(ctx)
  const active = channels.filter((c) => c.active).length
  const peers = new Set(
    channels.filter((c) => ctx.network.isOnline(c.peerOf(ctx.node.publicKey))).map((c) => c.peerOf(ctx.node.publicKey))
  )
  return {
    version: LND_VERSION,
    commit_hash: 'v0.20.1-beta',
    identity_pubkey: ctx.node.publicKey,
    alias: ctx.node.alias,
    color: ctx.node.color,
    num_pending_channels: 0,
    num_active_channels: active,
    num_inactive_channels: channels.length - active,
    num_peers: peers.size,
    block_height: ctx.network.blockHeight,
    block_hash: ctx.network.blockHash(),
    best_header_timestamp: String(Math.floor(Date.now() / 1000)),
    synced_to_chain: true,
    synced_to_graph: true,
    testnet: false,
    chains: [{ chain: 'bitcoin', network: 'regtest' }],
    uris: [],
    features: NODE_FEATURES,
    require_htlc_interceptor: false,
    store_final_htlc_resolutions: false
  }
}

function listChannels(
  req: { active_only: boolean; inactive_only: boolean; public_only: boolean; private_only: boolean; peer: Buffer },
  ctx: ServiceContext
) {
  if (req.active_only && req.inactive_only)
    throw unknown('either `active_only` or `inactive_only` can be set, but not both')
  const peer = req.peer?.length ? req.peer.toString('hex') : ''
  const now = Date.now()
  const me = ctx.node.publicKey
  const channels = ownChannels(ctx)
    .filter((c) => !(req.active_only && !c.active) && !(req.inactive_only && c.active) && !req.private_only)
    .filter((c) => !peer || c.peerOf(me) === peer)
    .map((c) => channelToRpc(c, c.sideOf(me), aliasOf(ctx, c.peerOf(me)), now))
  // For harnesses that judge a node's decisions by what it saw (the soak): emitted as served.
  ctx.node.events.emit('channels_listed')
  return { channels }
}

function getChanInfo(req: { chan_id: string }, ctx: ServiceContext) {
  const channel = ctx.network.channels.get(req.chan_id)
  if (!channel) throw unknown('edge not found')
  return edgeToRpc(channel)
}

function channelBalance(_req: unknown, ctx: ServiceContext) {
  let local = 0
  let remote = 0
  let inMsat = 0
  let outMsat = 0
  for (const c of ownChannels(ctx)) {
    const side = c.sideOf(ctx.node.publicKey)
    local += c.balance(side)
    remote += c.balance((1 - side) as 0 | 1)
    outMsat += c.offeredMsat(side)
    inMsat += c.offeredMsat((1 - side) as 0 | 1)
  }
  const amount = (satoshis: number, msat = satoshis * 1000) => ({ sat: String(satoshis), msat: String(msat) })
  return {
    balance: String(local),
    pending_open_balance: '0',
    local_balance: amount(local),
    remote_balance: amount(remote),
    unsettled_local_balance: amount(Math.floor(inMsat / 1000), inMsat),
    unsettled_remote_balance: amount(Math.floor(outMsat / 1000), outMsat),
    pending_open_local_balance: amount(0),
    pending_open_remote_balance: amount(0)
  }
}

function addInvoice(
  req: {
    memo: string
    r_preimage: Buffer
    value: string
    value_msat: string
    description_hash: Buffer
    expiry: string
    cltv_expiry: string
    private: boolean
  },
  ctx: ServiceContext
) {
  const value = Number(req.value)
  const valueMsat = Number(req.value_msat)
  if (value !== 0 && valueMsat !== 0) throw unknown('value and value_msat are mutually exclusive')
  if (req.memo.length > MAX_MEMO) throw unknown(`memo too large: ${req.memo.length} bytes (maxsize=${MAX_MEMO})`)
  const expiry = Number(req.expiry)
  if (expiry > MAX_EXPIRY) throw unknown(`expiry of ${expiry} seconds is greater than max allowed`)
  if (req.r_preimage.length !== 0 && req.r_preimage.length !== 32)
    throw unknown(`payment preimage must be exactly 32 bytes, is ${req.r_preimage.length}`)
  if (req.description_hash.length !== 0 && req.description_hash.length !== 32)
    throw unknown(`description hash is ${req.description_hash.length} bytes, must be 32`)
  try {
    const invoice = ctx.node.invoices.add({
      valueMsat: valueMsat || value * 1000,
      memo: req.memo,
      expiry,
      cltvExpiry: Number(req.cltv_expiry),
      ...(req.r_preimage.length ? { preimage: req.r_preimage.toString('hex') } : {}),
      ...(req.description_hash.length ? { descriptionHash: req.description_hash.toString('hex') } : {}),
      isPrivate: req.private,
      now: Date.now()
    })
    return {
      r_hash: Buffer.from(invoice.paymentHash, 'hex'),
      payment_request: invoice.paymentRequest,
      add_index: String(invoice.addIndex),
      payment_addr: Buffer.from(invoice.paymentAddr, 'hex')
    }
  } catch (err) {
    if (err instanceof InvoiceError) throw unknown(err.message)
    throw err
  }
}

function lookupInvoice(req: { r_hash_str: string; r_hash: Buffer }, ctx: ServiceContext) {
  const hash = paymentHashFrom(req.r_hash, req.r_hash_str)
  const invoice = ctx.node.invoices.get(hash)
  if (!invoice) throw notFound('unable to locate invoice')
  return invoiceToRpc(invoice)
}

function listPayments(
  req: {
    include_incomplete: boolean
    index_offset: string
    max_payments: string
    reversed: boolean
    count_total_payments: boolean
  },
  ctx: ServiceContext
) {
  const all = ctx.node.payments.list().filter((p) => req.include_incomplete || p.status === 'SUCCEEDED')
  const max = Number(req.max_payments) || 100
  const offset = Number(req.index_offset)
  const page = req.reversed
    ? all.filter((p) => !offset || p.paymentIndex < offset).slice(-max)
    : all.filter((p) => p.paymentIndex > offset).slice(0, max)
  return {
    payments: page.map((p) => paymentToRpc(p)),
    first_index_offset: String(page[0]?.paymentIndex ?? 0),
    last_index_offset: String(page[page.length - 1]?.paymentIndex ?? 0),
    total_num_payments: String(req.count_total_payments ? all.length : 0)
  }
}

function signMessageRpc(req: { msg: Buffer; single_hash: boolean }, ctx: ServiceContext) {
  if (req.single_hash) throw invalid('single_hash signing is not supported by the simulator')
  try {
    return { signature: signMessage(ctx.node.privateKey, req.msg) }
  } catch (err) {
    throw unknown((err as Error).message)
  }
}

function verifyMessageRpc(req: { msg: Buffer; signature: string }, ctx: ServiceContext) {
  let result: { valid: boolean; pubkey: string }
  try {
    result = verifyMessage(req.msg, req.signature)
  } catch (err) {
    throw unknown((err as Error).message)
  }
  if (!result.valid) return { valid: false, pubkey: '' }
  // LND reports valid only for a key it knows from the graph, but always returns the key.
  return { valid: ctx.network.hasNode(result.pubkey), pubkey: result.pubkey }
}

function subscribeInvoices(
  req: { add_index: string; settle_index: string },
  call: ServerWritableStream<any, any>,
  ctx: ServiceContext
) {
  const addIndex = Number(req.add_index)
  const settleIndex = Number(req.settle_index)
  if (addIndex > 0 || settleIndex > 0) {
    for (const inv of ctx.node.invoices.list()) {
      if (addIndex > 0 && inv.addIndex > addIndex) call.write(invoiceToRpc(inv))
    }
    const settled = ctx.node.invoices
      .list()
      .filter((i) => settleIndex > 0 && i.settleIndex > settleIndex)
      .sort((a, b) => a.settleIndex - b.settleIndex)
    for (const inv of settled) call.write(invoiceToRpc(inv))
  }
  const onUpdate = (inv: SimInvoice): void => {
    if (inv.state === 'OPEN' || inv.state === 'SETTLED') call.write(invoiceToRpc(inv))
  }
  ctx.node.invoices.on('update', onUpdate)
  return () => {
    ctx.node.invoices.off('update', onUpdate)
  }
}

function subscribeChannelEvents(_req: unknown, call: ServerWritableStream<any, any>, ctx: ServiceContext) {
  const me = ctx.node.publicKey
  const onEvent = (e: ChannelEvent): void => {
    call.write(channelEventToRpc(e, e.channel.sideOf(me), aliasOf(ctx, e.channel.peerOf(me)), Date.now()))
    if (e.type === 'closed') {
      call.write({
        type: 'FULLY_RESOLVED_CHANNEL',
        fully_resolved_channel: {
          funding_txid_bytes: Buffer.from(e.channel.txid, 'hex').reverse(),
          output_index: e.channel.vout
        }
      })
    }
  }
  ctx.node.events.on('channel', onEvent)
  return () => {
    ctx.node.events.off('channel', onEvent)
  }
}

export const lightningService: ServiceImpl = {
  unary: {
    GetInfo: getInfo,
    ListChannels: listChannels,
    GetChanInfo: getChanInfo,
    ChannelBalance: channelBalance,
    AddInvoice: addInvoice,
    LookupInvoice: lookupInvoice,
    DecodePayReq: (req: { pay_req: string }) => decodePayReq(req.pay_req),
    ListPayments: listPayments,
    SignMessage: signMessageRpc,
    VerifyMessage: verifyMessageRpc
  },
  stream: {
    SubscribeInvoices: subscribeInvoices,
    SubscribeChannelEvents: subscribeChannelEvents
  }
}
