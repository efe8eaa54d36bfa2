import type { ServerWritableStream } from '@grpc/grpc-js'
import type { ServiceContext, ServiceImpl } from './node-server.js'
import { htlcEventToRpc, paymentToRpc } from './mappers.js'
import { decodeForNode, paymentHashFrom } from './pay-req.js'
import { notFound, toStatus, unknown } from './rpc-error.js'
import { sendPayment } from '../model/send-payment.js'
import { BLOCK_PADDING } from '../model/routing.js'
import type { PaymentRecord } from '../model/payments.js'
import type { HtlcEvent } from '../model/network.js'

interface SendPaymentRequest {
  dest: Buffer
  amt: string
  amt_msat: string
  payment_request: string
  timeout_seconds: number
  fee_limit_sat: string
  fee_limit_msat: string
  outgoing_chan_id: string
  outgoing_chan_ids: string[]
  last_hop_pubkey: Buffer
  max_parts: number
  no_inflight_updates: boolean
  allow_self_payment: boolean
  cltv_limit: number
}

/** The router's MaxTotalTimelock: LND refuses a larger cltv_limit, and uses it when none is given. */
const MAX_TOTAL_TIMELOCK = 2016

/** The same mutual-exclusion checks LND's router backend makes on a SendPaymentV2 request. */
function readRequest(req: SendPaymentRequest) {
  if (!req.payment_request) throw unknown('payment_request is required by the simulator (keysend is not simulated)')
  if (Number(req.amt) !== 0 && Number(req.amt_msat) !== 0) throw unknown('amt and amt_msat are mutually exclusive')
  if (Number(req.fee_limit_sat) !== 0 && Number(req.fee_limit_msat) !== 0)
    throw unknown('fee_limit_sat and fee_limit_msat are mutually exclusive')
  if (req.outgoing_chan_id !== '0' && req.outgoing_chan_id !== '' && req.outgoing_chan_ids.length > 0) {
    throw unknown('outgoing_chan_id and outgoing_chan_ids are mutually exclusive')
  }
  if (req.last_hop_pubkey.length !== 0 && req.last_hop_pubkey.length !== 33) throw unknown('invalid vertex length')
  if (Number(req.amt) < 0 || Number(req.amt_msat) < 0) throw unknown('amount cannot be negative')
  // LND's ValidateCLTVLimit (router_backend.go): 0 means its maximum.
  if (req.cltv_limit > MAX_TOTAL_TIMELOCK)
    throw unknown(`total time lock of ${req.cltv_limit} exceeds max allowed ${MAX_TOTAL_TIMELOCK}`)
  const outgoing =
    req.outgoing_chan_ids.length > 0
      ? req.outgoing_chan_ids
      : req.outgoing_chan_id && req.outgoing_chan_id !== '0'
        ? [req.outgoing_chan_id]
        : []
  return {
    amtMsat: Number(req.amt_msat) || Number(req.amt) * 1000,
    feeLimitMsat: Number(req.fee_limit_msat) || Number(req.fee_limit_sat) * 1000,
    cltvLimit: req.cltv_limit || MAX_TOTAL_TIMELOCK,
    outgoingChanIds: outgoing,
    ...(req.last_hop_pubkey.length ? { lastHopPubkey: req.last_hop_pubkey.toString('hex') } : {})
  }
}

/** Streams a payment's updates until it is final; with no_inflight_updates, only the final one. */
function streamPayment(
  call: ServerWritableStream<any, any>,
  ctx: ServiceContext,
  hash: string,
  paymentAddr: string | undefined,
  finalOnly: boolean
) {
  const onUpdate = (p: PaymentRecord): void => {
    if (p.paymentHash !== hash) return
    const final = p.status !== 'IN_FLIGHT'
    if (final || !finalOnly) call.write(paymentToRpc(p, paymentAddr))
    if (final) {
      ctx.node.payments.off('update', onUpdate)
      call.end()
    }
  }
  ctx.node.payments.on('update', onUpdate)
  return onUpdate
}

function sendPaymentV2(req: SendPaymentRequest, call: ServerWritableStream<any, any>, ctx: ServiceContext) {
  let listener: ((p: PaymentRecord) => void) | undefined
  try {
    const parsed = readRequest(req)
    const decoded = decodeForNode(req.payment_request)
    // routing.ValidateCLTVLimit with the block padding: the limit must leave room for the final delta.
    if (parsed.cltvLimit <= decoded.cltvDelta + BLOCK_PADDING)
      throw unknown(`cltv limit ${parsed.cltvLimit} should be greater than ${decoded.cltvDelta + BLOCK_PADDING}`)
    listener = streamPayment(call, ctx, decoded.paymentHash, decoded.paymentAddr, req.no_inflight_updates)
    sendPayment(ctx.network, ctx.node, {
      paymentRequest: req.payment_request,
      destination: decoded.destination,
      paymentHash: decoded.paymentHash,
      invoiceMsat: Number(decoded.mtokens),
      expiresAt: decoded.expiresAt.getTime(),
      finalCltvDelta: decoded.cltvDelta,
      amtMsat: parsed.amtMsat,
      feeLimitMsat: parsed.feeLimitMsat,
      outgoingChanIds: parsed.outgoingChanIds,
      timeoutSeconds: req.timeout_seconds,
      cltvLimit: parsed.cltvLimit,
      ...(parsed.lastHopPubkey ? { lastHopPubkey: parsed.lastHopPubkey } : {})
    })
  } catch (err) {
    if (listener) ctx.node.payments.off('update', listener)
    listener = undefined
    call.emit('error', toStatus(err))
  }
  return () => {
    if (listener) ctx.node.payments.off('update', listener)
  }
}

function trackPaymentV2(
  req: { payment_hash: Buffer; no_inflight_updates: boolean },
  call: ServerWritableStream<any, any>,
  ctx: ServiceContext
) {
  let listener: ((p: PaymentRecord) => void) | undefined
  try {
    const hash = paymentHashFrom(req.payment_hash)
    const payment = ctx.node.payments.get(hash)
    if (!payment) throw notFound("payment isn't initiated")
    const addr = paymentAddrOf(payment)
    if (payment.status !== 'IN_FLIGHT') {
      call.write(paymentToRpc(payment, addr))
      call.end()
    } else {
      if (!req.no_inflight_updates) call.write(paymentToRpc(payment, addr))
      listener = streamPayment(call, ctx, hash, addr, req.no_inflight_updates)
    }
  } catch (err) {
    call.emit('error', toStatus(err))
  }
  return () => {
    if (listener) ctx.node.payments.off('update', listener)
  }
}

function paymentAddrOf(p: PaymentRecord): string | undefined {
  try {
    return decodeForNode(p.paymentRequest).paymentAddr
  } catch {
    return undefined
  }
}

function subscribeHtlcEvents(_req: unknown, call: ServerWritableStream<any, any>, ctx: ServiceContext) {
  call.write({
    incoming_channel_id: '0',
    outgoing_channel_id: '0',
    incoming_htlc_id: '0',
    outgoing_htlc_id: '0',
    timestamp_ns: '0',
    event_type: 'UNKNOWN',
    subscribed_event: {}
  })
  const onEvent = (e: HtlcEvent): void => {
    call.write(htlcEventToRpc(e))
  }
  ctx.node.events.on('htlc', onEvent)
  return () => {
    ctx.node.events.off('htlc', onEvent)
  }
}

export const routerService: ServiceImpl = {
  unary: {},
  stream: {
    SendPaymentV2: sendPaymentV2,
    TrackPaymentV2: trackPaymentV2,
    SubscribeHtlcEvents: subscribeHtlcEvents
  }
}
