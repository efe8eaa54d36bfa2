import { formatShare, payerView, tokensAtOrAbove } from './share.js'
import { refuse, type PayCheck } from './payer-types.js'

export const withinMaxTransactionSize: PayCheck = ({ invoice, settings }) => {
  const tokens = invoice.tokens ?? 0
  if (tokens <= settings.maxTransactionSize) return undefined
  return refuse(
    'maxTransactionSize',
    `invoice is for ${tokens} sats, above our maxTransactionSize of ${settings.maxTransactionSize}`
  )
}

export const channelActive: PayCheck = ({ channel }) => {
  if (channel.isActive) return undefined
  return refuse('channelInactive', `channel ${channel.id} is inactive in our node's view`)
}

/**
 * The reserve is what LND will never let us spend; checking it here turns a payment LND would
 * fail into a refusal with a clear reason. (If we opened the channel LND also keeps a fee buffer,
 * which ChannelView does not show; LND then fails the payment itself, without losing funds.)
 * From the payer's view: an incoming HTLC is not ours to spend until it settles.
 */
export const aboveLocalReserve: PayCheck = ({ invoice, channel }) => {
  const after = payerView(channel).local - (invoice.tokens ?? 0)
  if (after >= channel.localReserve) return undefined
  return refuse(
    'localReserve',
    `paying ${String(invoice.tokens)} sats would leave ${after} sats, below our channel reserve of ${channel.localReserve}`
  )
}

/**
 * Our own balance point, from our own view: a payment never takes us below it. This is what
 * stops oscillation (we cannot be made the poorer side by paying) and stops a peer, or a peer
 * with different settings, from draining us. Compared in whole sats, rounded the opposite way
 * to the requester's target, so a request sized for bpRequester == 1 - bpPayer always passes.
 * Pessimistic (payerView): HTLCs in flight count as the partner's, so one the partner routes
 * through us and holds, then fails back, cannot make us pay below the point.
 */
export const keepsBalancePoint: PayCheck = ({ invoice, channel, settings }) => {
  const { local, total, inFlight } = payerView(channel)
  const floor = tokensAtOrAbove(total, settings.balancePoint)
  const after = local - (invoice.tokens ?? 0)
  if (after >= floor) return undefined
  const most = Math.max(0, local - floor)
  return refuse(
    'belowBalancePoint',
    `paying ${String(invoice.tokens)} sats would leave us ${after} of ${total} sats (${formatShare(total > 0 ? after / total : 0)}` +
      `${inFlight > 0 ? `, counting ${inFlight} sats of HTLCs in flight as the partner's` : ''}), ` +
      `below our balance point ${formatShare(settings.balancePoint)} (${floor} sats); we would pay at most ${most}`
  )
}
