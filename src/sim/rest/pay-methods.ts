import { formatChannelId, parseChannelId } from '../model/channel.js'
import type { Hop, Route } from '../model/routing.js'
import { sendToRoute } from '../model/send-payment.js'
import { PaymentRequestError, type PaymentRecord } from '../model/payments.js'
import type { Method, MethodContext } from './server.js'
import { hex32, optStr, optU64, parseMsat, str, type Params } from './params.js'
import { invalidParam, rpcError } from './errors.js'
import type { Sendpay, SendpayFailure } from './state.js'
import { waitFor } from './invoice-methods.js'

/** The payment fields sendpay, waitsendpay and listsendpays share (S/listsendpays.json). */
export function sendpayFields(sp: Sendpay): Record<string, unknown> {
  return {
    created_index: sp.createdIndex,
    id: sp.createdIndex,
    payment_hash: sp.paymentHash,
    groupid: sp.groupid,
    ...(sp.updatedIndex !== undefined ? { updated_index: sp.updatedIndex } : {}),
    destination: sp.destination,
    amount_msat: sp.amountMsat,
    amount_sent_msat: sp.amountSentMsat,
    created_at: sp.createdAt,
    ...(sp.completedAt !== undefined ? { completed_at: sp.completedAt } : {}),
    status: sp.status,
    ...(sp.preimage !== undefined ? { payment_preimage: sp.preimage } : {}),
    ...(sp.label !== undefined ? { label: sp.label } : {}),
    ...(sp.bolt11 !== undefined ? { bolt11: sp.bolt11 } : {})
  }
}

/** BOLT 4 failure codes the model produces. */
const FAILCODES: Record<string, number> = {
  INCORRECT_OR_UNKNOWN_PAYMENT_DETAILS: 0x400f,
  TEMPORARY_CHANNEL_FAILURE: 0x1007
}

/** How CLN reports a failed part (pay.c): 203 from the destination, 204 on the way. */
function failureOf(ctx: MethodContext, sp: Sendpay, record: PaymentRecord, route: Route): SendpayFailure {
  const f = record.htlcs[record.htlcs.length - 1]?.failure ?? { code: 'TEMPORARY_CHANNEL_FAILURE', sourceIndex: 0 }
  const index = f.sourceIndex
  const atDestination = index === route.hops.length
  const erringNode = index === 0 ? ctx.node.publicKey : (route.hops[index - 1] as Hop).pubKey
  const erringHop = route.hops[index] ?? route.hops[index - 1]
  const name = `WIRE_${f.code}`
  return {
    code: atDestination && f.code === 'INCORRECT_OR_UNKNOWN_PAYMENT_DETAILS' ? 203 : 204,
    message: `failed: ${name} (${index === 0 ? 'local failure' : 'reply from remote'})`,
    data: {
      ...sendpayFields({ ...sp, status: 'failed' }),
      erring_index: index,
      failcode: FAILCODES[f.code] ?? 0x2002,
      failcodename: name,
      erring_node: erringNode,
      ...(erringHop
        ? {
            erring_channel: formatChannelId(erringHop.chanId),
            erring_direction: erringNode < erringHop.pubKey ? 0 : 1
          }
        : {})
    }
  }
}

/** sendpay's route param: hops {id, channel, amount_msat, delay}, checked as param_route_hops does. */
function parseRoute(ctx: MethodContext, p: Params): Route {
  const hops = p.route
  if (!Array.isArray(hops) || hops.length === 0) throw invalidParam('route', 'an array of hops', hops)
  const height = ctx.network.blockHeight
  const parsed = hops.map((h: unknown, i) => {
    if (typeof h !== 'object' || h === null) throw invalidParam(`route[${i}]`, 'an object', h)
    const hop = h as Params
    const allowed = ['id', 'channel', 'amount_msat', 'delay', 'direction', 'style']
    const extra = Object.keys(hop).find((k) => !allowed.includes(k))
    if (extra) throw rpcError(-32602, `route[${i}]: unknown parameter: ${extra}`)
    const id = str(hop, 'id')
    if (!/^0[23][0-9a-f]{64}$/.test(id)) throw invalidParam('id', 'a node id', id)
    const channel = str(hop, 'channel')
    if (!/^\d+x\d+x\d+$/.test(channel)) throw invalidParam('channel', 'a short_channel_id of form NxNxN', channel)
    const delay = optU64(hop, 'delay')
    if (delay === undefined) throw invalidParam('delay', 'an unsigned 32 bit integer', hop.delay)
    return { id, chanId: parseChannelId(channel), amountMsat: parseMsat('amount_msat', hop.amount_msat), delay }
  })
  const built: Hop[] = parsed.map((h, i) => {
    const next = parsed[i + 1]
    const forward = next ? next.amountMsat : h.amountMsat
    return {
      chanId: h.chanId,
      chanCapacity: ctx.network.channels.get(h.chanId)?.capacity ?? 0,
      pubKey: h.id,
      amtToForwardMsat: forward,
      feeMsat: h.amountMsat - forward,
      expiry: height + 1 + (next ? next.delay : h.delay),
      htlcAmountMsat: h.amountMsat,
      htlcExpiry: height + 1 + h.delay
    }
  })
  const first = parsed[0] as (typeof parsed)[number]
  const last = parsed[parsed.length - 1] as (typeof parsed)[number]
  return {
    hops: built,
    totalAmtMsat: first.amountMsat,
    totalFeesMsat: first.amountMsat - last.amountMsat,
    totalTimeLock: height + 1 + first.delay
  }
}

const latest = (ctx: MethodContext, hash: string): Sendpay | undefined => ctx.state.sendpaysFor(hash).at(-1)

const sendpay: Method = (p, ctx) => {
  const route = parseRoute(ctx, p)
  const paymentHash = hex32(p, 'payment_hash')
  const paymentSecret = p.payment_secret === undefined ? undefined : hex32(p, 'payment_secret')
  const partid = optU64(p, 'partid') ?? 0
  if (partid !== 0) throw rpcError(-32602, 'partid: the simulator pays in one part only')
  const lastHop = route.hops[route.hops.length - 1] as Hop
  const amountMsat = p.amount_msat === undefined ? lastHop.amtToForwardMsat : parseMsat('amount_msat', p.amount_msat)
  if (amountMsat !== lastHop.amtToForwardMsat)
    throw rpcError(-32602, `amount_msat: must equal the final hop's amount ${lastHop.amtToForwardMsat}`)
  const destination = lastHop.pubKey
  const prior = latest(ctx, paymentHash)
  // groupid defaults to the last one + 1 (pay.c): a plain second sendpay is a new group.
  const groupid = optU64(p, 'groupid') ?? (prior?.groupid ?? 0) + 1
  if (prior && prior.status !== 'failed') {
    // At most one group in flight (send_payment_core): another group is refused with 200.
    if (prior.status === 'pending' && prior.groupid !== groupid)
      throw rpcError(
        200,
        `Payment with groupid=${prior.groupid} still in progress, cannot retry before that completes.`
      )
    if (prior.amountMsat !== amountMsat || prior.destination !== destination) {
      const what = prior.status === 'complete' ? 'succeeded' : 'pending'
      throw rpcError(201, `Already ${what} with amount ${prior.amountMsat}msat (not ${amountMsat}msat)`)
    }
    // The same payment again (a complete one, or the same group in flight): its state (idempotent).
    return prior.status === 'complete'
      ? sendpayFields(prior)
      : { message: 'Monitor status with listpays or waitsendpay', ...sendpayFields(prior) }
  }
  const firstHop = route.hops[0] as Hop
  const channel = ctx.network.channels.get(firstHop.chanId)
  if (
    !channel ||
    !channel.active ||
    !channel.nodes.includes(ctx.node.publicKey) ||
    channel.peerOf(ctx.node.publicKey) !== firstHop.pubKey
  )
    throw rpcError(204, 'No connection to first peer found')
  const bolt11 = optStr(p, 'bolt11')
  const label = optStr(p, 'label')
  let started: ReturnType<typeof sendToRoute>
  ctx.state.sentBySendpay.add(paymentHash)
  try {
    started = sendToRoute(ctx.network, ctx.node, {
      paymentHash,
      paymentRequest: bolt11 ?? '',
      destination,
      route,
      ...(paymentSecret !== undefined ? { paymentSecret } : {})
    })
  } catch (err) {
    // The node's store already has this hash in flight or paid (e.g. control API traffic).
    if (err instanceof PaymentRequestError) throw rpcError(201, `Already paid or pending: ${err.message}`)
    throw err
  }
  const { record, done } = started
  const sp = ctx.state.addSendpay({
    groupid,
    paymentHash,
    destination,
    amountMsat,
    amountSentMsat: route.totalAmtMsat,
    createdAt: Math.floor(Date.now() / 1000),
    status: 'pending',
    ...(bolt11 !== undefined ? { bolt11 } : {}),
    ...(label !== undefined ? { label } : {})
  })
  void done
    .then(() => {
      const completedAt = Math.floor(Date.now() / 1000)
      if (record.status === 'SUCCEEDED')
        ctx.state.updateSendpay(sp, { status: 'complete', preimage: record.preimage, completedAt })
      else ctx.state.updateSendpay(sp, { status: 'failed', completedAt, failure: failureOf(ctx, sp, record, route) })
    })
    .catch((err: unknown) => console.error('[sim] clnrest sendpay record not updated:', err))
  return { message: 'Monitor status with listpays or waitsendpay', ...sendpayFields(sp) }
}

const waitsendpay: Method = async (p, ctx) => {
  const paymentHash = hex32(p, 'payment_hash')
  const timeout = optU64(p, 'timeout')
  const groupid = optU64(p, 'groupid')
  // That group's part 0, or the latest group's (wait_payment).
  const sp =
    groupid === undefined
      ? latest(ctx, paymentHash)
      : ctx.state.sendpaysFor(paymentHash).find((s) => s.groupid === groupid)
  if (!sp) throw rpcError(208, `Never attempted payment part 0 for '${paymentHash}'`)
  const final = await waitFor(ctx, ctx.state, 'sendpay', () => (sp.status === 'pending' ? undefined : sp), timeout)
  if (!final) throw rpcError(200, 'Timed out while waiting')
  if (final.status === 'complete') return sendpayFields(final)
  const f = final.failure ?? { code: 209, message: 'Payment failure reason unknown', data: null }
  throw rpcError(f.code, f.message, f.data)
}

function filtered(ctx: MethodContext, p: Params): Sendpay[] {
  let list = ctx.state.sendpays
  if (p.payment_hash !== undefined) {
    const h = hex32(p, 'payment_hash')
    list = list.filter((s) => s.paymentHash === h)
  } else if (p.bolt11 !== undefined) {
    const b = str(p, 'bolt11')
    list = list.filter((s) => s.bolt11 === b)
  }
  if (p.index !== undefined) {
    const index = str(p, 'index')
    if (index !== 'created' && index !== 'updated') throw invalidParam('index', "'created' or 'updated'", p.index)
    const start = optU64(p, 'start') ?? 0
    const limit = optU64(p, 'limit') ?? Number.MAX_SAFE_INTEGER
    const key = (s: Sendpay): number => (index === 'created' ? s.createdIndex : (s.updatedIndex ?? -1))
    list = list
      .filter((s) => key(s) >= start)
      .sort((a, b) => key(a) - key(b))
      .slice(0, limit)
  }
  if (p.status !== undefined) {
    const st = str(p, 'status')
    if (!['pending', 'complete', 'failed'].includes(st))
      throw invalidParam('status', "'pending', 'complete' or 'failed'", st)
    list = list.filter((s) => s.status === st)
  }
  return list
}

const listsendpays: Method = (p, ctx) => ({ payments: filtered(ctx, p).map(sendpayFields) })

/** listpays merges the parts of a payment: its latest group speaks for it; `preimage`, not payment_preimage. */
const listpays: Method = (p, ctx) => {
  const byHash = new Map<string, Sendpay>()
  for (const sp of filtered(ctx, p)) byHash.set(sp.paymentHash, sp)
  return {
    pays: [...byHash.values()].map((sp) => ({
      payment_hash: sp.paymentHash,
      status: sp.status,
      destination: sp.destination,
      created_at: sp.createdAt,
      ...(sp.completedAt !== undefined ? { completed_at: sp.completedAt } : {}),
      ...(sp.label !== undefined ? { label: sp.label } : {}),
      ...(sp.bolt11 !== undefined ? { bolt11: sp.bolt11 } : {}),
      amount_msat: sp.amountMsat,
      amount_sent_msat: sp.amountSentMsat,
      ...(sp.preimage !== undefined ? { preimage: sp.preimage } : {}),
      number_of_parts: 1
    }))
  }
}

export const payMethods: Record<string, Method> = { sendpay, waitsendpay, listsendpays, listpays }
