import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { admit, refill, RequestBudget, BUSY_RETRY_MS, type BudgetLimits } from '../../src/swarm/budget.js'
import { Tally } from '../../src/swarm/tally.js'

const LIMITS: BudgetLimits = { inFlightPerInstance: 3, inFlightPerNode: 2, burst: 4, perMinute: 6 }

describe('request budget', () => {
  it('admits within every limit and says which one is hit', () => {
    const full = { tokens: 4, at: 0, inFlight: 0 }
    assert.deepEqual(admit(LIMITS, 0, full, 1000), { ok: true })
    assert.equal((admit(LIMITS, 3, full, 1000) as { reason: string }).reason, 'busy')
    const busy = admit(LIMITS, 0, { ...full, inFlight: 2 }, 1000)
    assert.deepEqual([busy.ok, (busy as { retryAt: number }).retryAt], [false, 1000 + BUSY_RETRY_MS])
    const rate = admit(LIMITS, 0, { tokens: 0.5, at: 0, inFlight: 0 }, 1000)
    assert.equal((rate as { reason: string }).reason, 'rate')
    assert.equal((rate as { retryAt: number }).retryAt, 1000 + 5000, 'half a token at 6 a minute: 5 s')
  })

  it('refills at the rate, never past the burst', () => {
    assert.equal(refill(LIMITS, { tokens: 0, at: 0, inFlight: 1 }, 10_000).tokens, 1)
    assert.equal(refill(LIMITS, { tokens: 3, at: 0, inFlight: 0 }, 3_600_000).tokens, 4)
  })

  it('counts per node across callers and per instance, and frees slots on release', () => {
    let now = 0
    const budget = new RequestBudget(LIMITS, () => now)
    const a1 = budget.take('a')
    const a2 = budget.take('a')
    assert.ok(a1.ok && a2.ok)
    assert.equal((budget.take('a') as { reason: string }).reason, 'busy', 'two at once for node a')
    const b1 = budget.take('b')
    assert.ok(b1.ok)
    assert.equal((budget.take('c') as { reason: string }).reason, 'busy', 'three at once in all')
    if (a1.ok) {
      a1.release()
      a1.release()
    } // a second release changes nothing
    const a3 = budget.take('a')
    assert.ok(a3.ok)
    if (a2.ok) a2.release()
    if (a3.ok) a3.release()
    const a4 = budget.take('a') // the burst's fourth token (refusals took none)
    assert.ok(a4.ok)
    if (a4.ok) a4.release()
    assert.equal((budget.take('a') as { reason: string }).reason, 'rate', 'burst of 4 spent')
    now += 10_000 // one token back at 6 a minute
    assert.ok(budget.take('a').ok)
  })
})

describe('tally', () => {
  it('counts every refusal and writes at most one event per key per window', async () => {
    const flushed: Array<[string, Record<string, number>]> = []
    const tally = new Tally((key, counts) => flushed.push([key, counts]), 200)
    for (let i = 0; i < 50; i++) tally.add('peer1', i % 2 ? 'busy' : 'rate')
    tally.add('peer2', 'unprovenNode')
    const until = Date.now() + 5000
    while (flushed.length < 2 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 10))
    assert.deepEqual(flushed.sort(), [
      ['peer1', { rate: 25, busy: 25 }],
      ['peer2', { unprovenNode: 1 }]
    ])
    tally.add('peer1', 'busy')
    assert.equal(flushed.length, 2, 'within the window: not yet')
    tally.stop()
    assert.deepEqual(flushed[2], ['peer1', { busy: 1 }], 'written at stop')
    assert.deepEqual(Object.fromEntries(tally.totals), { rate: 25, busy: 26, unprovenNode: 1 })
  })
})
