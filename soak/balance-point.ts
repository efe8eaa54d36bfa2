import type { HtlcChange, SimNetwork } from '../src/sim/model/network.js'
import type { PaymentRecord } from '../src/sim/model/payments.js'
import { decodeInvoice } from '../src/sim/crypto/bolt11.js'
import { DUST_LIMIT_SAT, FEE_PER_KW, HTLC_WEIGHT, formatChannelId } from '../src/sim/model/channel.js'

/** HTLCs added this recently may have been added after the payer looked at the channel. */
const RECENT_MS = 3000
const REBALANCE = /^tightrope rebalance (\S+)$/
const HTLC_COMMIT_FEE = Math.floor(FEE_PER_KW * HTLC_WEIGHT / 1000)

interface Tracked { add: HtlcChange; resolved?: 'settle' | 'fail' }

/**
 * The soak's invariant "no payment below the payer's balance point, counting HTLCs in flight":
 * the moment a payer's LND registers a rebalancing payment (its invoice says "tightrope rebalance
 * <channel>"), the simulator's ground truth of that channel must leave the payer at or above its
 * balance point after paying, with every HTLC in flight counted as the partner's (held ones
 * included: they may still fail back).
 *
 * The payer looked at the channel a few milliseconds earlier, and traffic may have added HTLCs
 * since (a rebalance typically follows the traffic that unbalanced the channel). Only such recent
 * additions can make the ground truth look worse than what the payer saw, so a payment that fails
 * the check is judged again with every HTLC added in the last RECENT_MS undone; only if it still
 * falls below is it a violation. HTLCs held from before, the ones the attack relies on, are never
 * undone.
 */
export function watchBalancePoint (network: SimNetwork, opts: { balancePoint: number; payers: (alias: string) => boolean; violate: (v: string) => void }): { stats: { judged: number; withHtlcs: number; excusedByRecentTraffic: number }; stop: () => void } {
  const stats = { judged: 0, withHtlcs: 0, excusedByRecentTraffic: 0 }
  const recent = new Map<string, Tracked>()
  const seen = new Set<string>()
  const onChange = (c: HtlcChange): void => {
    const k = `${c.chanId}:${c.htlcIndex}`
    if (c.change === 'add') recent.set(k, { add: c })
    else { const t = recent.get(k); if (t) t.resolved = c.change }
    for (const [key, t] of recent) if (t.add.at < Date.now() - RECENT_MS) recent.delete(key)
  }
  network.htlcChanges.on('change', onChange)
  const offs: Array<() => void> = [() => network.htlcChanges.off('change', onChange)]
  for (const node of network.nodes.values()) {
    if (!opts.payers(node.alias)) continue
    const onPayment = (p: PaymentRecord): void => {
      if (p.status !== 'IN_FLIGHT' || seen.has(p.paymentHash)) return
      seen.add(p.paymentHash)
      const channelId = REBALANCE.exec(decodeInvoice(p.paymentRequest).description ?? '')?.[1]
      const ch = channelId === undefined ? undefined : [...network.channelsOf(node.publicKey)].find((c) => formatChannelId(c.chanId) === channelId)
      if (!ch) return
      const side = ch.sideOf(node.publicKey)
      const amount = Math.floor(p.valueMsat / 1000)
      let inFlight = 0
      for (const h of ch.htlcs.values()) inFlight += Math.floor(h.amountMsat / 1000)
      const local = ch.balance(side)
      const total = local + ch.balance(side === 0 ? 1 : 0) + inFlight
      stats.judged++
      if (inFlight > 0) stats.withHtlcs++
      if (local - amount >= floorOf(total, opts.balancePoint)) return
      // Undo what traffic added since the payer looked.
      let localThen = local
      let totalThen = total
      for (const t of recent.values()) {
        if (t.add.chanId !== ch.chanId || t.add.at < Date.now() - RECENT_MS) continue
        const sats = Math.floor(t.add.amountMsat / 1000)
        if (t.add.offeredBy === node.publicKey && t.resolved !== 'fail') localThen += sats
        if (t.add.offeredBy !== node.publicKey && t.resolved === undefined) totalThen -= sats
        if (t.resolved === undefined && side === 0 && sats >= DUST_LIMIT_SAT) localThen += HTLC_COMMIT_FEE
      }
      if (localThen - amount >= floorOf(totalThen, opts.balancePoint)) { stats.excusedByRecentTraffic++; return }
      opts.violate(`${node.alias} paid ${amount} over ${channelId} leaving ${local - amount} of ${total} sats (${inFlight} in flight), below its balance point (${floorOf(total, opts.balancePoint)})`)
    }
    node.payments.on('update', onPayment)
    offs.push(() => node.payments.off('update', onPayment))
  }
  return { stats, stop: () => { for (const off of offs) off() } }
}

/** The payer's floor, rounded as the payer rounds it (policy/share.ts tokensAtOrAbove). */
function floorOf (total: number, balancePoint: number): number {
  return Math.ceil(total * balancePoint - 1e-6)
}
