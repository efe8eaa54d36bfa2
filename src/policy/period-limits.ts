import type { Settings } from '../config/types.js'
import type { PeriodUsage, PeriodWindow } from './limits.js'
import { refuse, type PayRefusal } from './payer-types.js'

/**
 * Rolling windows: the time at which enough of the oldest counted payments have left the window
 * that `fits(dropped count, dropped tokens)` holds. A payment at t leaves at t + limitsPeriod
 * (see periodWindow). Undefined if dropping everything still does not fit.
 */
function rollingRetryAt(
  usage: PeriodUsage,
  period: number,
  fits: (n: number, tokens: number) => boolean
): number | undefined {
  let dropped = 0
  let droppedTokens = 0
  for (const p of usage.payments) {
    dropped++
    droppedTokens += p.tokens
    if (fits(dropped, droppedTokens)) return p.at + period
  }
  return undefined
}

/**
 * Would paying `tokens` now break the payer's count or amount limit for the period?
 * Count is checked first. retryAt: rolling, when enough old payments have left the window;
 * fixed, the start of the next period. No retryAt when waiting cannot help (a limit of 0
 * payments, or an amount larger than the whole per-period budget).
 */
export function checkPeriodLimits(
  usage: PeriodUsage,
  tokens: number,
  settings: Settings,
  window: PeriodWindow
): PayRefusal | undefined {
  const rolling = settings.useRollingLimitsPeriod
  const maxCount = settings.maxTransactionsPerPeriod
  if (!(usage.count + 1 <= maxCount)) {
    const retryAt =
      maxCount < 1
        ? undefined
        : rolling
          ? rollingRetryAt(usage, settings.limitsPeriod, (n) => usage.count - n + 1 <= maxCount)
          : window.end
    return refuse(
      'maxTransactionsPerPeriod',
      `${usage.count} payments already made in this period; maxTransactionsPerPeriod is ${maxCount}`,
      retryAt
    )
  }
  const maxAmount = settings.maxAmountPerPeriod
  if (!(usage.tokens + tokens <= maxAmount)) {
    const retryAt = !(tokens <= maxAmount)
      ? undefined
      : rolling
        ? rollingRetryAt(usage, settings.limitsPeriod, (_n, t) => usage.tokens - t + tokens <= maxAmount)
        : window.end
    return refuse(
      'maxAmountPerPeriod',
      `${usage.tokens} sats already paid in this period; paying ${tokens} more would exceed maxAmountPerPeriod of ${maxAmount}`,
      retryAt
    )
  }
  return undefined
}
