import type { Settings } from '../config/types.js'
import type { ChannelView } from '../lightning/channel-view.js'
import { formatShare, localShare, requesterView, SHARE_EPSILON, tokensAtOrBelow } from './share.js'
import { settingsProblem } from './settings-check.js'

/**
 * The smallest amount worth asking for: LND's dust limit for anchor channels. An HTLC below the
 * dust limit is not an output of the commitment transaction (it is "trimmed" into fees), so if
 * the channel force-closes while it is in flight the amount goes to miners; and moving a few
 * hundred sats does not change any channel's usefulness, it only costs an invoice and a round
 * trip. Requests smaller than this are reported as 'tooSmall' instead.
 */
export const MIN_REQUEST_TOKENS = 354

export const REQUEST_NONE_REASONS = [
  'invalidSettings',
  'inactive',
  'empty',
  'balanced',
  'richSide',
  'tooSmall',
  'remoteReserve'
] as const
export type RequestNoneReason = (typeof REQUEST_NONE_REASONS)[number]

export type RequestDecision =
  | {
      action: 'request'
      tokens: number
      reason: 'outOfBalance'
      /** Set when the request is smaller than what would reach the balance point. */
      cappedBy?: 'maxTransactionSize' | 'remoteReserve'
      detail: string
    }
  | { action: 'wait'; reason: 'minTimeBetweenPayments' | 'inFlight'; until?: number; detail: string }
  | { action: 'none'; reason: RequestNoneReason; detail: string }

export interface RequestInput {
  /** Our view of the channel: we are the side that would be paid. */
  channel: ChannelView
  /** Our settings for this side of the channel. */
  settings: Settings
  /** A request of ours on this channel has not finished yet (invoice sent, not settled/failed). */
  inFlight: boolean
  /** When we last asked to be paid on this channel (ms). */
  lastAttemptAt?: number
  now: number
}

/**
 * Should the poorer side ask to be paid, and for how much?
 *
 * Order (first match wins): invalidSettings, inactive, empty, balanced | richSide, inFlight,
 * tooSmall | remoteReserve, minTimeBetweenPayments, then request. Conditions that timing cannot
 * change come before the timing ones, so 'wait' always means "a request is due and only timing
 * holds it back", and `until` on minTimeBetweenPayments is the moment it would be sent.
 *
 * The amount lands exactly at our balance point, rounded down to a whole sat, never across it:
 * with deadzone 0 the next decision then finds nothing (or less than a sat) to ask for, and the
 * other side, whose share is now at or above 1 - balancePoint, has no reason to ask back.
 * We cannot see the payer's settings; the payer re-checks everything from its own view.
 */
export function decideRequest(input: RequestInput): RequestDecision {
  const { channel: ch, settings: s, now } = input
  const problem = settingsProblem(s)
  if (problem !== undefined) return { action: 'none', reason: 'invalidSettings', detail: problem }
  if (!ch.isActive) return { action: 'none', reason: 'inactive', detail: `channel ${ch.id} is inactive` }

  // HTLCs in flight count as ours (requesterView): whichever way they end, we never ask past our point.
  const { local, total } = requesterView(ch)
  if (total === 0) {
    return { action: 'none', reason: 'empty', detail: `channel ${ch.id} has no funds on either side` }
  }

  const share = localShare(ch)
  const trigger = s.balancePoint - s.deadzone
  if (!(share < trigger - SHARE_EPSILON)) {
    const rich = share > s.balancePoint + s.deadzone + SHARE_EPSILON
    return {
      action: 'none',
      reason: rich ? 'richSide' : 'balanced',
      detail: rich
        ? `local share ${formatShare(share)} is above ${formatShare(s.balancePoint + s.deadzone)}: the other side may ask us`
        : `local share ${formatShare(share)} is not below ${formatShare(trigger)} ` +
          `(balance point ${formatShare(s.balancePoint)} - deadzone ${formatShare(s.deadzone)})`
    }
  }

  const needed = tokensAtOrBelow(total, s.balancePoint) - local
  if (needed <= 0) {
    return {
      action: 'none',
      reason: 'balanced',
      detail: `local balance ${local} is already at the balance point ${formatShare(s.balancePoint)} to the nearest sat`
    }
  }

  if (input.inFlight) {
    return { action: 'wait', reason: 'inFlight', detail: `a request on channel ${ch.id} has not finished yet` }
  }

  const remoteSpendable = Math.max(0, ch.remoteBalance - Math.max(0, ch.remoteReserve))
  const tokens = Math.floor(Math.min(needed, s.maxTransactionSize, remoteSpendable))
  if (tokens < MIN_REQUEST_TOKENS) {
    if (remoteSpendable < MIN_REQUEST_TOKENS && remoteSpendable < needed) {
      return {
        action: 'none',
        reason: 'remoteReserve',
        detail:
          `remote can spend only ${remoteSpendable} sats above its reserve of ` +
          `${ch.remoteReserve} (need ${needed}, minimum request ${MIN_REQUEST_TOKENS})`
      }
    }
    return {
      action: 'none',
      reason: 'tooSmall',
      detail:
        `would ask for ${tokens} sats (needed ${needed}, maxTransactionSize ` +
        `${s.maxTransactionSize}), below the minimum of ${MIN_REQUEST_TOKENS}`
    }
  }

  if (input.lastAttemptAt !== undefined) {
    const until = input.lastAttemptAt + s.minTimeBetweenPayments
    if (now < until) {
      return {
        action: 'wait',
        reason: 'minTimeBetweenPayments',
        until,
        detail: `last request at ${new Date(input.lastAttemptAt).toISOString()}, next allowed ${until - now} ms from now`
      }
    }
  }

  const cappedBy =
    tokens === needed
      ? undefined
      : s.maxTransactionSize <= remoteSpendable
        ? ('maxTransactionSize' as const)
        : ('remoteReserve' as const)
  return {
    action: 'request',
    tokens,
    reason: 'outOfBalance',
    ...(cappedBy !== undefined ? { cappedBy } : {}),
    detail:
      `local share ${formatShare(share)} is below ${formatShare(trigger)}: asking for ` +
      `${tokens} of the ${needed} sats that reach ${formatShare(s.balancePoint)}` +
      (cappedBy !== undefined ? ` (capped by ${cappedBy})` : '')
  }
}
