import type { SimChannel, Side } from './channel.js'

export interface Hop {
  chanId: string
  chanCapacity: number
  /** The node this hop pays to. */
  pubKey: string
  amtToForwardMsat: number
  feeMsat: number
  expiry: number
  /** The HTLC this hop's channel carries: its amount and expiry height (simulator bookkeeping). */
  htlcAmountMsat: number
  htlcExpiry: number
}

export interface Route {
  hops: Hop[]
  totalAmtMsat: number
  totalFeesMsat: number
  totalTimeLock: number
}

export interface RouteQuery {
  source: string
  destination: string
  amountMsat: number
  feeLimitMsat: number
  finalCltvDelta: number
  blockHeight: number
  /** Only these first-hop channels may be used, when given (outgoing_chan_id(s)). */
  outgoingChanIds?: readonly string[]
  /** The last hop must come from this node, when given (last_hop_pubkey). */
  lastHopPubkey?: string
  maxHops?: number
  /** LND's cltv_limit: the route's total time lock (final delta + 3 blocks padding included) must not exceed it. */
  cltvLimit?: number
}

/** LND pads the final CLTV delta by 3 blocks so an HTLC survives blocks mined while it travels. */
export const BLOCK_PADDING = 3

export type RouteResult =
  { route: Route } | { error: 'FAILURE_REASON_NO_ROUTE' | 'FAILURE_REASON_INSUFFICIENT_BALANCE' }

/** Fee a forwarding node charges for an amount, from its policy on the outgoing channel. */
export function forwardingFee(ch: SimChannel, side: Side, amountMsat: number): number {
  const p = ch.policies[side]
  return p.feeBaseMsat + Math.floor((amountMsat * p.feeRatePpm) / 1_000_000)
}

interface Label {
  amountMsat: number
  cltv: number
  hops: number
  next?: { node: string; channel: SimChannel }
}

/**
 * Cheapest single-part route, searched backwards from the destination (as LND does), so that every
 * hop's amount already includes the fees of the hops after it. Channels are usable only while
 * active with both ends online; every hop must fit the sending side's spendable balance.
 */
export function findRoute(
  channelsOf: (pub: string) => Iterable<SimChannel>,
  isOnline: (pub: string) => boolean,
  q: RouteQuery
): RouteResult {
  const allowedFirst = q.outgoingChanIds && q.outgoingChanIds.length > 0 ? new Set(q.outgoingChanIds) : undefined
  let sourceSpendable = 0
  for (const ch of channelsOf(q.source)) {
    if (usable(ch, isOnline) && (!allowedFirst || allowedFirst.has(ch.chanId)))
      sourceSpendable += ch.spendableMsat(ch.sideOf(q.source))
  }
  if (sourceSpendable < q.amountMsat) return { error: 'FAILURE_REASON_INSUFFICIENT_BALANCE' }
  if (q.source === q.destination) return { error: 'FAILURE_REASON_NO_ROUTE' }

  const maxHops = q.maxHops ?? 20
  const labels = new Map<string, Label>([
    [q.destination, { amountMsat: q.amountMsat, cltv: q.finalCltvDelta, hops: 0 }]
  ])
  const done = new Set<string>()
  for (;;) {
    const current = cheapestOpen(labels, done)
    if (!current) return { error: 'FAILURE_REASON_NO_ROUTE' }
    const [node, label] = current
    if (node === q.source) return { route: buildRoute(q, labels) }
    done.add(node)
    if (label.hops >= maxHops) continue
    for (const ch of channelsOf(node)) {
      if (!usable(ch, isOnline)) continue
      const prev = ch.peerOf(node)
      if (done.has(prev)) continue
      if (label.hops === 0 && q.lastHopPubkey && prev !== q.lastHopPubkey) continue
      const isFirstHop = prev === q.source
      if (isFirstHop && allowedFirst && !allowedFirst.has(ch.chanId)) continue
      const side = ch.sideOf(prev)
      if (ch.spendableMsat(side) < label.amountMsat || label.amountMsat < ch.policies[side].minHtlcMsat) continue
      if (label.amountMsat > ch.policies[side].maxHtlcMsat || ch.policies[side].disabled) continue
      const fee = isFirstHop ? 0 : forwardingFee(ch, side, label.amountMsat)
      const amountMsat = label.amountMsat + fee
      if (amountMsat - q.amountMsat > q.feeLimitMsat) continue
      const cltv = label.cltv + (isFirstHop ? 0 : ch.policies[side].timeLockDelta)
      if (q.cltvLimit !== undefined && cltv + BLOCK_PADDING > q.cltvLimit) continue
      const existing = labels.get(prev)
      if (!existing || amountMsat < existing.amountMsat) {
        labels.set(prev, { amountMsat, cltv, hops: label.hops + 1, next: { node, channel: ch } })
      }
    }
  }
}

function usable(ch: SimChannel, isOnline: (pub: string) => boolean): boolean {
  return ch.active && !ch.closed && isOnline(ch.nodes[0]) && isOnline(ch.nodes[1])
}

function cheapestOpen(labels: Map<string, Label>, done: Set<string>): [string, Label] | undefined {
  let best: [string, Label] | undefined
  for (const entry of labels) {
    if (done.has(entry[0])) continue
    if (!best || entry[1].amountMsat < best[1].amountMsat) best = entry
  }
  return best
}

function buildRoute(q: RouteQuery, labels: Map<string, Label>): Route {
  const hops: Hop[] = []
  let label = labels.get(q.source) as Label
  const totalAmtMsat = label.amountMsat
  while (label.next) {
    const { node, channel } = label.next
    const arriving = labels.get(node) as Label
    const onward = arriving.next ? (labels.get(arriving.next.node) as Label) : undefined
    // LND's hop: amt_to_forward is what this hop passes on (or receives, for the last one); fee is
    // what it keeps; expiry is the CLTV of the HTLC it passes on.
    const amtToForwardMsat = onward ? onward.amountMsat : arriving.amountMsat
    hops.push({
      chanId: channel.chanId,
      chanCapacity: channel.capacity,
      pubKey: node,
      amtToForwardMsat,
      feeMsat: arriving.amountMsat - amtToForwardMsat,
      expiry: q.blockHeight + (onward ? onward.cltv : arriving.cltv),
      htlcAmountMsat: arriving.amountMsat,
      htlcExpiry: q.blockHeight + arriving.cltv
    })
    label = arriving
  }
  return {
    hops,
    totalAmtMsat,
    totalFeesMsat: totalAmtMsat - q.amountMsat,
    totalTimeLock: q.blockHeight + (labels.get(q.source) as Label).cltv
  }
}
