import { test } from 'node:test'
import assert from 'node:assert/strict'
import { MIN_RETRY_WAIT_MS, REFUSAL_BACKOFF_MS, retryNotBefore } from '../../src/policy/retry.js'
import { DAY, HOUR, MIN, NOON, settings } from './fixtures.js'

test("retryNotBefore: a payer's retryAt is honoured only within [now + 1 s, now + maxRetryWait]", () => {
  const s = settings({ maxRetryWait: 4 * HOUR, minTimeBetweenPayments: MIN })
  const cases: Array<[string, unknown, number]> = [
    ['within the cap', NOON + 10 * MIN, NOON + 10 * MIN],
    ['exactly the cap', NOON + 4 * HOUR, NOON + 4 * HOUR],
    ['30 days away: capped', NOON + 30 * DAY, NOON + 4 * HOUR],
    ['in the past: not at once', NOON - HOUR, NOON + MIN_RETRY_WAIT_MS],
    ['now: not at once', NOON, NOON + MIN_RETRY_WAIT_MS],
    ['missing: our own backoff', undefined, NOON + REFUSAL_BACKOFF_MS],
    ['not a number: our own backoff', '9999999999999', NOON + REFUSAL_BACKOFF_MS],
    ['NaN: our own backoff', Number.NaN, NOON + REFUSAL_BACKOFF_MS],
    ['Infinity: our own backoff', Number.POSITIVE_INFINITY, NOON + REFUSAL_BACKOFF_MS]
  ]
  for (const [name, retryAt, expected] of cases) assert.equal(retryNotBefore(retryAt, NOON, s), expected, name)
  assert.equal(
    retryNotBefore(undefined, NOON, settings({ minTimeBetweenPayments: HOUR })),
    NOON + HOUR,
    'our minTimeBetweenPayments when longer than the backoff'
  )
})
