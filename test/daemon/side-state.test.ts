import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import {
  endedSince,
  gateAt,
  gateDetail,
  IDLE,
  inFlight,
  transition,
  type Phase,
  type SideEvent,
  type SideState
} from '../../src/daemon/side-state.js'
import { REFUSAL_BACKOFF_MS } from '../../src/policy/retry.js'
import { MIN, NOON, settings } from '../policy/fixtures.js'

// Pure transitions on an injected clock: every state and event of the rebalancer's channel side.
const H = 'ab'.repeat(32)
const OTHER = 'cd'.repeat(32)
const EXP = NOON + 60 * MIN
const s = settings({ minTimeBetweenPayments: 10 * MIN, maxRetryWait: 30 * MIN })

const idle: SideState = IDLE
const invoicing: SideState = { phase: { kind: 'invoicing', tokens: 500 } }
const asking: SideState = { phase: { kind: 'asking', paymentHash: H, tokens: 500, expiresAt: EXP } }
const awaiting: SideState = { phase: { kind: 'awaiting', paymentHash: H, tokens: 500, expiresAt: EXP } }
const concluded: SideState = { phase: { kind: 'concluded', at: NOON - MIN } }

const reserve: SideEvent = { type: 'reserve', tokens: 700 }
const invoiced: SideEvent = { type: 'invoiced', paymentHash: H, expiresAt: EXP }
const released: SideEvent = { type: 'released', paymentHash: H }
const withdrawn: SideEvent = { type: 'withdrawn', paymentHash: H }
const concludedH: SideEvent = { type: 'concluded', paymentHash: H }
const concludedOther: SideEvent = { type: 'concluded', paymentHash: OTHER }
const failed: SideEvent = { type: 'failed', detail: 'LND said no', settings: s }

const phaseTable: Array<[string, SideState, SideEvent, Phase]> = [
  ['idle + reserve: the slot is taken at once', idle, reserve, { kind: 'invoicing', tokens: 700 }],
  ['concluded + reserve', concluded, reserve, { kind: 'invoicing', tokens: 700 }],
  ['invoicing + reserve: no second request', invoicing, reserve, invoicing.phase],
  ['asking + reserve: no second request', asking, reserve, asking.phase],
  ['awaiting + reserve: no second request', awaiting, reserve, awaiting.phase],
  ['invoicing + invoiced', invoicing, invoiced, { kind: 'asking', paymentHash: H, tokens: 500, expiresAt: EXP }],
  ['idle + invoiced: nothing was reserved', idle, invoiced, idle.phase],
  [
    'asking + released: the invoice decides now',
    asking,
    released,
    { kind: 'awaiting', paymentHash: H, tokens: 500, expiresAt: EXP }
  ],
  ['concluded + released: its task concluded it already', concluded, released, concluded.phase],
  ['asking + withdrawn: not recorded, not asked', asking, withdrawn, { kind: 'idle' }],
  ['awaiting + withdrawn: only the asking task withdraws', awaiting, withdrawn, awaiting.phase],
  ['asking + concluded', asking, concludedH, { kind: 'concluded', at: NOON }],
  ['awaiting + concluded', awaiting, concludedH, { kind: 'concluded', at: NOON }],
  ['awaiting + another hash concluded: not this request', awaiting, concludedOther, awaiting.phase],
  ['idle + concluded (a request recovered from the ledger)', idle, concludedH, idle.phase],
  ['invoicing + failed: no invoice, nothing in flight', invoicing, failed, { kind: 'idle' }],
  [
    'asking + failed: the invoice exists and still decides',
    asking,
    failed,
    { kind: 'awaiting', paymentHash: H, tokens: 500, expiresAt: EXP }
  ],
  ['awaiting + failed', awaiting, failed, awaiting.phase],
  ['concluded + failed (recording the outcome failed)', concluded, failed, concluded.phase]
]

describe("a channel side's request: phases", () => {
  for (const [name, from, event, phase] of phaseTable) {
    it(name, () => assert.deepEqual(transition(from, event, NOON).phase, phase))
  }

  it('a whole request, reserved to concluded, then the next one', () => {
    const events: Array<[SideEvent, Phase['kind']]> = [
      [reserve, 'invoicing'],
      [invoiced, 'asking'],
      [released, 'awaiting'],
      [concludedH, 'concluded'],
      [reserve, 'invoicing']
    ]
    let state = IDLE
    for (const [event, kind] of events) {
      state = transition(state, event, NOON)
      assert.equal(state.phase.kind, kind, event.type)
    }
  })
})

describe("a channel side's request: the gate and what it tells", () => {
  it('refused with a usable retryAt: not before it, and why', () => {
    const next = transition(
      asking,
      { type: 'refused', retryAt: NOON + 5 * MIN, reason: 'minTimeBetweenPayments', detail: 'later', settings: s },
      NOON
    )
    assert.deepEqual(next.gate, { until: NOON + 5 * MIN, reason: 'minTimeBetweenPayments', detail: 'later', at: NOON })
    assert.equal(next.phase, asking.phase, "the phase is the task's to change")
    assert.equal(gateAt(next, NOON + 5 * MIN - 1), next.gate)
    assert.equal(gateAt(next, NOON + 5 * MIN), undefined, 'open at until')
    assert.equal(gateDetail(next.gate!), 'refused by peer: minTimeBetweenPayments (later); asking again after 12:05:00')
  })

  it('refused with a retryAt weeks away: capped by our maxRetryWait', () => {
    const next = transition(
      asking,
      { type: 'refused', retryAt: NOON + 30 * 86_400_000, reason: 'x', detail: 'y', settings: s },
      NOON
    )
    assert.equal(next.gate?.until, NOON + 30 * MIN)
  })

  it('refused without a retryAt: our own backoff', () => {
    const next = transition(
      asking,
      { type: 'refused', retryAt: undefined, reason: 'x', detail: 'y', settings: s },
      NOON
    )
    assert.equal(next.gate?.until, NOON + Math.max(REFUSAL_BACKOFF_MS, 10 * MIN))
  })

  it('our own failure: backoff, and the status says it was ours', () => {
    const next = transition(invoicing, failed, NOON)
    assert.deepEqual(next.gate, { until: NOON + 10 * MIN, reason: 'requestError', detail: 'LND said no', at: NOON })
    assert.equal(gateDetail(next.gate!), 'our request failed (LND said no); asking again after 12:10:00')
  })

  it('a gate outlives the request it came from', () => {
    let state = transition(
      asking,
      { type: 'refused', retryAt: NOON + 5 * MIN, reason: 'r', detail: 'd', settings: s },
      NOON
    )
    state = transition(state, concludedH, NOON + 1)
    assert.equal(state.phase.kind, 'concluded')
    assert.equal(gateAt(state, NOON + MIN)?.until, NOON + 5 * MIN)
  })
})

describe("a channel side's request: what the rebalancer reads", () => {
  it('in flight: the reserved slot (no invoice yet), asking and awaiting', () => {
    assert.deepEqual(inFlight(invoicing), { tokens: 500 })
    assert.deepEqual(inFlight(asking), { tokens: 500, paymentHash: H, expiresAt: EXP })
    assert.deepEqual(inFlight(awaiting), { tokens: 500, paymentHash: H, expiresAt: EXP })
    assert.equal(inFlight(idle), undefined)
    assert.equal(inFlight(concluded), undefined)
  })

  it('ended since a fetch: balances fetched before the end are stale', () => {
    const ended = transition(awaiting, concludedH, NOON)
    assert.ok(endedSince(ended, NOON), 'fetched at the very moment it ended')
    assert.ok(endedSince(ended, NOON - 1))
    assert.ok(!endedSince(ended, NOON + 1), 'fetched after it ended')
    assert.ok(!endedSince(awaiting, 0))
  })
})
