import type { ChannelView } from '../lightning/channel-view.js'

/**
 * Shares are compared with this tolerance so that a share that is "exactly on" a threshold in
 * decimal (0.3 - 0.1 is 0.19999999999999998 in floating point) counts as on it. 1e-12 of even a
 * 100 BTC channel is 0.01 sat, so it never changes a decision by a whole satoshi.
 */
export const SHARE_EPSILON = 1e-12

/** Same idea for amounts: fractions of a satoshi closer than this to an integer are that integer. */
const TOKEN_EPSILON = 1e-6

/** Negative or non-numeric balances can only come from a bug upstream; treat them as empty. */
function sats(n: number): number {
  return Number.isFinite(n) && n > 0 ? n : 0
}

/**
 * One side's funds as a decision must see them: `local` is what we count as ours, `total` all
 * the funds of the channel that can move, in-flight HTLCs included (both ends count the same
 * HTLCs, so both see the same total).
 *
 * Why not `capacity` for the total: LND charges the commit fee and anchors to the opener in both
 * nodes' views, so capacity is larger than what can move. With capacity as the denominator both
 * ends would read below 0.5 at a perfectly even split and both could ask to be paid.
 */
export interface SideView {
  local: number
  total: number
  /** The in-flight HTLCs counted into `total` (both directions), for details shown to operators. */
  inFlight: number
}

/** HTLCs in flight on the channel, both directions: in neither LND balance. */
function inFlightOf(ch: ChannelView): number {
  return sats(ch.incomingHtlcTokens) + sats(ch.outgoingHtlcTokens)
}

/**
 * The payer's pessimistic view: every HTLC in flight counts as the partner's. An incoming one may
 * still settle (it is the partner's until then, and LND shows it in neither balance), an outgoing
 * one is already gone from our local balance. A payment checked against this view keeps our
 * balance point however the HTLCs end: a partner who routes a payment through us and holds it
 * cannot make our share look higher than it will be once it fails back.
 */
export function payerView(ch: ChannelView): SideView {
  const inFlight = inFlightOf(ch)
  return { local: sats(ch.localBalance), total: sats(ch.localBalance) + sats(ch.remoteBalance) + inFlight, inFlight }
}

/**
 * The requester's view, the mirror image: every HTLC in flight counts as ours, so we never ask for
 * more than reaches our balance point whichever way they end. With the same HTLCs it is exactly
 * the complement of the payer's view from the other end (requester local = total - payer local),
 * so a request sized for bpRequester == 1 - bpPayer passes the payer's check to the sat.
 */
export function requesterView(ch: ChannelView): SideView {
  const inFlight = inFlightOf(ch)
  return {
    local: sats(ch.localBalance) + inFlight,
    total: sats(ch.localBalance) + sats(ch.remoteBalance) + inFlight,
    inFlight
  }
}

/**
 * The local side's fraction of the movable funds in the requester's view (what our own decision to
 * ask uses, and what the status shows), in [0, 1]. Without HTLCs in flight: local / (local + remote),
 * and both ends' shares sum to 1.
 *
 * An empty channel (zero capacity or zero balances) has no poorer side; it returns 0.5 so that
 * both ends still agree (0.5 + 0.5 == 1) and nothing divides by zero. Deciders must test
 * requesterView(ch).total === 0 themselves rather than rely on this neutral value.
 */
export function localShare(ch: ChannelView): number {
  const v = requesterView(ch)
  if (v.total === 0) return 0.5
  return v.local / v.total
}

/**
 * The largest whole-sat balance that is still at or below `fraction` of `total`. The requester
 * aims here, so a request never pushes it across its balance point.
 */
export function tokensAtOrBelow(total: number, fraction: number): number {
  return Math.floor(total * fraction + TOKEN_EPSILON)
}

/**
 * The smallest whole-sat balance that is at or above `fraction` of `total`. The payer must keep
 * at least this much. With bpRequester + bpPayer == 1 the two roundings meet exactly:
 * floor(x) + ceil(T - x) == T for whole T, so a request sized by the requester always passes
 * the payer's balance-point check.
 */
export function tokensAtOrAbove(total: number, fraction: number): number {
  return Math.ceil(total * fraction - TOKEN_EPSILON)
}

/** "12.34%" for details meant for operators. */
export function formatShare(share: number): string {
  return `${(share * 100).toFixed(2)}%`
}
