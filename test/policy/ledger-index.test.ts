import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { TransactionRecord } from '../../src/ledger/types.js'
import { latestByHash, lastPaymentAt, pendingPayments, priorAttempt, sideStates } from '../../src/policy/history.js'
import { counterpartyByHash } from '../../src/policy/counterparty.js'
import { netUsage } from '../../src/policy/net-cap.js'
import { ledgerTotals, succeededSince } from '../../src/api/totals.js'
import { computeAccounts, concludedPayments } from '../../src/accounts/compute.js'
import { pick, seededRandom } from '../helpers/random.js'
import { hash, NOON, PAYER_KEY, rec } from './fixtures.js'

// The whole-ledger passes the index replaced, written plainly: the index must answer as they did.
const ATTEMPTED = new Set(['pending', 'succeeded', 'failed'])
const isState = (r: TransactionRecord): boolean => r.role === 'requester' || ATTEMPTED.has(r.status)
function naiveLatest(records: readonly TransactionRecord[], role: TransactionRecord['role']): Map<string, unknown> {
  const out = new Map<string, TransactionRecord>()
  for (const r of records) if (r.role === role && r.paymentHash && isState(r)) out.set(r.paymentHash.toLowerCase(), r)
  return out
}
function naiveSide(records: readonly TransactionRecord[], channelId: string): TransactionRecord[] {
  const mine = records.filter((r) => r.role === 'payer' && r.channelId === channelId && r.localPublicKey === PAYER_KEY)
  const unlinked = mine.filter((r) => !r.paymentHash && ATTEMPTED.has(r.status))
  return [...naiveLatest(mine, 'payer').values(), ...unlinked] as TransactionRecord[]
}
function naiveNet(records: readonly TransactionRecord[], cp: string, start: number, end: number): number {
  const owner = new Map<string, string>()
  for (const r of records) {
    const h = r.paymentHash?.toLowerCase()
    if (h !== undefined && r.counterparty !== undefined && !owner.has(h)) owner.set(h, r.counterparty)
  }
  let net = 0
  for (const [h, r] of naiveLatest(records, 'payer') as Map<string, TransactionRecord>) {
    if (owner.get(h) !== cp) continue
    if (r.status === 'pending' || (r.status === 'succeeded' && r.at >= start && r.at < end)) net += r.tokens
  }
  for (const [h, r] of naiveLatest(records, 'requester') as Map<string, TransactionRecord>)
    if (owner.get(h) === cp && r.status === 'succeeded' && r.at >= start && r.at < end) net -= r.tokens
  return net
}

/** netUsage as it was: a walk over every payment ever made with the counterparty. */
function naiveUsage(records: readonly TransactionRecord[], cp: string, start: number, end: number): unknown {
  const payer = naiveLatest(records, 'payer') as Map<string, TransactionRecord>
  const requester = naiveLatest(records, 'requester') as Map<string, TransactionRecord>
  const owner = counterpartyByHash(records)
  const rank = (m: Map<string, unknown>, h: string): number => [...m.keys()].indexOf(h)
  const flows: Array<{ at: number; tokens: number; inFlight?: true; rank: number }> = []
  for (const [h, r] of payer) {
    if (owner.get(h) !== cp) continue
    if (r.status === 'pending') flows.push({ at: r.at, tokens: r.tokens, inFlight: true, rank: rank(payer, h) })
    else if (r.status === 'succeeded' && r.at >= start && r.at < end)
      flows.push({ at: r.at, tokens: r.tokens, rank: rank(payer, h) })
  }
  for (const [h, q] of requester)
    if (owner.get(h) === cp && q.status === 'succeeded' && q.at >= start && q.at < end)
      flows.push({ at: q.at, tokens: -q.tokens, rank: payer.size + rank(requester, h) })
  flows.sort((x, y) => x.at - y.at || x.rank - y.rank)
  const paid = flows.reduce((s, f) => s + Math.max(0, f.tokens), 0)
  const received = flows.reduce((s, f) => s - Math.min(0, f.tokens), 0)
  return { paid, received, net: paid - received, flows: flows.map(({ rank: _r, ...f }) => f) }
}

/** The accounts since a time as they were: every concluded payment filtered by time. */
function naiveAccountsSince(records: readonly TransactionRecord[], since: number): unknown {
  const out = new Map<string, { total: number[]; channels: Record<string, number[]>; inFlightSats: number }>()
  const owner = counterpartyByHash(records)
  const accountOf = (key: string): { total: number[]; channels: Record<string, number[]>; inFlightSats: number } => {
    const a = out.get(key) ?? { total: [0, 0, 0, 0], channels: {}, inFlightSats: 0 }
    out.set(key, a)
    return a
  }
  const add = (f: number[], paid: boolean, tokens: number): void => {
    f[paid ? 0 : 2] = (f[paid ? 0 : 2] as number) + tokens
    f[paid ? 1 : 3] = (f[paid ? 1 : 3] as number) + 1
  }
  for (const [key, entries] of concludedPayments(records)) {
    const a = accountOf(key)
    for (const e of entries) {
      if (e.outcome !== 'succeeded' || e.at < since) continue
      add(a.total, e.direction === 'paid', e.tokens)
      add((a.channels[e.channelId] ??= [0, 0, 0, 0]), e.direction === 'paid', e.tokens)
    }
  }
  for (const [h, r] of naiveLatest(records, 'payer') as Map<string, TransactionRecord>) {
    const key = owner.get(h)
    if (key !== undefined && r.status === 'pending') accountOf(key).inFlightSats += r.tokens
  }
  return out
}

const CHANNELS = ['1x1x0', '2x1x0', '3x1x0']
const CPS = ['a'.repeat(64), 'b'.repeat(64)]
const STATUSES: Array<TransactionRecord['status']> = [
  'requested',
  'pending',
  'succeeded',
  'failed',
  'refused',
  'expired'
]

function randomEntry(random: () => number, i: number): TransactionRecord {
  const n = Math.floor(random() * 40)
  const h = n === 0 ? undefined : random() < 0.2 ? hash(n).toUpperCase() : hash(n)
  const entry = rec({
    role: random() < 0.6 ? 'payer' : 'requester',
    status: pick(random, STATUSES),
    channelId: pick(random, CHANNELS),
    tokens: 1 + Math.floor(random() * 1000),
    fee: Math.floor(random() * 2),
    // The clock steps back now and then: ledger order, not `at`, says which state is the latest.
    at: NOON + i * 1000 - (random() < 0.1 ? 50_000 : 0),
    reason: pick(random, ['busy', 'maxAmountPerPeriod'])
  })
  if (random() < 0.5) entry.counterparty = pick(random, CPS)
  if (h === undefined) delete entry.paymentHash
  else entry.paymentHash = h
  return entry
}

test('the ledger index answers as the whole-ledger passes did, on random ledgers appended to between questions', () => {
  for (let seed = 1; seed <= 30; seed++) {
    const random = seededRandom(seed)
    const records: TransactionRecord[] = []
    for (let round = 0; round < 6; round++) {
      for (let k = 0; k < 25; k++) records.push(randomEntry(random, records.length))
      const at = `seed ${seed} round ${round}`
      for (const role of ['payer', 'requester'] as const)
        assert.deepEqual([...latestByHash(records, role)], [...naiveLatest(records, role)], `${at}: latest ${role}`)
      for (const channelId of CHANNELS) {
        const key = { channelId, localPublicKey: PAYER_KEY }
        assert.deepEqual(sideStates(records, key), naiveSide(records, channelId), `${at}: side ${channelId}`)
        assert.deepEqual(
          pendingPayments(records, key),
          naiveSide(records, channelId).filter((r) => r.status === 'pending'),
          `${at}: pending ${channelId}`
        )
        const attempts = records.filter(
          (r) => r.role === 'payer' && r.channelId === channelId && ATTEMPTED.has(r.status)
        )
        const last = attempts.length === 0 ? undefined : Math.max(...attempts.map((r) => r.at))
        assert.equal(lastPaymentAt(records, key), last, `${at}: last payment ${channelId}`)
      }
      for (let n = 1; n < 40; n++) {
        const first = records.find(
          (r) => r.role === 'payer' && ATTEMPTED.has(r.status) && r.paymentHash?.toLowerCase() === hash(n)
        )
        assert.equal(priorAttempt(records, hash(n).toUpperCase()), first, `${at}: prior attempt ${n}`)
      }
      const owners = counterpartyByHash(records)
      for (const cp of CPS) {
        const window = { start: NOON + 20_000, end: NOON + 200_000 }
        assert.equal(netUsage(records, cp, window).net, naiveNet(records, cp, window.start, window.end), `${at}: net`)
        assert.ok([...owners.values()].every((o) => CPS.includes(o)))
      }
      for (const cp of CPS) {
        for (const [start, end] of [
          [NOON - 100_000, NOON + 1e9],
          [NOON + 20_000, NOON + 60_000],
          [NOON + 100_000, NOON + 130_000],
          [NOON + 1e9, NOON + 2e9]
        ] as const) {
          assert.deepEqual(
            netUsage(records, cp, { start, end }),
            naiveUsage(records, cp, start, end),
            `${at}: usage ${start}..${end}`
          )
        }
      }
      for (const since of [NOON - 100_000, NOON + 30_000, NOON + 110_000, NOON + 1e9]) {
        const got = new Map(
          [...computeAccounts(records, since)].map(([k, a]) => [
            k,
            {
              total: [a.total.paidSats, a.total.paidCount, a.total.receivedSats, a.total.receivedCount],
              channels: Object.fromEntries(
                Object.entries(a.channels).map(([c, f]) => [
                  c,
                  [f.paidSats, f.paidCount, f.receivedSats, f.receivedCount]
                ])
              ),
              inFlightSats: a.inFlightSats
            }
          ])
        )
        assert.deepEqual(got, naiveAccountsSince(records, since), `${at}: accounts since ${since}`)
        for (const a of computeAccounts(records, since).values())
          assert.equal(a.total.netSats, a.total.paidSats - a.total.receivedSats, `${at}: net sats`)
      }
      const totals = ledgerTotals(records)
      const paid = [...(naiveLatest(records, 'payer') as Map<string, TransactionRecord>).values()].filter(
        (r) => r.status === 'succeeded'
      )
      assert.equal(
        totals.paidSats,
        paid.reduce((s, r) => s + r.tokens, 0),
        `${at}: paid`
      )
      assert.equal(
        totals.feesPaidSats,
        paid.reduce((s, r) => s + (r.fee ?? 0), 0),
        `${at}: fees`
      )
      const asked = [...(naiveLatest(records, 'requester') as Map<string, TransactionRecord>).values()]
      for (const outcome of ['succeeded', 'refused', 'failed', 'expired'] as const)
        assert.equal(totals.rebalances[outcome], asked.filter((r) => r.status === outcome).length, `${at}: ${outcome}`)
      const refusals = records.filter((r) => r.role === 'payer' && r.status === 'refused').length
      assert.equal(
        Object.values(totals.refusals).reduce((s, n) => s + n, 0),
        refusals,
        `${at}: refusals`
      )
      const since = NOON + 40_000
      assert.deepEqual(
        succeededSince(records, since, 60_000),
        records.filter((r) => r.status === 'succeeded' && r.at >= since),
        `${at}: succeeded since`
      )
    }
  }
})

test('an array that got shorter (not the append-only ledger) is indexed again from the start', () => {
  const records = [rec({ paymentHash: hash(1), status: 'pending' })]
  assert.equal(pendingPayments(records, { channelId: '123x1x0', localPublicKey: PAYER_KEY }).length, 1)
  records.pop()
  assert.equal(pendingPayments(records, { channelId: '123x1x0', localPublicKey: PAYER_KEY }).length, 0)
})
