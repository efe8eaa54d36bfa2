import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  checkPayRequest,
  MIN_INVOICE_VALIDITY_MS,
  PAY_CHECKS,
  PAY_REFUSAL_REASONS,
  type PayRequestInput
} from '../../src/policy/payer-checks.js'
import { channel, DAY, hash, HOUR, MIN, NOON, PAYER_KEY, rec, REQUESTER_KEY, settings, type Loose } from './fixtures.js'

/**
 * The payer holds 70% of a 100k channel; the requester asks for 20k, which brings the payer
 * exactly to its 50% balance point. Everything passes.
 */
function base(over: Loose<PayRequestInput> = {}): PayRequestInput {
  return {
    invoice: {
      destination: REQUESTER_KEY,
      paymentHash: hash(100),
      tokens: 20_000,
      expiresAt: NOON + 5 * MIN,
      network: 'regtest',
      cltvDelta: 18
    },
    requestedTokens: 20_000,
    channel: channel({ localBalance: 70_000, remoteBalance: 30_000 }),
    settings: settings(),
    records: [],
    now: NOON,
    network: 'regtest',
    ...over
  } as PayRequestInput // a case may leave a field undefined on purpose
}
function invoice(over: Loose<PayRequestInput['invoice']>): Loose<PayRequestInput> {
  return { invoice: { ...base().invoice, ...over } as PayRequestInput['invoice'] }
}

interface Case {
  name: string
  input: Loose<PayRequestInput>
  reason?: (typeof PAY_REFUSAL_REASONS)[number]
  retryAt?: number | undefined
  /** Substrings the detail must contain (the numbers the operator needs). */
  detail?: string[]
}

const cases: Case[] = [
  { name: 'a good request', input: {} },
  {
    name: 'invalid settings',
    input: { settings: settings({ maxAmountPerPeriod: Number.NaN }) },
    reason: 'invalidSettings'
  },
  { name: 'malformed payment hash', input: invoice({ paymentHash: 'abc' }), reason: 'invalidInvoice' },
  {
    name: 'fractional amount',
    input: { ...invoice({ tokens: 20_000.5 }), requestedTokens: 20_000.5 },
    reason: 'invalidInvoice'
  },
  {
    name: 'wrong network',
    input: invoice({ network: 'bitcoin' }),
    reason: 'wrongNetwork',
    detail: ['bitcoin', 'regtest']
  },
  {
    name: 'invoice without a network when ours is known',
    input: invoice({ network: undefined }),
    reason: 'wrongNetwork'
  },
  {
    name: 'network not checked when ours is unknown',
    input: { ...invoice({ network: 'bitcoin' }), network: undefined }
  },
  { name: 'zero-amount invoice (undefined)', input: invoice({ tokens: undefined }), reason: 'zeroAmountInvoice' },
  {
    name: 'zero-amount invoice (0)',
    input: { ...invoice({ tokens: 0 }), requestedTokens: 0 },
    reason: 'zeroAmountInvoice'
  },
  { name: 'amount mismatch', input: { requestedTokens: 19_999 }, reason: 'amountMismatch', detail: ['20000', '19999'] },
  {
    name: 'wrong destination',
    input: invoice({ destination: '02' + 'c'.repeat(64) }),
    reason: 'wrongDestination',
    detail: [REQUESTER_KEY]
  },
  {
    name: 'destination in upper case is still the partner',
    input: invoice({ destination: REQUESTER_KEY.toUpperCase() })
  },
  { name: 'paying ourselves', input: invoice({ destination: PAYER_KEY }), reason: 'wrongDestination' },
  { name: 'expired invoice', input: invoice({ expiresAt: NOON - 1 }), reason: 'invoiceExpired' },
  {
    name: 'expires just inside the safety margin',
    input: invoice({ expiresAt: NOON + MIN_INVOICE_VALIDITY_MS - 1 }),
    reason: 'invoiceExpired'
  },
  { name: 'expires exactly at the safety margin', input: invoice({ expiresAt: NOON + MIN_INVOICE_VALIDITY_MS }) },
  {
    name: 'final CLTV delta + 3 not below our cltvLimit',
    input: { ...invoice({ cltvDelta: 141 }), settings: settings({ cltvLimit: 144 }) },
    reason: 'invoiceCltvTooLong',
    detail: ['141', '144']
  },
  {
    name: 'final CLTV delta + 3 just below our cltvLimit',
    input: { ...invoice({ cltvDelta: 140 }), settings: settings({ cltvLimit: 144 }) }
  },
  {
    name: 'above maxTransactionSize',
    input: { settings: settings({ maxTransactionSize: 19_999 }) },
    reason: 'maxTransactionSize',
    detail: ['20000', '19999']
  },
  { name: 'exactly maxTransactionSize', input: { settings: settings({ maxTransactionSize: 20_000 }) } },
  {
    name: 'channel inactive',
    input: { channel: channel({ localBalance: 70_000, remoteBalance: 30_000, isActive: false }) },
    reason: 'channelInactive'
  },
  {
    name: 'would go below our reserve',
    input: {
      channel: channel({ localBalance: 20_500, remoteBalance: 0, localReserve: 1_000 }),
      settings: settings({ balancePoint: 0 })
    },
    reason: 'localReserve',
    detail: ['500', '1000']
  },
  {
    name: 'leaves exactly the reserve',
    input: {
      channel: channel({ localBalance: 21_000, remoteBalance: 0, localReserve: 1_000 }),
      settings: settings({ balancePoint: 0 })
    }
  },
  {
    name: 'one sat past our balance point',
    input: { channel: channel({ localBalance: 69_999, remoteBalance: 30_001 }) },
    reason: 'belowBalancePoint',
    detail: ['49999', '19999']
  },
  {
    name: 'our balance point 0.7: the request for 0.3 on the other side is fine',
    input: {
      ...invoice({ tokens: 15_000 }),
      requestedTokens: 15_000,
      channel: channel({ localBalance: 85_000, remoteBalance: 15_000 }),
      settings: settings({ balancePoint: 0.7 })
    }
  },
  {
    name: 'our balance point 0.7: a requester wanting 50% is refused',
    input: {
      ...invoice({ tokens: 35_000 }),
      requestedTokens: 35_000,
      channel: channel({ localBalance: 85_000, remoteBalance: 15_000 }),
      settings: settings({ balancePoint: 0.7 })
    },
    reason: 'belowBalancePoint',
    detail: ['15000']
  },
  { name: 'zero balances', input: { channel: channel({ localBalance: 0, remoteBalance: 0 }) }, reason: 'localReserve' },
  {
    // The partner routed 10k through us and holds it: its remote balance shows 10k less, so
    // local + remote alone would read 70/90 and let 25k pass; failed back, we would sit at 45%.
    name: "an incoming HTLC in flight counts as the partner's",
    input: {
      ...invoice({ tokens: 25_000 }),
      requestedTokens: 25_000,
      channel: channel({ localBalance: 70_000, remoteBalance: 20_000, incomingHtlcTokens: 10_000 })
    },
    reason: 'belowBalancePoint',
    detail: ['100000', 'HTLCs in flight', 'at most 20000']
  },
  {
    name: 'an outgoing HTLC in flight counts as already gone',
    input: {
      ...invoice({ tokens: 15_000 }),
      requestedTokens: 15_000,
      channel: channel({ localBalance: 60_000, remoteBalance: 30_000, outgoingHtlcTokens: 10_000 })
    },
    reason: 'belowBalancePoint',
    detail: ['at most 10000']
  },
  {
    name: 'with HTLCs in flight, exactly the balance point still passes',
    input: {
      ...invoice({ tokens: 20_000 }),
      requestedTokens: 20_000,
      channel: channel({ localBalance: 70_000, remoteBalance: 20_000, incomingHtlcTokens: 10_000 })
    }
  },
  {
    name: 'hash already paid',
    input: { records: [rec({ paymentHash: hash(100), at: NOON - 2 * DAY })] },
    reason: 'duplicatePayment'
  },
  {
    name: 'hash attempted and failed',
    input: { records: [rec({ paymentHash: hash(100), status: 'failed', at: NOON - 2 * DAY })] },
    reason: 'duplicatePayment'
  },
  {
    name: 'hash paid on another channel',
    input: { records: [rec({ paymentHash: hash(100), channelId: '999x9x9', at: NOON - 2 * DAY })] },
    reason: 'duplicatePayment'
  },
  {
    name: 'hash recorded in upper case',
    input: { records: [rec({ paymentHash: hash(100).toUpperCase(), at: NOON - 2 * DAY })] },
    reason: 'duplicatePayment'
  },
  {
    name: 'hash refused before may be checked again',
    input: { records: [rec({ paymentHash: hash(100), status: 'refused', at: NOON - 1 })] }
  },
  {
    name: 'our own invoice as requester is not a payment of ours',
    input: {
      records: [rec({ paymentHash: hash(100), role: 'requester', localPublicKey: REQUESTER_KEY, at: NOON - 1 })]
    }
  },
  {
    name: 'another payment pending in the ledger',
    input: { records: [rec({ paymentHash: hash(5), status: 'pending', at: NOON - 2 * DAY })] },
    reason: 'paymentPending'
  },
  {
    // The clock stepped back an hour between 'pending' and 'succeeded': the later entry is the state.
    name: 'a payment that settled after the clock stepped back is not pending',
    input: {
      records: [
        rec({ paymentHash: hash(5), status: 'pending', at: NOON - HOUR }),
        rec({ paymentHash: hash(5), status: 'succeeded', at: NOON - 2 * HOUR })
      ]
    }
  },
  {
    name: 'a pending payment later marked failed is not pending',
    input: {
      records: [
        rec({ paymentHash: hash(5), status: 'pending', at: NOON - 2 * DAY }),
        rec({ paymentHash: hash(5), status: 'failed', at: NOON - 2 * DAY + 1 })
      ]
    }
  },
  {
    name: 'pending on another channel does not block',
    input: { records: [rec({ paymentHash: hash(5), status: 'pending', channelId: '999x9x9', at: NOON - 1 })] }
  },
  {
    name: 'too soon after our last payment',
    input: { records: [rec({ paymentHash: hash(5), at: NOON - 10_000 })] },
    reason: 'minTimeBetweenPayments',
    retryAt: NOON - 10_000 + MIN
  },
  {
    name: 'too soon after a failed attempt',
    input: { records: [rec({ paymentHash: hash(5), status: 'failed', at: NOON - 10_000 })] },
    reason: 'minTimeBetweenPayments',
    retryAt: NOON - 10_000 + MIN
  },
  { name: 'exactly minTimeBetweenPayments later', input: { records: [rec({ paymentHash: hash(5), at: NOON - MIN })] } },
  {
    name: 'a refusal does not restart the timer',
    input: { records: [rec({ paymentHash: hash(5), status: 'refused', at: NOON - 1 })] }
  },
  {
    name: 'count limit, rolling',
    input: {
      settings: settings({ maxTransactionsPerPeriod: 2 }),
      records: [rec({ paymentHash: hash(5), at: NOON - 5 * HOUR }), rec({ paymentHash: hash(6), at: NOON - 2 * HOUR })]
    },
    reason: 'maxTransactionsPerPeriod',
    retryAt: NOON - 5 * HOUR + DAY,
    detail: ['2']
  },
  {
    name: 'count limit, fixed',
    input: {
      settings: settings({ maxTransactionsPerPeriod: 2, useRollingLimitsPeriod: false }),
      records: [rec({ paymentHash: hash(5), at: NOON - 5 * HOUR }), rec({ paymentHash: hash(6), at: NOON - 2 * HOUR })]
    },
    reason: 'maxTransactionsPerPeriod',
    retryAt: Date.UTC(2024, 2, 11)
  },
  {
    name: 'count limit: a failed payment is not counted',
    input: {
      settings: settings({ maxTransactionsPerPeriod: 2 }),
      records: [
        rec({ paymentHash: hash(5), at: NOON - 5 * HOUR }),
        rec({ paymentHash: hash(6), status: 'failed', at: NOON - 2 * HOUR })
      ]
    }
  },
  {
    name: 'amount limit, rolling',
    input: {
      settings: settings({ maxAmountPerPeriod: 35_000 }),
      records: [
        rec({ paymentHash: hash(5), at: NOON - 5 * HOUR, tokens: 10_000 }),
        rec({ paymentHash: hash(6), at: NOON - 2 * HOUR, tokens: 10_000 })
      ]
    },
    reason: 'maxAmountPerPeriod',
    retryAt: NOON - 5 * HOUR + DAY,
    detail: ['20000', '35000']
  },
  {
    name: 'amount limit, fixed',
    input: {
      settings: settings({ maxAmountPerPeriod: 35_000, useRollingLimitsPeriod: false }),
      records: [rec({ paymentHash: hash(5), at: NOON - 5 * HOUR, tokens: 20_000 })]
    },
    reason: 'maxAmountPerPeriod',
    retryAt: Date.UTC(2024, 2, 11)
  },
  {
    name: 'amount limit: yesterday in a fixed period does not count',
    input: {
      settings: settings({ maxAmountPerPeriod: 35_000, useRollingLimitsPeriod: false }),
      records: [rec({ paymentHash: hash(5), at: Date.UTC(2024, 2, 10) - 1, tokens: 20_000 })]
    }
  },
  {
    name: 'amount limit: a request larger than the whole budget never fits',
    input: { settings: settings({ maxAmountPerPeriod: 19_999 }) },
    reason: 'maxAmountPerPeriod',
    retryAt: undefined
  },
  {
    name: 'net cap: what we paid this counterparty, net of what it paid us, plus this invoice, above maxNetOutflowPerPeriod',
    input: {
      settings: settings({ maxNetOutflowPerPeriod: 25_000 }),
      counterparty: 'b'.repeat(64),
      records: [rec({ paymentHash: hash(5), at: NOON - 2 * HOUR, tokens: 10_000, counterparty: 'b'.repeat(64) })]
    },
    reason: 'maxNetOutflowPerPeriod',
    retryAt: NOON - 2 * HOUR + DAY
  },
  // order: the first failing check in PAY_CHECKS wins
  {
    name: 'order: wrong destination before expiry',
    input: invoice({ destination: PAYER_KEY, expiresAt: NOON - 1 }),
    reason: 'wrongDestination'
  },
  {
    name: 'order: amount mismatch before destination',
    input: { ...invoice({ destination: PAYER_KEY }), requestedTokens: 1 },
    reason: 'amountMismatch'
  },
  {
    name: 'order: inactive before duplicate',
    input: {
      channel: channel({ localBalance: 70_000, remoteBalance: 30_000, isActive: false }),
      records: [rec({ paymentHash: hash(100) })]
    },
    reason: 'channelInactive'
  },
  {
    name: 'order: duplicate before minTime',
    input: { records: [rec({ paymentHash: hash(100), at: NOON - 1 })] },
    reason: 'duplicatePayment'
  }
]

test('checkPayRequest: table', () => {
  for (const c of cases) {
    const r = checkPayRequest(base(c.input))
    if (c.reason === undefined) {
      assert.deepEqual(r, { ok: true }, c.name)
      continue
    }
    assert.equal(r.ok, false, c.name)
    if (r.ok) continue
    assert.equal(r.reason, c.reason, `${c.name}: ${r.detail}`)
    if ('retryAt' in c) assert.equal(r.retryAt, c.retryAt, `${c.name}: retryAt`)
    else assert.equal(r.retryAt, undefined, `${c.name}: no retryAt for a check time cannot fix`)
    for (const s of c.detail ?? [])
      assert.ok(r.detail.includes(s), `${c.name}: detail "${r.detail}" should mention ${s}`)
  }
})

test('an earlier payment: pending blocks, succeeded uses budget, failed frees it', () => {
  const s = settings({ maxAmountPerPeriod: 35_000 })
  const pending = rec({ paymentHash: hash(5), status: 'pending', at: NOON - 5 * HOUR, tokens: 20_000 })
  const r1 = checkPayRequest(base({ settings: s, records: [pending] }))
  assert.equal(r1.ok ? 'ok' : r1.reason, 'paymentPending')
  const r2 = checkPayRequest(
    base({ settings: s, records: [pending, { ...pending, status: 'succeeded', at: NOON - 4 * HOUR }] })
  )
  assert.equal(r2.ok ? 'ok' : r2.reason, 'maxAmountPerPeriod')
  const r3 = checkPayRequest(
    base({ settings: s, records: [pending, { ...pending, status: 'failed', at: NOON - 4 * HOUR }] })
  )
  assert.deepEqual(r3, { ok: true })
})

test('every reason code is reachable from the table, in the documented order', () => {
  const seen = new Set(cases.map((c) => c.reason).filter((r) => r !== undefined))
  for (const reason of PAY_REFUSAL_REASONS) assert.ok(seen.has(reason), `no test case for ${reason}`)
  assert.equal(PAY_CHECKS.length, PAY_REFUSAL_REASONS.length - 1, 'one check per reason (the period check has two)')
})

test('checkPayRequest does not mutate its input', () => {
  const input = base({ records: [rec({ paymentHash: hash(5), at: NOON - 2 * HOUR })] })
  const copy = structuredClone(input)
  checkPayRequest(input)
  assert.deepEqual(input, copy)
})
