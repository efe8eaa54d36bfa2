import type { Settings } from '../config/types.js'

/**
 * Why the settings cannot be used for a decision, or undefined when they can.
 *
 * The config layer should already reject these, but policy runs right before money moves: a NaN
 * slipping through would make every comparison false and could turn a refusal into a payment.
 * Limits may be Infinity ("no limit"); the period must be a finite positive number because the
 * window arithmetic needs it.
 */
export function settingsProblem(s: Settings): string | undefined {
  const atLeastZero = (name: keyof Settings): string | undefined => {
    const v = s[name]
    return typeof v === 'number' && v >= 0 ? undefined : `${name} must be a number >= 0 (got ${String(v)})`
  }
  const fraction = (name: 'balancePoint' | 'deadzone'): string | undefined => {
    const v = s[name]
    return v >= 0 && v <= 1 ? undefined : `${name} must be between 0 and 1 (got ${String(v)})`
  }
  return (
    atLeastZero('maxTransactionSize') ??
    atLeastZero('minTimeBetweenPayments') ??
    atLeastZero('maxTransactionsPerPeriod') ??
    atLeastZero('maxAmountPerPeriod') ??
    fraction('balancePoint') ??
    fraction('deadzone') ??
    (Number.isFinite(s.limitsPeriod) && s.limitsPeriod > 0
      ? undefined
      : `limitsPeriod must be a finite number of ms > 0 (got ${String(s.limitsPeriod)})`) ??
    (Number.isFinite(s.paymentTimeout) && s.paymentTimeout > 0
      ? undefined
      : `paymentTimeout must be a finite number of ms > 0 (got ${String(s.paymentTimeout)})`) ??
    (Number.isSafeInteger(s.cltvLimit) && s.cltvLimit > 0
      ? undefined
      : `cltvLimit must be a whole number of blocks > 0 (got ${String(s.cltvLimit)})`) ??
    (Number.isFinite(s.maxRetryWait) && s.maxRetryWait >= 0
      ? undefined
      : `maxRetryWait must be a finite number of ms >= 0 (got ${String(s.maxRetryWait)})`) ??
    (s.maxNetOutflowPerPeriod === undefined ||
    (typeof s.maxNetOutflowPerPeriod === 'number' && s.maxNetOutflowPerPeriod >= 0)
      ? undefined
      : `maxNetOutflowPerPeriod must be unset or a number >= 0 (got ${String(s.maxNetOutflowPerPeriod)})`)
  )
}
