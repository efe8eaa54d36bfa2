import { test } from 'node:test'
import assert from 'node:assert/strict'
import { checkNetOutflow, netUsage } from '../../src/policy/net-cap.js'
import { periodWindow } from '../../src/policy/limits.js'
import { checkPayRequest } from '../../src/policy/payer-checks.js'
import type { TransactionRecord } from '../../src/ledger/types.js'
import { channel, DAY, hash, HOUR, NOON, rec, REQUESTER_KEY, settings } from './fixtures.js'

const BOB = 'b'.repeat(64)
const CAROL = 'c'.repeat(64)
const MIDNIGHT = Date.UTC(2024, 2, 10)

/** We paid Bob (payer entry naming him). */
const paid = (
  n: number,
  tokens: number,
  at: number,
  status: TransactionRecord['status'] = 'succeeded',
  counterparty = BOB
): TransactionRecord => rec({ paymentHash: hash(n), tokens, at, status, counterparty })
/** Bob paid us: our request to him ('requested' names him), then our invoice settled. */
const received = (n: number, tokens: number, at: number, settled = true): TransactionRecord[] => [
  rec({ role: 'requester', status: 'requested', paymentHash: hash(n), tokens, at: at - 1, counterparty: BOB }),
  ...(settled ? [rec({ role: 'requester', status: 'succeeded', paymentHash: hash(n), tokens, at })] : [])
]

test('netUsage: what counts towards the net paid to one counterparty', () => {
  const window = periodWindow(settings(), NOON)
  const cases: Array<{ name: string; records: TransactionRecord[]; paid: number; received: number }> = [
    { name: 'nothing', records: [], paid: 0, received: 0 },
    { name: 'a succeeded payment to it', records: [paid(1, 10_000, NOON - HOUR)], paid: 10_000, received: 0 },
    {
      name: 'a payment in flight counts',
      records: [paid(1, 10_000, NOON - HOUR, 'pending')],
      paid: 10_000,
      received: 0
    },
    {
      name: 'a payment still in flight counts however long ago it started (a held HTLC)',
      records: [paid(1, 10_000, NOON - 30 * HOUR, 'pending')],
      paid: 10_000,
      received: 0
    },
    {
      name: 'a pending payment that failed does not',
      records: [paid(1, 10_000, NOON - 2 * HOUR, 'pending'), paid(1, 10_000, NOON - HOUR, 'failed')],
      paid: 0,
      received: 0
    },
    { name: 'a refusal does not', records: [paid(1, 10_000, NOON - HOUR, 'refused')], paid: 0, received: 0 },
    {
      name: 'another counterparty does not',
      records: [paid(1, 10_000, NOON - HOUR, 'succeeded', CAROL)],
      paid: 0,
      received: 0
    },
    {
      name: 'our own nodes (no counterparty) do not',
      records: [rec({ paymentHash: hash(1), at: NOON - HOUR })],
      paid: 0,
      received: 0
    },
    { name: 'a settled request to it is received', records: received(2, 7_000, NOON - HOUR), paid: 0, received: 7_000 },
    {
      name: 'a request not (yet) settled is not',
      records: received(2, 7_000, NOON - HOUR, false),
      paid: 0,
      received: 0
    },
    {
      name: 'outside the rolling window does not count',
      records: [paid(1, 10_000, NOON - DAY), ...received(2, 5_000, NOON - DAY)],
      paid: 0,
      received: 0
    },
    {
      name: 'both ways',
      records: [
        paid(1, 10_000, NOON - 3 * HOUR),
        ...received(2, 4_000, NOON - 2 * HOUR),
        paid(3, 1_000, NOON - HOUR, 'pending')
      ],
      paid: 11_000,
      received: 4_000
    }
  ]
  for (const c of cases) {
    const u = netUsage(c.records, BOB, window)
    assert.deepEqual([u.paid, u.received, u.net], [c.paid, c.received, c.paid - c.received], c.name)
  }
})

test('checkNetOutflow: the cap, and when asking again can pass', () => {
  const rolling = settings()
  const fixed = settings({ useRollingLimitsPeriod: false })
  const at1 = NOON - 5 * HOUR
  const at2 = NOON - 3 * HOUR
  const records = [paid(1, 30_000, at1), paid(2, 30_000, at2), ...received(3, 20_000, NOON - HOUR)]
  const cases = [
    { name: 'within the cap', s: rolling, cap: 50_000, tokens: 10_000, reason: undefined, retryAt: undefined },
    {
      name: 'exactly at the cap passes',
      s: rolling,
      cap: 50_000,
      tokens: 10_000,
      reason: undefined,
      retryAt: undefined
    },
    {
      name: 'over: rolling, once the first payment leaves',
      s: rolling,
      cap: 45_000,
      tokens: 10_000,
      reason: 'maxNetOutflowPerPeriod',
      retryAt: at1 + DAY
    },
    {
      name: 'over: rolling, once both payments left (the one received still counts for us)',
      s: rolling,
      cap: 15_000,
      tokens: 10_000,
      reason: 'maxNetOutflowPerPeriod',
      retryAt: at2 + DAY
    },
    {
      name: 'over: fixed, the next period',
      s: fixed,
      cap: 45_000,
      tokens: 10_000,
      reason: 'maxNetOutflowPerPeriod',
      retryAt: MIDNIGHT + DAY
    },
    {
      name: 'a payment larger than the cap: waiting cannot help',
      s: rolling,
      cap: 5_000,
      tokens: 10_000,
      reason: 'maxNetOutflowPerPeriod',
      retryAt: undefined
    },
    {
      name: 'a cap of 0: only what it paid us may go back',
      s: rolling,
      cap: 0,
      tokens: 10_000,
      reason: 'maxNetOutflowPerPeriod',
      retryAt: undefined
    }
  ]
  for (const c of cases) {
    const window = periodWindow(c.s, NOON)
    const r = checkNetOutflow(netUsage(records, BOB, window), c.tokens, c.cap, c.s, window)
    assert.equal(r?.reason, c.reason, c.name)
    assert.equal(r?.retryAt, c.retryAt, c.name)
  }
  // What Bob paid us makes room: net 40k, cap 50k, 10k passes only because of the 20k received.
  const window = periodWindow(rolling, NOON)
  assert.equal(
    checkNetOutflow(netUsage(records.slice(0, 2), BOB, window), 10_000, 50_000, rolling, window)?.reason,
    'maxNetOutflowPerPeriod'
  )
})

test("checkPayRequest: the net cap applies to a counterparty's request only, last", () => {
  const invoice = {
    destination: REQUESTER_KEY,
    paymentHash: hash(9),
    tokens: 10_000,
    expiresAt: NOON + HOUR,
    network: 'regtest',
    cltvDelta: 40
  }
  const records = [paid(1, 45_000, NOON - HOUR)]
  const base = {
    invoice,
    requestedTokens: 10_000,
    channel: channel({ localBalance: 80_000, remoteBalance: 20_000 }),
    records,
    now: NOON,
    network: 'regtest'
  }
  assert.deepEqual(
    checkPayRequest({ ...base, settings: settings({ maxNetOutflowPerPeriod: 50_000 }) }),
    { ok: true },
    'no counterparty: no cap'
  )
  assert.deepEqual(checkPayRequest({ ...base, settings: settings(), counterparty: BOB }), { ok: true }, 'unset: no cap')
  const refused = checkPayRequest({
    ...base,
    settings: settings({ maxNetOutflowPerPeriod: 50_000 }),
    counterparty: BOB
  })
  assert.equal(refused.ok ? undefined : refused.reason, 'maxNetOutflowPerPeriod')
  assert.deepEqual(
    checkPayRequest({ ...base, settings: settings({ maxNetOutflowPerPeriod: 50_000 }), counterparty: CAROL }),
    { ok: true },
    'another counterparty has its own'
  )
  const bad = checkPayRequest({ ...base, settings: settings({ maxNetOutflowPerPeriod: -1 }), counterparty: BOB })
  assert.equal(bad.ok ? undefined : bad.reason, 'invalidSettings')
})
