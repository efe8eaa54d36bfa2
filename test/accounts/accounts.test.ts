import { test } from 'node:test'
import assert from 'node:assert/strict'
import { computeAccounts, concludedPayments } from '../../src/accounts/compute.js'
import { compareStatement, parseStatementEntry } from '../../src/accounts/compare.js'
import { settingsForCounterparty } from '../../src/accounts/settings.js'
import { buildReport } from '../../src/accounts/report.js'
import type { StatementEntry } from '../../src/accounts/types.js'
import type { TransactionRecord } from '../../src/ledger/types.js'
import { hash, HOUR, NOON, rec, settings } from '../policy/fixtures.js'

const BOB = 'b'.repeat(64)
const CAROL = 'c'.repeat(64)

const paid = (
  n: number,
  tokens: number,
  status: TransactionRecord['status'] = 'succeeded',
  counterparty = BOB,
  channelId = '123x1x0'
): TransactionRecord => rec({ paymentHash: hash(n), tokens, status, counterparty, channelId, at: NOON - HOUR + n })
const asked = (n: number, tokens: number, counterparty = BOB, channelId = '123x1x0'): TransactionRecord =>
  rec({
    role: 'requester',
    status: 'requested',
    paymentHash: hash(n),
    tokens,
    counterparty,
    channelId,
    at: NOON - HOUR + n
  })
const settled = (
  n: number,
  tokens: number,
  status: TransactionRecord['status'] = 'succeeded',
  channelId = '123x1x0'
): TransactionRecord =>
  rec({ role: 'requester', status, paymentHash: hash(n), tokens, channelId, at: NOON - HOUR + n + 1 })

test('computeAccounts: per counterparty and channel, from our ledger only', () => {
  const records = [
    paid(1, 10_000, 'pending'),
    paid(1, 10_000),
    paid(2, 5_000, 'pending'),
    paid(2, 5_000, 'failed'),
    asked(3, 7_000, BOB, '456x1x0'),
    settled(3, 7_000, 'succeeded', '456x1x0'),
    asked(4, 3_000),
    settled(4, 3_000, 'expired'),
    paid(5, 2_000, 'refused'),
    paid(6, 4_000, 'pending'),
    paid(7, 1_000, 'succeeded', CAROL),
    rec({ paymentHash: hash(8), tokens: 9_000, at: NOON }) // our own two nodes: no counterparty
  ]
  const accounts = computeAccounts(records)
  assert.deepEqual([...accounts.keys()].sort(), [BOB, CAROL])
  const bob = accounts.get(BOB)
  assert.deepEqual(bob?.total, {
    paidSats: 10_000,
    paidCount: 1,
    receivedSats: 7_000,
    receivedCount: 1,
    netSats: 3_000
  })
  assert.deepEqual(bob?.channels['123x1x0'], {
    paidSats: 10_000,
    paidCount: 1,
    receivedSats: 0,
    receivedCount: 0,
    netSats: 10_000
  })
  assert.deepEqual(bob?.channels['456x1x0'], {
    paidSats: 0,
    paidCount: 0,
    receivedSats: 7_000,
    receivedCount: 1,
    netSats: -7_000
  })
  assert.equal(bob?.inFlightSats, 4_000)
  assert.equal(accounts.get(CAROL)?.total.netSats, 1_000)
  // --since: only payments concluded since then.
  assert.deepEqual(computeAccounts(records, NOON - HOUR + 3).get(BOB)?.total, {
    paidSats: 0,
    paidCount: 0,
    receivedSats: 7_000,
    receivedCount: 1,
    netSats: -7_000
  })
})

test('concludedPayments: the statement entries our ledger gives, in order of conclusion', () => {
  const records = [
    paid(1, 10_000, 'pending'),
    asked(2, 7_000),
    paid(1, 10_000),
    settled(2, 7_000),
    paid(3, 1_000, 'pending'),
    paid(3, 1_000, 'failed'),
    asked(4, 2_000)
  ]
  assert.deepEqual(
    concludedPayments(records)
      .get(BOB)
      ?.map((e) => [e.paymentHash, e.direction, e.outcome, e.tokens]),
    [
      [hash(1), 'paid', 'succeeded', 10_000],
      [hash(2), 'received', 'succeeded', 7_000],
      [hash(3), 'paid', 'failed', 1_000]
    ]
  )
})

const entry = (n: number, over: Partial<StatementEntry> = {}): StatementEntry => ({
  paymentHash: hash(n),
  channelId: '123x1x0',
  tokens: 10_000,
  direction: 'paid',
  at: NOON,
  outcome: 'succeeded',
  ...over
})
/** The same payment as the other side writes it. */
const mirrored = (e: StatementEntry, over: Partial<StatementEntry> = {}): StatementEntry => ({
  ...e,
  direction: e.direction === 'paid' ? 'received' : 'paid',
  ...over
})

test('compareStatement: what disagrees with our ledger', () => {
  const ours = [entry(1), entry(2, { direction: 'received', tokens: 5_000 }), entry(3, { outcome: 'failed' })]
  const agreeing = ours.map((e) => mirrored(e))
  const cases: Array<{ name: string; theirs: StatementEntry[]; open?: string[]; syncedAt?: number; kinds: string[] }> =
    [
      { name: 'mirror images agree', theirs: agreeing, syncedAt: NOON + 2 * HOUR, kinds: [] },
      { name: 'a payment that never happened', theirs: [...agreeing, mirrored(entry(9))], kinds: ['unknown'] },
      {
        name: 'one we still have in flight is not judged yet',
        theirs: [...agreeing, mirrored(entry(9))],
        open: [hash(9)],
        kinds: []
      },
      {
        name: 'a failure only they know of costs nothing',
        theirs: [...agreeing, mirrored(entry(9, { outcome: 'failed' }))],
        kinds: []
      },
      {
        name: 'another amount',
        theirs: [mirrored(ours[0] as StatementEntry, { tokens: 1 }), ...agreeing.slice(1)],
        kinds: ['mismatch']
      },
      {
        name: 'another channel',
        theirs: [mirrored(ours[0] as StatementEntry, { channelId: '9x9x9' }), ...agreeing.slice(1)],
        kinds: ['mismatch']
      },
      {
        name: 'the same direction as ours (both say they paid)',
        theirs: [ours[0] as StatementEntry, ...agreeing.slice(1)],
        kinds: ['mismatch']
      },
      {
        name: 'success against our failure',
        theirs: [...agreeing.slice(0, 2), mirrored(ours[2] as StatementEntry, { outcome: 'succeeded' })],
        kinds: ['mismatch']
      },
      {
        name: 'listed twice, differently',
        theirs: [...agreeing, mirrored(ours[0] as StatementEntry, { tokens: 2 })],
        kinds: ['mismatch']
      },
      {
        name: 'dropped, synced long after: missing',
        theirs: agreeing.slice(1),
        syncedAt: NOON + 2 * HOUR,
        kinds: ['missing']
      },
      {
        name: 'dropped, but synced within the grace: not yet',
        theirs: agreeing.slice(1),
        syncedAt: NOON + 1000,
        kinds: []
      },
      { name: 'dropped, never synced: not judged', theirs: agreeing.slice(1), kinds: [] },
      {
        name: 'a failure of ours they do not list is not missing',
        theirs: agreeing.slice(0, 2),
        syncedAt: NOON + 2 * HOUR,
        kinds: []
      }
    ]
  for (const c of cases) {
    const problems = compareStatement({
      ours,
      open: new Set(c.open ?? []),
      theirs: c.theirs,
      ...(c.syncedAt !== undefined ? { syncedAt: c.syncedAt } : {})
    })
    assert.deepEqual(
      problems.map((p) => p.kind),
      c.kinds,
      c.name
    )
  }
})

test('parseStatementEntry: exactly the fields, within bounds', () => {
  const good = entry(1)
  assert.deepEqual(parseStatementEntry(good), good)
  const bad: unknown[] = [
    null,
    'x',
    [],
    { ...good, extra: 1 },
    { ...good, paymentHash: 'A'.repeat(64) },
    { ...good, paymentHash: hash(1) + '00' },
    { ...good, channelId: '1x2' },
    { ...good, channelId: '<b>x1x0' },
    { ...good, tokens: 0 },
    { ...good, tokens: 1.5 },
    { ...good, tokens: 2 ** 60 },
    { ...good, direction: 'sideways' },
    { ...good, at: -1 },
    { ...good, outcome: 'maybe' }
  ]
  for (const b of bad) assert.equal(parseStatementEntry(b), undefined, JSON.stringify(b))
})

test("settingsForCounterparty: a configured cap replaces the channel's for that counterparty only", () => {
  const s = settings({ maxNetOutflowPerPeriod: 100 })
  const list = [
    { name: 'bob', swarmKey: BOB, maxNetOutflowPerPeriod: 5 },
    { name: 'carol', swarmKey: CAROL }
  ]
  assert.equal(settingsForCounterparty(s, list, BOB).maxNetOutflowPerPeriod, 5)
  assert.equal(settingsForCounterparty(s, list, CAROL).maxNetOutflowPerPeriod, 100)
  assert.equal(settingsForCounterparty(s, list, undefined).maxNetOutflowPerPeriod, 100)
  assert.equal(settingsForCounterparty(settings(), list, CAROL).maxNetOutflowPerPeriod, undefined)
})

test('buildReport: configured counterparties too, names, the cap in use, the statement judged', () => {
  const records = [
    paid(1, 10_000, 'pending'),
    paid(1, 10_000),
    asked(3, 7_000),
    settled(3, 7_000),
    paid(6, 4_000, 'pending')
  ]
  const statements: Record<string, ReturnType<Parameters<typeof buildReport>[0]['statementOf']>> = {
    [BOB]: {
      shared: true,
      entries: [mirrored(entry(1, { at: NOON - HOUR + 1 })), mirrored(entry(9))],
      problems: [],
      length: 2
    },
    [CAROL]: { shared: false, entries: [], problems: [], length: 0 }
  }
  const report = buildReport({
    records,
    now: NOON,
    counterparties: [{ name: 'carol', swarmKey: CAROL, maxNetOutflowPerPeriod: 5 }],
    settingsFor: (cp) => settings(cp === CAROL ? { maxNetOutflowPerPeriod: 5 } : {}),
    statementOf: (cp) => statements[cp] as ReturnType<Parameters<typeof buildReport>[0]['statementOf']>,
    liveNodes: (cp) => (cp === BOB ? new Map([['03' + 'e'.repeat(64), 'C']]) : undefined)
  })
  assert.deepEqual(
    report.counterparties.map((c) => c.name ?? c.counterparty),
    [BOB, 'carol'],
    'unnamed by key, sorted'
  )
  const [bob, carol] = report.counterparties
  assert.deepEqual(bob?.total, {
    paidSats: 10_000,
    paidCount: 1,
    receivedSats: 7_000,
    receivedCount: 1,
    netSats: 3_000
  })
  assert.deepEqual(
    bob?.cap,
    { usedSats: 10_000 + 4_000 - 7_000, periodStart: NOON - 86_400_000 + 1, periodEnd: NOON + 1 },
    'in flight counts; no cap set'
  )
  assert.equal(bob?.connected, true)
  assert.deepEqual(
    bob?.nodes.map((n) => n.alias ?? n.publicKey.slice(0, 2)),
    ['03', 'C']
  )
  assert.deepEqual(
    bob?.statement.problems.map((p) => p.kind),
    ['unknown'],
    'entry 9 never happened; entry 1 agrees'
  )
  assert.equal(bob?.statement.agrees, false)
  assert.deepEqual(carol?.total.netSats, 0)
  assert.equal(carol?.cap.maxNetOutflowPerPeriod, 5)
  assert.deepEqual([carol?.connected, carol?.statement.shared, carol?.statement.agrees], [false, false, false])
})

test('buildReport: the cap in force is the one the payer applies on the channels with it, the lowest when they differ', () => {
  const records = [paid(1, 1_000, 'succeeded', BOB, '1x1x0'), paid(2, 2_000, 'succeeded', BOB, '2x1x0')]
  const capOn: Record<string, number | undefined> = { '1x1x0': 50_000, '2x1x0': 20_000 }
  const report = (caps: Record<string, number | undefined>): ReturnType<typeof buildReport> =>
    buildReport({
      records,
      now: NOON,
      counterparties: [],
      // The base settings (no side) have no cap: only idSettings per channel set one.
      settingsFor: (_cp, side) => {
        const cap = side === undefined ? undefined : caps[side.channelId]
        return settings(cap === undefined ? {} : { maxNetOutflowPerPeriod: cap })
      },
      statementOf: () => ({ shared: false, entries: [], problems: [], length: 0 }),
      liveNodes: () => undefined
    })
  const differ = report(capOn).counterparties[0]?.cap
  assert.equal(differ?.maxNetOutflowPerPeriod, 20_000, 'the lowest binds first')
  assert.deepEqual(differ?.byChannel, { '1x1x0': 50_000, '2x1x0': 20_000 })
  assert.equal(differ?.usedSats, 3_000)
  const same = report({ '1x1x0': 7_000, '2x1x0': 7_000 }).counterparties[0]?.cap
  assert.equal(same?.maxNetOutflowPerPeriod, 7_000, 'not the base (unset)')
  assert.equal(same?.byChannel, undefined)
  const oneUncapped = report({ '1x1x0': 9_000 }).counterparties[0]?.cap
  assert.deepEqual(oneUncapped?.byChannel, { '1x1x0': 9_000, '2x1x0': null })
})
