import type { SimNetwork, HtlcEvent } from '../src/sim/model/network.js'
import type { PaymentRecord } from '../src/sim/model/payments.js'
import { decodeInvoice } from '../src/sim/crypto/bolt11.js'
import { formatChannelId } from '../src/sim/model/channel.js'

/** A channel whose HTLCs changed this recently may have changed after the payer looked: not judged. */
const SETTLED_FOR_MS = 2000
const REBALANCE = /^tightrope rebalance (\S+)$/

/**
 * The soak's invariant "no payment below the payer's balance point, counting HTLCs in flight":
 * the moment a payer's LND registers a rebalancing payment (its invoice says "tightrope rebalance
 * <channel>"), the simulator's ground truth of that channel must leave the payer at or above its
 * balance point after paying, with every HTLC in flight counted as the partner's (held ones
 * included: they may still fail back). Judged only when no HTLC on the channel changed in the last
 * two seconds, so that traffic arriving between the payer's check and its payment is not blamed on it.
 */
export function watchBalancePoint (network: SimNetwork, opts: { balancePoint: number; payers: (alias: string) => boolean; violate: (v: string) => void }): { stats: { judged: number; withHtlcs: number; skipped: number }; stop: () => void } {
  const stats = { judged: 0, withHtlcs: 0, skipped: 0 }
  const lastChange = new Map<string, number>()
  const seen = new Set<string>()
  const offs: Array<() => void> = []
  for (const node of network.nodes.values()) {
    const onHtlc = (e: HtlcEvent): void => {
      for (const id of [e.incomingChanId, e.outgoingChanId]) if (id !== '0') lastChange.set(id, Date.now())
    }
    node.events.on('htlc', onHtlc)
    offs.push(() => node.events.off('htlc', onHtlc))
    if (!opts.payers(node.alias)) continue
    const onPayment = (p: PaymentRecord): void => {
      if (p.status !== 'IN_FLIGHT' || seen.has(p.paymentHash)) return
      seen.add(p.paymentHash)
      const channelId = REBALANCE.exec(decodeInvoice(p.paymentRequest).description ?? '')?.[1]
      if (channelId === undefined) return
      const ch = [...network.channelsOf(node.publicKey)].find((c) => formatChannelId(c.chanId) === channelId)
      if (!ch) return
      const changed = lastChange.get(ch.chanId)
      if (changed !== undefined && Date.now() - changed < SETTLED_FOR_MS) { stats.skipped++; return }
      const side = ch.sideOf(node.publicKey)
      const local = ch.balance(side)
      let inFlight = 0
      for (const h of ch.htlcs.values()) inFlight += Math.floor(h.amountMsat / 1000)
      const total = local + ch.balance(side === 0 ? 1 : 0) + inFlight
      const floor = Math.ceil(total * opts.balancePoint - 1e-6)
      const after = local - Math.floor(p.valueMsat / 1000)
      stats.judged++
      if (inFlight > 0) stats.withHtlcs++
      if (after < floor) opts.violate(`${node.alias} paid ${p.valueMsat / 1000} over ${channelId} leaving ${after} of ${total} sats (${inFlight} in flight), below its balance point (${floor})`)
    }
    node.payments.on('update', onPayment)
    offs.push(() => node.payments.off('update', onPayment))
  }
  return { stats, stop: () => { for (const off of offs) off() } }
}
