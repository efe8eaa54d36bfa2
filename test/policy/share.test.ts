import { test } from 'node:test'
import assert from 'node:assert/strict'
import { localShare, payerView, requesterView, tokensAtOrAbove, tokensAtOrBelow } from '../../src/policy/share.js'
import { channel, mirror } from './fixtures.js'

test('localShare: local / (local + remote), safe for empty channels', () => {
  const cases = [
    { name: 'even', ch: channel({ localBalance: 50_000, remoteBalance: 50_000 }), share: 0.5 },
    { name: '30/70', ch: channel({ localBalance: 30_000, remoteBalance: 70_000 }), share: 0.3 },
    { name: 'all local', ch: channel({ localBalance: 1_000, remoteBalance: 0 }), share: 1 },
    { name: 'all remote', ch: channel({ localBalance: 0, remoteBalance: 1_000 }), share: 0 },
    { name: 'zero capacity', ch: channel({ capacity: 0, localBalance: 0, remoteBalance: 0 }), share: 0.5 },
    { name: 'zero balances', ch: channel({ localBalance: 0, remoteBalance: 0 }), share: 0.5 },
    { name: 'negative balance is treated as empty', ch: channel({ localBalance: -5, remoteBalance: 100 }), share: 0 },
    // capacity includes commit fee and anchors: using it would read 45% here for an even split
    {
      name: 'capacity ignored',
      ch: channel({ capacity: 100_000, localBalance: 45_000, remoteBalance: 45_000 }),
      share: 0.5
    },
    // our own decision to ask counts HTLCs in flight as ours: (40k + 20k) / 100k
    {
      name: 'in-flight counted as ours',
      ch: channel({
        localBalance: 40_000,
        remoteBalance: 40_000,
        incomingHtlcTokens: 5_000,
        outgoingHtlcTokens: 15_000
      }),
      share: 0.6
    }
  ]
  for (const c of cases) {
    const s = localShare(c.ch)
    assert.ok(Number.isFinite(s), c.name)
    assert.equal(s, c.share, c.name)
  }
})

test('localShare: both ends of a channel agree (shares sum to 1)', () => {
  const cases = [
    channel({ localBalance: 1, remoteBalance: 2 }),
    channel({ localBalance: 33_333, remoteBalance: 66_667 }),
    channel({ localBalance: 12_345, remoteBalance: 0 }),
    channel({ localBalance: 0, remoteBalance: 0 }),
    channel({ localBalance: 70_001, remoteBalance: 29_000 })
  ]
  for (const ch of cases) {
    assert.ok(Math.abs(localShare(ch) + localShare(mirror(ch)) - 1) < 1e-12, JSON.stringify(ch))
  }
})

test('payerView / requesterView: HTLCs in flight count against whoever decides, and the two ends stay complementary', () => {
  // A partner routed 200k through us and holds it: it is in neither balance.
  const ch = channel({
    capacity: 2_000_000,
    localBalance: 1_400_000,
    remoteBalance: 400_000,
    incomingHtlcTokens: 200_000
  })
  assert.deepEqual(
    payerView(ch),
    { local: 1_400_000, total: 2_000_000, inFlight: 200_000 },
    "the held HTLC is the partner's"
  )
  assert.deepEqual(requesterView(ch), { local: 1_600_000, total: 2_000_000, inFlight: 200_000 })
  const out = channel({ localBalance: 30_000, remoteBalance: 60_000, outgoingHtlcTokens: 10_000 })
  assert.equal(payerView(out).local, 30_000, 'an outgoing HTLC is already gone')
  assert.equal(requesterView(out).local, 40_000, 'and may still come back to the requester')
  for (const c of [
    ch,
    out,
    channel({ localBalance: 1, remoteBalance: 2, incomingHtlcTokens: 3, outgoingHtlcTokens: 4 })
  ]) {
    const payer = payerView(c)
    const requester = requesterView(mirror(c))
    assert.equal(payer.total, requester.total, 'both ends count the same funds')
    assert.equal(
      payer.local + requester.local,
      payer.total,
      'the requester counts as its own exactly what the payer does not'
    )
  }
})

test('tokensAtOrBelow / tokensAtOrAbove: complementary balance points split the channel exactly', () => {
  const points = [0.5, 0.3, 0.7, 0.1, 0.33, 0.45, 0]
  const totals = [0, 1, 3, 7, 999, 100_001, 123_456_789]
  for (const bp of points) {
    for (const t of totals) {
      const req = tokensAtOrBelow(t, bp)
      const pay = tokensAtOrAbove(t, 1 - bp)
      assert.equal(req + pay, t, `bp ${bp} total ${t}`)
      assert.ok(req <= t * bp + 1e-6, `requester target never above its point (bp ${bp}, total ${t})`)
      assert.ok(pay >= t * (1 - bp) - 1e-6, `payer floor never below its point (bp ${bp}, total ${t})`)
    }
  }
  // float noise does not cost a sat: 0.7 * 1000 may not be exactly 700 in binary
  assert.equal(tokensAtOrBelow(1000, 0.7), 700)
  assert.equal(tokensAtOrAbove(1000, 0.7), 700)
  assert.equal(tokensAtOrBelow(3, 0.1 + 0.2), 0)
  assert.equal(tokensAtOrAbove(10, 0.1 + 0.2), 3)
})
