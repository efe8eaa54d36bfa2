import type { Settings } from '../config/types.js'

/** After a refusal that names no usable retry time, wait at least this long before asking again. */
export const REFUSAL_BACKOFF_MS = 60_000

/** A payer's retryAt closer than this is taken as this: asking again at once only costs invoices. */
export const MIN_RETRY_WAIT_MS = 1000

/**
 * When the requester may ask a payer again after a refusal. The payer's retryAt is a peer's word:
 * it may be missing, not a time, in the past, or weeks away (which would silence a channel). It is
 * honoured only within [now + MIN_RETRY_WAIT_MS, now + maxRetryWait]; without a usable one we
 * back off by our own rule.
 */
export function retryNotBefore(retryAt: unknown, now: number, settings: Settings): number {
  if (typeof retryAt !== 'number' || !Number.isFinite(retryAt))
    return now + Math.max(REFUSAL_BACKOFF_MS, settings.minTimeBetweenPayments)
  return Math.min(Math.max(retryAt, now + MIN_RETRY_WAIT_MS), now + Math.max(MIN_RETRY_WAIT_MS, settings.maxRetryWait))
}
