import { test } from 'node:test'
import assert from 'node:assert/strict'
import { periodUsage, periodWindow } from '../../src/policy/limits.js'
import { checkPeriodLimits } from '../../src/policy/period-limits.js'
import { sideStates, lastPaymentAt } from '../../src/policy/history.js'
import { DAY, hash, HOUR, NOON, PAYER_KEY, rec, REQUESTER_KEY, settings } from './fixtures.js'

const KEY = { channelId: '123x1x0', localPublicKey: PAYER_KEY }
const MIDNIGHT = Date.UTC(2024, 2, 10)

test('periodWindow: rolling and fixed windows', () => {
  const cases = [
    {
      name: 'rolling 1d: the last 24 h including now',
      s: { limitsPeriod: DAY, useRollingLimitsPeriod: true },
      now: NOON,
      w: { start: NOON - DAY + 1, end: NOON + 1 }
    },
    {
      name: 'fixed 1d at 19:00 starts at UTC midnight',
      s: { limitsPeriod: DAY, useRollingLimitsPeriod: false },
      now: MIDNIGHT + 19 * HOUR,
      w: { start: MIDNIGHT, end: MIDNIGHT + DAY }
    },
    {
      name: 'fixed 1d exactly at midnight is the new day',
      s: { limitsPeriod: DAY, useRollingLimitsPeriod: false },
      now: MIDNIGHT,
      w: { start: MIDNIGHT, end: MIDNIGHT + DAY }
    },
    {
      name: 'fixed 1d one ms before midnight is the old day',
      s: { limitsPeriod: DAY, useRollingLimitsPeriod: false },
      now: MIDNIGHT - 1,
      w: { start: MIDNIGHT - DAY, end: MIDNIGHT }
    },
    {
      name: 'fixed 1h at 19:30',
      s: { limitsPeriod: HOUR, useRollingLimitsPeriod: false },
      now: MIDNIGHT + 19.5 * HOUR,
      w: { start: MIDNIGHT + 19 * HOUR, end: MIDNIGHT + 20 * HOUR }
    },
    {
      name: 'fixed 7h: last period of the day is cut at midnight',
      s: { limitsPeriod: 7 * HOUR, useRollingLimitsPeriod: false },
      now: MIDNIGHT + 22 * HOUR,
      w: { start: MIDNIGHT + 21 * HOUR, end: MIDNIGHT + DAY }
    },
    {
      name: 'fixed 7h: the next day starts afresh at midnight',
      s: { limitsPeriod: 7 * HOUR, useRollingLimitsPeriod: false },
      now: MIDNIGHT + DAY + HOUR,
      w: { start: MIDNIGHT + DAY, end: MIDNIGHT + DAY + 7 * HOUR }
    }
  ]
  for (const c of cases) assert.deepEqual(periodWindow(settings(c.s), c.now), c.w, c.name)

  const week = periodWindow(settings({ limitsPeriod: 7 * DAY, useRollingLimitsPeriod: false }), NOON)
  assert.equal(week.start % DAY, 0, 'a 7d fixed period starts at a UTC midnight')
  assert.equal(week.end - week.start, 7 * DAY)
  assert.ok(week.start <= NOON && NOON < week.end)

  for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
    assert.throws(() => periodWindow(settings({ limitsPeriod: bad }), NOON), RangeError, String(bad))
  }
})

test('periodUsage: what counts', () => {
  const rolling = periodWindow(settings(), NOON)
  const cases = [
    { name: 'succeeded counts', records: [rec()], count: 1, tokens: 10_000 },
    { name: 'pending counts', records: [rec({ status: 'pending' })], count: 1, tokens: 10_000 },
    {
      name: 'pending later failed does not count',
      records: [rec({ status: 'pending', at: NOON - 2 * HOUR }), rec({ status: 'failed', at: NOON - HOUR })],
      count: 0,
      tokens: 0
    },
    {
      name: 'failed then retried and pending counts once',
      records: [rec({ status: 'failed', at: NOON - 2 * HOUR }), rec({ status: 'pending', at: NOON - HOUR })],
      count: 1,
      tokens: 10_000
    },
    {
      name: 'pending then succeeded counts once',
      records: [rec({ status: 'pending', at: NOON - 2 * HOUR }), rec({ status: 'succeeded', at: NOON - HOUR })],
      count: 1,
      tokens: 10_000
    },
    { name: 'refused does not count', records: [rec({ status: 'refused' })], count: 0, tokens: 0 },
    { name: 'requested does not count', records: [rec({ status: 'requested' })], count: 0, tokens: 0 },
    { name: 'requester role does not count', records: [rec({ role: 'requester' })], count: 0, tokens: 0 },
    {
      name: 'a later requester entry for the same hash does not hide the payer entry',
      records: [
        rec({ status: 'pending', at: NOON - 2 * HOUR }),
        rec({ role: 'requester', status: 'failed', at: NOON - HOUR, localPublicKey: REQUESTER_KEY })
      ],
      count: 1,
      tokens: 10_000
    },
    { name: 'other channel does not count', records: [rec({ channelId: '999x1x0' })], count: 0, tokens: 0 },
    { name: 'other local node does not count', records: [rec({ localPublicKey: REQUESTER_KEY })], count: 0, tokens: 0 },
    {
      name: 'several payments add up',
      records: [
        rec({ paymentHash: hash(1), tokens: 1_000, at: NOON - 3 * HOUR }),
        rec({ paymentHash: hash(2), tokens: 2_000, at: NOON - HOUR }),
        rec({ paymentHash: hash(3), tokens: 4_000, status: 'failed' })
      ],
      count: 2,
      tokens: 3_000,
      oldestAt: NOON - 3 * HOUR
    },
    // The clock stepped back between the two entries: the one appended last is the payment's state.
    {
      name: 'ledger order wins over timestamps',
      records: [rec({ status: 'pending', at: NOON - HOUR }), rec({ status: 'failed', at: NOON - 2 * HOUR })],
      count: 0,
      tokens: 0
    },
    {
      name: 'same time: the later appended wins',
      records: [rec({ status: 'pending' }), rec({ status: 'failed' })],
      count: 0,
      tokens: 0
    },
    { name: 'rolling: exactly one period old has left', records: [rec({ at: NOON - DAY })], count: 0, tokens: 0 },
    { name: 'rolling: one ms younger still counts', records: [rec({ at: NOON - DAY + 1 })], count: 1, tokens: 10_000 },
    { name: 'rolling: made now counts', records: [rec({ at: NOON })], count: 1, tokens: 10_000 }
  ]
  for (const c of cases) {
    const u = periodUsage(c.records, KEY, rolling)
    assert.equal(u.count, c.count, `${c.name}: count`)
    assert.equal(u.tokens, c.tokens, `${c.name}: tokens`)
    assert.equal(u.payments.length, c.count, `${c.name}: payments`)
    if ('oldestAt' in c) assert.equal(u.oldestAt, c.oldestAt, `${c.name}: oldestAt`)
    if (c.count === 0) assert.equal(u.oldestAt, undefined, `${c.name}: no oldestAt`)
  }
})

test('periodUsage: rolling vs fixed at a period boundary', () => {
  const lastMsOfDay = rec({ at: MIDNIGHT - 1 })
  const justAfter = MIDNIGHT + 1000
  const fixed = periodWindow(settings({ useRollingLimitsPeriod: false }), justAfter)
  const rolling = periodWindow(settings({ useRollingLimitsPeriod: true }), justAfter)
  assert.equal(periodUsage([lastMsOfDay], KEY, fixed).count, 0, 'fixed: yesterday is a different period')
  assert.equal(periodUsage([lastMsOfDay], KEY, rolling).count, 1, 'rolling: still in the last 24 h')
  assert.equal(
    periodUsage([rec({ at: MIDNIGHT })], KEY, fixed).count,
    1,
    'fixed: midnight itself belongs to the new day'
  )
})

test('checkPeriodLimits: each limit with its retryAt', () => {
  const s = (over: Parameters<typeof settings>[0]) =>
    settings({ maxTransactionsPerPeriod: 2, maxAmountPerPeriod: 30_000, ...over })
  const three = [
    rec({ paymentHash: hash(1), at: NOON - 5 * HOUR, tokens: 5_000 }),
    rec({ paymentHash: hash(2), at: NOON - 3 * HOUR, tokens: 5_000 }),
    rec({ paymentHash: hash(3), at: NOON - HOUR, tokens: 5_000 })
  ]
  const cases = [
    { name: 'under both limits', records: three.slice(0, 1), tokens: 5_000, s: s({}), expect: undefined },
    {
      name: 'count: rolling frees up when the oldest leaves',
      records: three.slice(0, 2),
      tokens: 5_000,
      s: s({}),
      expect: { reason: 'maxTransactionsPerPeriod', retryAt: NOON - 5 * HOUR + DAY }
    },
    {
      name: 'count: two over the limit waits for the second oldest',
      records: three,
      tokens: 5_000,
      s: s({}),
      expect: { reason: 'maxTransactionsPerPeriod', retryAt: NOON - 3 * HOUR + DAY }
    },
    {
      name: 'count: fixed frees up at the next period',
      records: three.slice(0, 2),
      tokens: 5_000,
      s: s({ useRollingLimitsPeriod: false }),
      expect: { reason: 'maxTransactionsPerPeriod', retryAt: Date.UTC(2024, 2, 11) }
    },
    {
      name: 'count: a limit of 0 never frees up',
      records: [],
      tokens: 5_000,
      s: s({ maxTransactionsPerPeriod: 0 }),
      expect: { reason: 'maxTransactionsPerPeriod', retryAt: undefined }
    },
    {
      name: 'amount: exactly the budget is allowed',
      records: three.slice(0, 1),
      tokens: 25_000,
      s: s({}),
      expect: undefined
    },
    {
      name: 'amount: one sat over, rolling',
      records: three.slice(0, 1),
      tokens: 25_001,
      s: s({}),
      expect: { reason: 'maxAmountPerPeriod', retryAt: NOON - 5 * HOUR + DAY }
    },
    {
      name: 'amount: rolling waits until enough has left',
      records: three.slice(0, 2).map((r) => ({ ...r, tokens: 10_000 })),
      tokens: 25_000,
      s: s({ maxTransactionsPerPeriod: 10 }),
      expect: { reason: 'maxAmountPerPeriod', retryAt: NOON - 3 * HOUR + DAY }
    },
    {
      name: 'amount: fixed frees up at the next period',
      records: three.slice(0, 1),
      tokens: 25_001,
      s: s({ useRollingLimitsPeriod: false }),
      expect: { reason: 'maxAmountPerPeriod', retryAt: Date.UTC(2024, 2, 11) }
    },
    {
      name: 'amount: larger than the whole budget never fits',
      records: [],
      tokens: 30_001,
      s: s({}),
      expect: { reason: 'maxAmountPerPeriod', retryAt: undefined }
    }
  ]
  for (const c of cases) {
    const window = periodWindow(c.s, NOON)
    const r = checkPeriodLimits(periodUsage(c.records, KEY, window), c.tokens, c.s, window)
    if (c.expect === undefined) {
      assert.equal(r, undefined, c.name)
      continue
    }
    assert.ok(r !== undefined, c.name)
    assert.equal(r.reason, c.expect.reason, c.name)
    assert.equal(r.retryAt, c.expect.retryAt, c.name)
    assert.match(r.detail, /\d/, `${c.name}: detail has the numbers`)
    if (r.retryAt !== undefined) {
      // at retryAt the same request passes this check
      const later = periodWindow(c.s, r.retryAt)
      assert.equal(
        checkPeriodLimits(periodUsage(c.records, KEY, later), c.tokens, c.s, later),
        undefined,
        `${c.name}: passes at retryAt`
      )
      const before = periodWindow(c.s, r.retryAt - 1)
      assert.notEqual(
        checkPeriodLimits(periodUsage(c.records, KEY, before), c.tokens, c.s, before),
        undefined,
        `${c.name}: still refused 1 ms before`
      )
    }
  }
})

test('history helpers: latest per hash and last payment time', () => {
  const records = [
    rec({ paymentHash: hash(1), status: 'pending', at: 100 }),
    rec({ paymentHash: hash(1).toUpperCase(), status: 'succeeded', at: 200 }),
    rec({ paymentHash: hash(2), status: 'refused', at: 900 }),
    rec({ paymentHash: hash(3), status: 'failed', at: 300 }),
    (({ paymentHash: _none, ...noHash }) => noHash)(rec({ status: 'pending', at: 50 }))
  ]
  const latest = sideStates(records, KEY)
  assert.equal(
    latest.length,
    3,
    'hash case does not split a payment; an unhashed entry stands alone; a refusal is no payment state'
  )
  assert.equal(latest.find((r) => r.paymentHash?.toLowerCase() === hash(1))?.status, 'succeeded')
  assert.equal(lastPaymentAt(records, KEY), 300, 'refusals do not reset the timer')
  assert.equal(lastPaymentAt(records, { ...KEY, channelId: 'other' }), undefined)
})

test('a refused replay of a paid invoice does not un-count the payment from the period limits', () => {
  const records = [
    rec({ paymentHash: hash(7), status: 'pending', at: 100, tokens: 50_000 }),
    rec({ paymentHash: hash(7), status: 'succeeded', at: 110, tokens: 50_000 }),
    rec({ paymentHash: hash(7), status: 'refused', at: 500, tokens: 50_000 })
  ]
  const latest = sideStates(records, KEY)
  assert.equal(latest.length, 1)
  assert.equal(latest[0]?.status, 'succeeded')
})
