import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { ChannelView } from '../../src/lightning/channel-view.js'
import { decideRequest, MIN_REQUEST_TOKENS, type RequestDecision } from '../../src/policy/request.js'
import { checkPayRequest } from '../../src/policy/payer-checks.js'
import { localShare, tokensAtOrBelow } from '../../src/policy/share.js'
import { channel, hash, MIN, mirror, NOON, settings } from './fixtures.js'

/** The requester's view: it is the poorer (local) side. */
function poor(local: number, remote: number, over: Partial<ChannelView> = {}): ChannelView {
  return channel({ localBalance: local, remoteBalance: remote, capacity: local + remote, ...over })
}

interface Case {
  name: string
  input: Partial<Parameters<typeof decideRequest>[0]>
  expect: Partial<RequestDecision> & { action: RequestDecision['action'] }
  /** Fields that must be absent from the decision. */
  absent?: string[]
}

const cases: Case[] = [
  {
    name: 'inactive channel, even when poor',
    input: { channel: poor(10_000, 90_000, { isActive: false }) },
    expect: { action: 'none', reason: 'inactive' }
  },
  {
    name: 'zero capacity',
    input: { channel: poor(0, 0, { capacity: 0, localReserve: 0, remoteReserve: 0 }) },
    expect: { action: 'none', reason: 'empty' }
  },
  {
    name: 'zero balances, with reserves set',
    input: { channel: poor(0, 0) },
    expect: { action: 'none', reason: 'empty' }
  },
  {
    name: 'inside the deadzone',
    input: { channel: poor(45_000, 55_000) },
    expect: { action: 'none', reason: 'balanced' }
  },
  {
    name: 'exactly on the threshold (40%)',
    input: { channel: poor(40_000, 60_000) },
    expect: { action: 'none', reason: 'balanced' }
  },
  {
    name: 'one sat below the threshold',
    input: { channel: poor(39_999, 60_001) },
    expect: { action: 'request', tokens: 10_001, reason: 'outOfBalance' },
    absent: ['cappedBy']
  },
  {
    name: 'exactly on a threshold that floating point puts above it (0.8 - 0.1)',
    input: { channel: poor(70_000, 30_000), settings: settings({ balancePoint: 0.8, deadzone: 0.1 }) },
    expect: { action: 'none', reason: 'balanced' }
  },
  { name: 'rich side', input: { channel: poor(70_000, 30_000) }, expect: { action: 'none', reason: 'richSide' } },
  {
    // 20k of ours in flight may come back: counted as ours, so we ask only for what reaches 50%
    // if it does (local + remote alone would read 30% and ask for 20k more).
    name: 'an outgoing HTLC in flight counts as ours',
    input: { channel: poor(30_000, 50_000, { capacity: 100_000, outgoingHtlcTokens: 20_000 }) },
    expect: { action: 'none', reason: 'balanced' }
  },
  {
    name: 'an incoming HTLC in flight counts as ours: ask only for the rest',
    input: { channel: poor(20_000, 70_000, { capacity: 100_000, incomingHtlcTokens: 10_000 }) },
    expect: { action: 'request', tokens: 20_000 }
  },
  {
    name: 'balancePoint 0.3: asks for enough to reach 30%',
    input: { channel: poor(15_000, 85_000), settings: settings({ balancePoint: 0.3 }) },
    expect: { action: 'request', tokens: 15_000 }
  },
  {
    name: 'balancePoint 0.7 on the other end of that channel: rich side',
    input: { channel: poor(85_000, 15_000), settings: settings({ balancePoint: 0.7 }) },
    expect: { action: 'none', reason: 'richSide' }
  },
  {
    name: 'balancePoint 0.7: 65% is inside its deadzone',
    input: { channel: poor(65_000, 35_000), settings: settings({ balancePoint: 0.7 }) },
    expect: { action: 'none', reason: 'balanced' }
  },
  {
    name: 'maxTransactionSize caps the request',
    input: { channel: poor(10_000, 90_000), settings: settings({ maxTransactionSize: 5_000 }) },
    expect: { action: 'request', tokens: 5_000, cappedBy: 'maxTransactionSize' }
  },
  {
    name: 'remote reserve exactly allows the full amount',
    input: { channel: poor(1_000, 9_000, { remoteReserve: 5_000 }) },
    expect: { action: 'request', tokens: 4_000 },
    absent: ['cappedBy']
  },
  {
    name: 'remote reserve caps the request',
    input: { channel: poor(1_000, 9_000, { remoteReserve: 6_000 }) },
    expect: { action: 'request', tokens: 3_000, cappedBy: 'remoteReserve' }
  },
  {
    name: 'remote has nothing above its reserve',
    input: { channel: poor(1_000, 9_000, { remoteReserve: 8_800 }) },
    expect: { action: 'none', reason: 'remoteReserve' }
  },
  {
    name: 'tiny channel: the imbalance is below the minimum request',
    input: { channel: poor(200, 800, { localReserve: 0, remoteReserve: 0 }) },
    expect: { action: 'none', reason: 'tooSmall' }
  },
  {
    name: 'smallest channel whose imbalance reaches the minimum',
    input: { channel: poor(0, 2 * MIN_REQUEST_TOKENS, { localReserve: 0, remoteReserve: 0 }) },
    expect: { action: 'request', tokens: MIN_REQUEST_TOKENS }
  },
  {
    name: 'maxTransactionSize below the minimum request',
    input: { channel: poor(10_000, 90_000), settings: settings({ maxTransactionSize: 100 }) },
    expect: { action: 'none', reason: 'tooSmall' }
  },
  {
    name: 'deadzone 0: below the point by less than a sat after rounding is balanced',
    input: { channel: poor(50_000, 50_001), settings: settings({ deadzone: 0 }) },
    expect: { action: 'none', reason: 'balanced' }
  },
  {
    name: 'deadzone 0: any whole-sat shortfall above the minimum is requested',
    input: { channel: poor(49_000, 51_000), settings: settings({ deadzone: 0 }) },
    expect: { action: 'request', tokens: 1_000 }
  },
  {
    name: 'a request in flight',
    input: { channel: poor(10_000, 90_000), inFlight: true },
    expect: { action: 'wait', reason: 'inFlight' },
    absent: ['until']
  },
  {
    name: 'minTimeBetweenPayments not yet elapsed',
    input: { channel: poor(10_000, 90_000), lastAttemptAt: NOON - MIN + 1 },
    expect: { action: 'wait', reason: 'minTimeBetweenPayments', until: NOON + 1 }
  },
  {
    name: 'minTimeBetweenPayments exactly elapsed',
    input: { channel: poor(10_000, 90_000), lastAttemptAt: NOON - MIN },
    expect: { action: 'request', tokens: 40_000 }
  },
  {
    name: 'invalid settings (NaN balance point) never request',
    input: { channel: poor(10_000, 90_000), settings: settings({ balancePoint: Number.NaN }) },
    expect: { action: 'none', reason: 'invalidSettings' }
  },
  // order: permanent conditions before timing ones
  {
    name: 'inactive wins over in flight',
    input: { channel: poor(10_000, 90_000, { isActive: false }), inFlight: true },
    expect: { action: 'none', reason: 'inactive' }
  },
  {
    name: 'balanced wins over minTime',
    input: { channel: poor(50_000, 50_000), lastAttemptAt: NOON },
    expect: { action: 'none', reason: 'balanced' }
  },
  {
    name: 'tooSmall wins over minTime',
    input: { channel: poor(200, 800, { localReserve: 0, remoteReserve: 0 }), lastAttemptAt: NOON },
    expect: { action: 'none', reason: 'tooSmall' }
  },
  {
    name: 'in flight wins over minTime',
    input: { channel: poor(10_000, 90_000), inFlight: true, lastAttemptAt: NOON },
    expect: { action: 'wait', reason: 'inFlight' }
  }
]

test('decideRequest: table', () => {
  for (const c of cases) {
    const d = decideRequest({ channel: channel(), settings: settings(), inFlight: false, now: NOON, ...c.input })
    for (const [k, v] of Object.entries(c.expect)) {
      assert.deepEqual((d as unknown as Record<string, unknown>)[k], v, `${c.name}: ${k} (got ${JSON.stringify(d)})`)
    }
    for (const k of c.absent ?? []) assert.ok(!(k in d), `${c.name}: ${k} must be absent`)
    assert.equal(typeof d.detail, 'string', c.name)
    assert.ok(d.detail.length > 0, c.name)
  }
})

/** Moves `tokens` from remote to local, as a settled payment would. */
function settle(ch: ChannelView, tokens: number): ChannelView {
  return { ...ch, localBalance: ch.localBalance + tokens, remoteBalance: ch.remoteBalance - tokens }
}

test('requests land at the balance point, never across, so neither side asks back (deadzone 0 and others)', () => {
  const sides = [
    { bp: 0.5, other: 0.5 },
    { bp: 0.3, other: 0.7 },
    { bp: 0.45, other: 0.55 }
  ]
  const starts = [
    [0, 100_000],
    [1_234, 98_767],
    [10_000, 90_001],
    [29_999, 70_000]
  ] as const
  for (const { bp, other } of sides) {
    for (const deadzone of [0, 0.05, 0.1]) {
      for (const [local, remote] of starts) {
        let ch = poor(local, remote, { localReserve: 0, remoteReserve: 0 })
        const mine = settings({ balancePoint: bp, deadzone, maxTransactionSize: 1_000_000 })
        const theirs = settings({ balancePoint: other, deadzone, maxTransactionSize: 1_000_000 })
        const label = `bp ${bp}/${other} dz ${deadzone} start ${local}/${remote}`
        const first = decideRequest({ channel: ch, settings: mine, inFlight: false, now: NOON })
        if (first.action !== 'request') {
          // only starts already at (or within a sat of) the point, or too close to bother, skip the request
          assert.ok(first.reason === 'balanced' || first.reason === 'tooSmall', `${label}: ${JSON.stringify(first)}`)
          assert.ok(
            tokensAtOrBelow(local + remote, bp) - local < MIN_REQUEST_TOKENS,
            `${label}: skipped a real shortfall`
          )
          continue
        }
        // the payer, with the complementary balance point, accepts it
        const pay = checkPayRequest({
          invoice: {
            destination: ch.localPublicKey,
            paymentHash: hash(7),
            tokens: first.tokens,
            expiresAt: NOON + MIN,
            network: 'regtest',
            cltvDelta: 18
          },
          requestedTokens: first.tokens,
          channel: mirror(ch),
          settings: theirs,
          records: [],
          now: NOON
        })
        assert.deepEqual(pay, { ok: true }, label)
        ch = settle(ch, first.tokens)
        assert.ok(localShare(ch) <= bp + 1e-12, `${label}: crossed the balance point`)
        const again = decideRequest({ channel: ch, settings: mine, inFlight: false, now: NOON + 10 * MIN })
        const back = decideRequest({ channel: mirror(ch), settings: theirs, inFlight: false, now: NOON + 10 * MIN })
        assert.notEqual(again.action, 'request', `${label}: asked again ${JSON.stringify(again)}`)
        assert.notEqual(back.action, 'request', `${label}: other side asked back ${JSON.stringify(back)}`)
      }
    }
  }
})
