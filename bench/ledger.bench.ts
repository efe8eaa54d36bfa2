import type { TransactionRecord } from '../src/ledger/types.js'
import { checkPayRequest } from '../src/policy/payer-checks.js'
import { ledgerTotals } from '../src/api/totals.js'
import { computeAccounts } from '../src/accounts/compute.js'
import { netUsage } from '../src/policy/net-cap.js'
import { AuditLog } from '../src/ledger/audit-log.js'
import { QUICK, removeTemps, seeded, temp } from './common.js'
import { printTable, report } from './report.js'

/**
 * What the hot paths cost as the transaction ledger grows (it only grows: a year of production is
 * hundreds of thousands of entries). Per ledger size: one pay request's checks (every check passes,
 * so all of them run), the totals behind /api/summary and /metrics, the accounts the accounts
 * tick computes every 2 s, the accounts of the last week (/api/accounts?since=) and the net cap's
 * usage of one counterparty over a day; each asked right after one more entry was appended, as in production,
 * so no answer is simply remembered. Pure computation on a synthetic ledger: no simulator. Then
 * /api/events?type= on a real event log in a temp dir of as many events.
 */
const SIZES = QUICK ? [1_000, 10_000] : [1_000, 10_000, 50_000]
const ROUNDS = QUICK ? 50 : 200
const DAY = 86_400_000
const NOW = Date.UTC(2026, 0, 1)
const ME = '02' + 'a'.repeat(64)
const CHANNELS = Array.from({ length: 40 }, (_, i) => `${700_000 + i}x1x0`)
const PEERS = ['b', 'c', 'd'].map((c) => c.repeat(64))
const hash = (n: number): string => n.toString(16).padStart(64, '0')

/**
 * A year of one instance's ledger, oldest first: a rebalance is a requester's request and its
 * conclusion or a payer's pending and succeeded; one request in four is refused (a busy payer, a
 * limit), as the payer records each refusal.
 */
function ledger(size: number): TransactionRecord[] {
  const random = seeded(size)
  const out: TransactionRecord[] = []
  let n = 0
  while (out.length < size) {
    const at = NOW - 365 * DAY + Math.floor((out.length / size) * 365 * DAY)
    const channelId = CHANNELS[Math.floor(random() * CHANNELS.length)] as string
    const counterparty = random() < 0.5 ? PEERS[Math.floor(random() * PEERS.length)] : undefined
    const base = { kind: 'transaction' as const, channelId, localPublicKey: ME, tokens: 10_000 + n }
    const paymentHash = hash(++n)
    const c = counterparty === undefined ? {} : { counterparty }
    const kind = random()
    if (kind < 0.25) {
      out.push({
        ...base,
        ...c,
        at,
        role: 'payer',
        status: 'refused',
        reason: 'busy',
        paymentHash,
        remotePublicKey: '03'
      })
    } else if (kind < 0.6) {
      out.push({ ...base, ...c, at, role: 'payer', status: 'pending', paymentHash, remotePublicKey: '03', fee: 0 })
      out.push({
        ...base,
        ...c,
        at: at + 1,
        role: 'payer',
        status: 'succeeded',
        paymentHash,
        remotePublicKey: '03',
        fee: 0
      })
    } else {
      out.push({ ...base, ...c, at, role: 'requester', status: 'requested', paymentHash, remotePublicKey: '03' })
      out.push({ ...base, at: at + 1, role: 'requester', status: 'succeeded', paymentHash, remotePublicKey: '03' })
    }
  }
  return out.slice(0, size)
}

/**
 * Mean ms per call of `ask`, each call after one more entry is appended to `records`; `untimed`
 * runs after the append and before the call (what the daemon did meanwhile: the accounts tick).
 */
function perCall(records: TransactionRecord[], ask: () => unknown, untimed?: () => unknown): number {
  const filler = records[records.length - 1] as TransactionRecord
  ask() // the first question indexes the ledger (at start, in the daemon): not what is measured
  let total = 0
  for (let i = 0; i < ROUNDS; i++) {
    records.push({ ...filler, status: 'refused', reason: 'busy', paymentHash: hash(1e9 + i) })
    untimed?.()
    const started = performance.now()
    ask()
    total += performance.now() - started
  }
  return total / ROUNDS
}

function payRequest(records: readonly TransactionRecord[]): Parameters<typeof checkPayRequest>[0] {
  const channel = CHANNELS[0] as string
  return {
    invoice: {
      destination: '03' + 'e'.repeat(64),
      paymentHash: 'f'.repeat(64),
      tokens: 10_000,
      expiresAt: NOW + DAY,
      network: 'regtest',
      cltvDelta: 18
    },
    requestedTokens: 10_000,
    channel: {
      id: channel,
      localPublicKey: ME,
      remotePublicKey: '03' + 'e'.repeat(64),
      capacity: 10_000_000,
      localBalance: 8_000_000,
      remoteBalance: 2_000_000,
      localReserve: 10_000,
      remoteReserve: 10_000,
      incomingHtlcTokens: 0,
      outgoingHtlcTokens: 0,
      isActive: true
    },
    settings: {
      maxTransactionSize: 1_000_000,
      minTimeBetweenPayments: 0,
      limitsPeriod: DAY,
      useRollingLimitsPeriod: true,
      maxTransactionsPerPeriod: 1_000_000,
      maxAmountPerPeriod: 1e15,
      balancePoint: 0.5,
      deadzone: 0.1,
      refreshRate: 10_000,
      paymentTimeout: 60_000,
      cltvLimit: 144,
      maxRetryWait: 3_600_000,
      maxNetOutflowPerPeriod: 1e15
    },
    records,
    now: NOW,
    network: 'regtest',
    counterparty: PEERS[0] as string
  }
}

for (const size of SIZES) {
  const records = ledger(size)
  const params = { entries: size, rounds: ROUNDS }
  const check = perCall(records, () => {
    const result = checkPayRequest(payRequest(records))
    if (!result.ok) throw new Error(`bench request refused: ${result.reason} ${result.detail}`)
  })
  report({ name: 'ledger.payRequestChecks', value: check, unit: 'ms/request', params })
  report({ name: 'ledger.summary', value: perCall(records, () => ledgerTotals(records)), unit: 'ms/call', params })
  report({ name: 'ledger.accounts', value: perCall(records, () => computeAccounts(records)), unit: 'ms/call', params })
  // The last week of a year: `/api/accounts?since=`, after the accounts tick saw the new entry.
  const week = NOW - 7 * DAY
  const since = perCall(
    records,
    () => computeAccounts(records, week),
    () => computeAccounts(records)
  )
  report({ name: 'ledger.accountsSince', value: since, unit: 'ms/call', params })
  const window = { start: NOW - DAY, end: NOW + 1 }
  const net = perCall(records, () => netUsage(records, PEERS[0] as string, window))
  report({ name: 'ledger.netCap', value: net, unit: 'ms/call', params })
}

/**
 * `/api/events?type=` (a page of 100 of one type, no `since`) on a real event log on disk of
 * `size` events of four types, each query after one more event was appended.
 */
async function eventsByType(size: number): Promise<number> {
  const log = await AuditLog.open({ storagePath: await temp() })
  try {
    const types = ['decision', 'payment', 'peer', 'node']
    for (let i = 0; i < size; i++) await log.appendEvent(types[i % 4] as string, { at: NOW - DAY + i })
    await log.events({ type: 'payment', limit: 100 }) // the first one indexes the log: not measured
    const rounds = QUICK ? 5 : 20
    let total = 0
    for (let i = 0; i < rounds; i++) {
      await log.appendEvent('payment', { at: NOW + i })
      const started = performance.now()
      const page = await log.events({ type: 'payment', offset: 10, limit: 100 })
      total += performance.now() - started
      if (page.entries.length !== 100) throw new Error(`bench events page has ${page.entries.length} entries`)
    }
    return total / rounds
  } finally {
    await log.close()
  }
}

for (const size of SIZES) {
  const value = await eventsByType(size)
  report({ name: 'ledger.eventsByType', value, unit: 'ms/query', params: { events: size } })
}
await removeTemps()
printTable()
