import type { SimNetwork } from '../src/sim/model/network.js'
import type { SimChannel } from '../src/sim/model/channel.js'
import type { PaymentRecord } from '../src/sim/model/payments.js'
import { decodeInvoice } from '../src/sim/crypto/bolt11.js'
import { formatChannelId } from '../src/sim/model/channel.js'

/** How long before its payment a payer may have looked at the channel. */
const VIEW_WINDOW_MS = 10_000
const REBALANCE = /^tightrope rebalance (\S+)$/

/** One channel as a node's ListChannels showed it: its local balance and all it counts in total. */
interface Seen {
  at: number
  local: number
  total: number
  inFlight: number
}

function seenNow(ch: SimChannel, publicKey: string): Seen {
  const side = ch.sideOf(publicKey)
  let inFlight = 0
  for (const h of ch.htlcs.values()) inFlight += Math.floor(h.amountMsat / 1000)
  const local = ch.balance(side)
  return { at: Date.now(), local, total: local + ch.balance(side === 0 ? 1 : 0) + inFlight, inFlight }
}

/**
 * The soak's invariant "no payment below the payer's balance point, counting HTLCs in flight".
 * Every time a payer node's ListChannels is served, the ground truth of its channels is noted (what
 * the node saw, to the sat). When its LND registers a rebalancing payment (the invoice says
 * "tightrope rebalance <channel>"), the payment must leave the payer at or above its balance point,
 * with every HTLC in flight counted as the partner's, in at least one of the views the payer got in
 * the last VIEW_WINDOW_MS: the one its decision used is among them, and traffic after it is not
 * the payer's fault. A payer fooled by a held HTLC fails in every view: in those with the HTLC
 * counted as the partner's, and in those from before it was added.
 */
export function watchBalancePoint(
  network: SimNetwork,
  opts: { balancePoint: number; payers: (alias: string) => boolean; violate: (v: string) => void }
): { stats: { judged: number; withHtlcs: number; noView: number }; stop: () => void } {
  const stats = { judged: 0, withHtlcs: 0, noView: 0 }
  const seen = new Set<string>()
  const offs: Array<() => void> = []
  for (const node of network.nodes.values()) {
    if (!opts.payers(node.alias)) continue
    const views = new Map<string, Seen[]>()
    const onListed = (): void => {
      for (const ch of network.channelsOf(node.publicKey)) {
        const kept = (views.get(ch.chanId) ?? []).filter((v) => v.at >= Date.now() - VIEW_WINDOW_MS)
        kept.push(seenNow(ch, node.publicKey))
        views.set(ch.chanId, kept)
      }
    }
    const onPayment = (p: PaymentRecord): void => {
      if (p.status !== 'IN_FLIGHT' || seen.has(p.paymentHash)) return
      seen.add(p.paymentHash)
      const channelId = REBALANCE.exec(decodeInvoice(p.paymentRequest).description ?? '')?.[1]
      const ch =
        channelId === undefined
          ? undefined
          : [...network.channelsOf(node.publicKey)].find((c) => formatChannelId(c.chanId) === channelId)
      if (!ch) return
      const recent = (views.get(ch.chanId) ?? []).filter((v) => v.at >= Date.now() - VIEW_WINDOW_MS)
      if (recent.length === 0) {
        stats.noView++
        return
      }
      const amount = Math.floor(p.valueMsat / 1000)
      stats.judged++
      if (recent.some((v) => v.inFlight > 0)) stats.withHtlcs++
      if (recent.some((v) => v.local - amount >= floorOf(v.total, opts.balancePoint))) return
      const last = recent[recent.length - 1] as Seen
      opts.violate(
        `${node.alias} paid ${amount} over ${channelId}: in every view of the last ` +
          `${VIEW_WINDOW_MS / 1000} s it leaves the payer below its balance point (latest: ` +
          `${last.local - amount} of ${last.total} sats, ${last.inFlight} in flight, floor ${floorOf(last.total, opts.balancePoint)})`
      )
    }
    node.events.on('channels_listed', onListed)
    node.payments.on('update', onPayment)
    offs.push(() => {
      node.events.off('channels_listed', onListed)
      node.payments.off('update', onPayment)
    })
  }
  return {
    stats,
    stop: () => {
      for (const off of offs) off()
    }
  }
}

/** The payer's floor, rounded as the payer rounds it (policy/share.ts tokensAtOrAbove). */
function floorOf(total: number, balancePoint: number): number {
  return Math.ceil(total * balancePoint - 1e-6)
}
