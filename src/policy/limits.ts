import type { Settings } from '../config/types.js'
import type { TransactionRecord } from '../ledger/types.js'
import { type ChannelKey, sideStates } from './history.js'

export const DAY_MS = 86_400_000

/**
 * A span of time, start inclusive, end exclusive (ms since epoch). One convention for both
 * kinds of window keeps "is this payment in the window" a single comparison everywhere.
 */
export interface PeriodWindow {
  start: number
  end: number
}

/**
 * The period whose payments count against the limits at `now`.
 *
 * Rolling: the last limitsPeriod ms up to and including now, i.e. (now - period, now], written
 * half-open as [now - period + 1, now + 1). A payment made at t therefore counts for exactly
 * limitsPeriod ms and stops counting at t + limitsPeriod.
 *
 * Fixed: periods aligned to UTC midnight, as the original's "1d starts at midnight".
 * - period <= 1 day: multiples of the period since today's UTC midnight. When the period does
 *   not divide a day (e.g. 7h) the last period of the day is cut short at midnight (21:00-24:00),
 *   so every day starts a fresh period and periods never straddle midnight.
 * - period > 1 day: multiples of the period since the Unix epoch (itself a UTC midnight), so
 *   whole-day periods like 7d still start at a midnight.
 *
 * Throws RangeError for a period that is not a finite number > 0 (settingsProblem() reports it
 * first in the deciders).
 */
export function periodWindow(settings: Settings, now: number): PeriodWindow {
  const p = settings.limitsPeriod
  if (!(Number.isFinite(p) && p > 0)) throw new RangeError(`limitsPeriod must be > 0 ms, got ${String(p)}`)
  if (settings.useRollingLimitsPeriod) return { start: now - p + 1, end: now + 1 }
  if (p > DAY_MS) {
    const start = Math.floor(now / p) * p
    return { start, end: start + p }
  }
  const midnight = Math.floor(now / DAY_MS) * DAY_MS
  const start = midnight + Math.floor((now - midnight) / p) * p
  return { start, end: Math.min(start + p, midnight + DAY_MS) }
}

export interface CountedPayment {
  at: number
  tokens: number
  paymentHash?: string
}

export interface PeriodUsage {
  count: number
  tokens: number
  /** `at` of the oldest counted payment; undefined when nothing counts. */
  oldestAt?: number
  /** The counted payments, oldest first (used to work out when a rolling limit frees up). */
  payments: CountedPayment[]
}

/**
 * What we (the payer) have paid or have in flight on one side of one channel within `window`.
 *
 * Counts payer entries whose current state (newest entry per paymentHash) is 'pending' or
 * 'succeeded': a payment in flight may still succeed, so it uses up budget until it is known to
 * have failed; a pending entry later marked 'failed' stops counting. The payment's time is the
 * `at` of that newest entry, so a payment that settles after it was sent counts from the
 * settlement; that keeps it in a rolling window slightly longer, never shorter.
 */
export function periodUsage(records: readonly TransactionRecord[], key: ChannelKey, window: PeriodWindow): PeriodUsage {
  const payments = sideStates(records, key)
    .filter((r) => (r.status === 'pending' || r.status === 'succeeded') && r.at >= window.start && r.at < window.end)
    .sort((a, b) => a.at - b.at)
    .map((r): CountedPayment => ({
      at: r.at,
      tokens: r.tokens,
      ...(r.paymentHash !== undefined ? { paymentHash: r.paymentHash } : {})
    }))
  const tokens = payments.reduce((sum, p) => sum + p.tokens, 0)
  const oldest = payments[0]
  return { count: payments.length, tokens, ...(oldest !== undefined ? { oldestAt: oldest.at } : {}), payments }
}
