import type { ChannelView } from './types.js'

/**
 * Shares are compared with this tolerance so that a share that is "exactly on" a threshold in
 * decimal (0.3 - 0.1 is 0.19999999999999998 in floating point) counts as on it. 1e-12 of even a
 * 100 BTC channel is 0.01 sat, so it never changes a decision by a whole satoshi.
 */
export const SHARE_EPSILON = 1e-12

/** Same idea for amounts: fractions of a satoshi closer than this to an integer are that integer. */
const TOKEN_EPSILON = 1e-6

/** Negative or non-numeric balances can only come from a bug upstream; treat them as empty. */
function sats (n: number): number {
  return Number.isFinite(n) && n > 0 ? n : 0
}

/**
 * The funds that can move on the channel: local + remote, in-flight HTLCs excluded.
 *
 * Why not `capacity`: LND charges the commit fee and anchors to the opener in both nodes' views,
 * and in-flight HTLCs are in neither balance, so capacity is larger than local + remote. With
 * capacity as the denominator both ends would read below 0.5 at a perfectly even split and
 * both could ask to be paid. With local + remote, A.local == B.remote and A.remote == B.local,
 * so shareA + shareB == 1 and both ends agree on who is the poorer side.
 */
export function movableTotal (ch: ChannelView): number {
  return sats(ch.localBalance) + sats(ch.remoteBalance)
}

/**
 * The local side's fraction of the movable funds, local / (local + remote), in [0, 1].
 *
 * An empty channel (zero capacity or zero balances) has no poorer side; it returns 0.5 so that
 * both ends still agree (0.5 + 0.5 == 1) and nothing divides by zero. Deciders must test
 * movableTotal() === 0 themselves rather than rely on this neutral value.
 */
export function localShare (ch: ChannelView): number {
  const total = movableTotal(ch)
  if (total === 0) return 0.5
  return sats(ch.localBalance) / total
}

/**
 * The largest whole-sat balance that is still at or below `fraction` of `total`. The requester
 * aims here, so a request never pushes it across its balance point.
 */
export function tokensAtOrBelow (total: number, fraction: number): number {
  return Math.floor(total * fraction + TOKEN_EPSILON)
}

/**
 * The smallest whole-sat balance that is at or above `fraction` of `total`. The payer must keep
 * at least this much. With bpRequester + bpPayer == 1 the two roundings meet exactly:
 * floor(x) + ceil(T - x) == T for whole T, so a request sized by the requester always passes
 * the payer's balance-point check.
 */
export function tokensAtOrAbove (total: number, fraction: number): number {
  return Math.ceil(total * fraction - TOKEN_EPSILON)
}

/** "12.34%" for details meant for operators. */
export function formatShare (share: number): string {
  return `${(share * 100).toFixed(2)}%`
}
