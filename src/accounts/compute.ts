import type { TransactionRecord } from '../ledger/types.js'
import { latestByHash } from '../policy/history.js'
import { counterpartyByHash } from '../policy/counterparty.js'
import { indexOf, perLength, succeededFrom } from '../policy/ledger-index.js'
import type { Flows, StatementEntry } from './types.js'

const emptyFlows = (): Flows => ({ paidSats: 0, paidCount: 0, receivedSats: 0, receivedCount: 0, netSats: 0 })

function add(f: Flows, e: Pick<StatementEntry, 'direction' | 'tokens'>): void {
  if (e.direction === 'paid') {
    f.paidSats += e.tokens
    f.paidCount++
  } else {
    f.receivedSats += e.tokens
    f.receivedCount++
  }
  f.netSats = f.paidSats - f.receivedSats
}

/**
 * Every concluded cross-operator payment in our ledger, per counterparty, as statement entries
 * from our side, in ledger order of their conclusion. Payer: our payment's current state
 * succeeded or failed. Requester: our invoice settled (succeeded), or the request ended otherwise
 * after the counterparty was asked (failed, expired). Refusals and payments in flight are not in it.
 */
export function concludedPayments(records: readonly TransactionRecord[]): ReadonlyMap<string, StatementEntry[]> {
  // Once per ledger length: the accounts tick asks every 2 s, the ledger grows far more slowly.
  return perLength(records, 'concludedPayments', () => computeConcluded(records))
}

function computeConcluded(records: readonly TransactionRecord[]): Map<string, StatementEntry[]> {
  const owner = counterpartyByHash(records)
  const out = new Map<string, Array<StatementEntry & { order: number }>>()
  const order = new Map<TransactionRecord, number>()
  records.forEach((r, i) => order.set(r, i))
  const push = (
    key: string,
    r: TransactionRecord,
    direction: StatementEntry['direction'],
    outcome: StatementEntry['outcome']
  ): void => {
    const list = out.get(key) ?? []
    list.push({
      paymentHash: (r.paymentHash as string).toLowerCase(),
      channelId: r.channelId,
      tokens: r.tokens,
      direction,
      at: r.at,
      outcome,
      order: order.get(r) ?? 0
    })
    out.set(key, list)
  }
  for (const [hash, r] of latestByHash(records, 'payer')) {
    const key = owner.get(hash)
    if (key === undefined) continue
    if (r.status === 'succeeded' || r.status === 'failed') push(key, r, 'paid', r.status)
  }
  for (const [hash, r] of latestByHash(records, 'requester')) {
    const key = owner.get(hash)
    if (key === undefined) continue
    if (r.status === 'succeeded') push(key, r, 'received', 'succeeded')
    else if (r.status === 'failed' || r.status === 'expired') push(key, r, 'received', 'failed')
  }
  return new Map(
    [...out].map(([k, list]) => [k, list.sort((a, b) => a.order - b.order).map(({ order: _o, ...e }) => e)])
  )
}

export interface Account {
  counterparty: string
  /** Over the whole span asked for. */
  total: Flows
  /** Per channel, by channel id. */
  channels: Record<string, Flows>
  /** Payments with it we started that have no outcome yet (ours paying it). */
  inFlightSats: number
}

/**
 * The accounts with each counterparty from our own ledger only: succeeded payments, paid and
 * received, total and per channel, those concluded at or after `since` (ms; all when undefined).
 */
export function computeAccounts(records: readonly TransactionRecord[], since?: number): Map<string, Account> {
  // The whole span is asked for on every accounts tick: computed once per ledger length, and each
  // caller gets its own copy (the report adds the configured counterparties to it).
  const all = perLength(records, 'accounts', () => allAccounts(records))
  if (since !== undefined) return accountsSince(records, all, since)
  return new Map([...all].map(([k, a]) => [k, structuredClone(a)]))
}

function allAccounts(records: readonly TransactionRecord[]): Map<string, Account> {
  const out = new Map<string, Account>()
  const accountOf = (key: string): Account => {
    let a = out.get(key)
    if (a === undefined) {
      a = { counterparty: key, total: emptyFlows(), channels: {}, inFlightSats: 0 }
      out.set(key, a)
    }
    return a
  }
  for (const [key, entries] of concludedPayments(records)) {
    const a = accountOf(key)
    for (const e of entries) {
      if (e.outcome !== 'succeeded') continue
      add(a.total, e)
      add((a.channels[e.channelId] ??= emptyFlows()), e)
    }
  }
  const owner = counterpartyByHash(records)
  for (const [hash, r] of latestByHash(records, 'payer')) {
    const key = owner.get(hash)
    if (key !== undefined && r.status === 'pending') accountOf(key).inFlightSats += r.tokens
  }
  return out
}

/**
 * The same counterparties as the whole span (and the same payments in flight, which have no
 * conclusion time), with only the payments that succeeded at or after `since`: found per
 * counterparty by the ledger index's binary search, so a recent window costs what is in it.
 */
function accountsSince(
  records: readonly TransactionRecord[],
  all: ReadonlyMap<string, Account>,
  since: number
): Map<string, Account> {
  const index = indexOf(records)
  const out = new Map<string, Account>()
  for (const [key, whole] of all) {
    const a: Account = { counterparty: key, total: emptyFlows(), channels: {}, inFlightSats: whole.inFlightSats }
    for (const { role, record: r } of succeededFrom(index, key, since)) {
      const e = { direction: role === 'payer' ? 'paid' : 'received', tokens: r.tokens } as const
      add(a.total, e)
      add((a.channels[r.channelId] ??= emptyFlows()), e)
    }
    out.set(key, a)
  }
  return out
}
