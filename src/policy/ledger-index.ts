import { firstAtOrAfter } from '../ledger/sorted.js'
import type { TransactionRecord } from '../ledger/types.js'

type Role = TransactionRecord['role']

/** Statuses that mean we actually handed the payment to LND (not merely asked or refused). */
export const ATTEMPTED: ReadonlySet<TransactionRecord['status']> = new Set(['pending', 'succeeded', 'failed'])

/**
 * Entries that are a state of a payment for their role. For the payer only an attempt is: a
 * refusal (e.g. of a replayed invoice that was paid before) says nothing about that payment, and
 * letting it stand as its latest state would un-count a real payment from the period limits or
 * hide a pending one. Every requester entry is a state of its request.
 */
export function isPaymentState(r: TransactionRecord): boolean {
  return r.role === 'requester' || ATTEMPTED.has(r.status)
}

export interface StatusSums {
  count: number
  tokens: number
  fee: number
}

/** The payer's attempts on one side of one channel (see sideStates in history.ts). */
export interface SideIndex {
  /** Latest state per lower-cased hash, in order of each hash's first attempt. */
  readonly latest: Map<string, TransactionRecord>
  /** Attempts without a hash: each stands for itself. */
  readonly unlinked: TransactionRecord[]
  /** Newest `at` of any attempt on this side (max, not last: the clock may step back). */
  lastAttemptAt?: number
}

/**
 * One counterparty's payments as the net cap and the accounts window need them, kept so a question
 * about a period costs what is in the period, not every payment ever made with it.
 */
export interface CounterpartyFlows {
  /** Lower-cased hashes of our payments to it whose latest state is pending. */
  readonly pending: Set<string>
  /**
   * Each time a payment with it became succeeded, in ledger order. A later state may have replaced
   * it: only an entry whose record is still `latest[role]` of its hash counts.
   */
  readonly succeeded: Array<{ role: Role; hash: string; record: TransactionRecord }>
  /**
   * maxAt[i]: the newest `at` of succeeded[0..i]. It never decreases (`at` may: the clock can step
   * back), so a binary search on it finds where entries at or after a time can start.
   */
  readonly maxAt: number[]
}

export type SucceededState = CounterpartyFlows['succeeded'][number]

/**
 * The payments with `counterparty` whose current state is succeeded and stamped at or after
 * `start`, in ledger order of that state: a binary search and then only what lies after it.
 */
export function succeededFrom(index: LedgerIndex, counterparty: string, start: number): SucceededState[] {
  const f = index.flowsOf.get(counterparty)
  if (f === undefined) return []
  const out: SucceededState[] = []
  const seen = new Set<string>()
  for (let i = firstAtOrAfter(f.maxAt, start); i < f.succeeded.length; i++) {
    const s = f.succeeded[i] as SucceededState
    const key = `${s.role} ${s.hash}`
    // Replaced by a later state, or the same entry filed twice (an array holding one object twice).
    if (s.record.at < start || index.latest[s.role].get(s.hash) !== s.record || seen.has(key)) continue
    seen.add(key)
    out.push(s)
  }
  return out
}

/**
 * What the hot paths ask of the transaction ledger, kept up to date as entries are appended
 * instead of recomputed by a pass over the whole ledger per question (the ledger only grows: a
 * year of production is hundreds of thousands of entries). Every map is filled in ledger order,
 * the one order that says which state of a payment is the latest (see latestByHash).
 */
export class LedgerIndex {
  /** How many entries of the ledger array are in the index. */
  seen = 0
  /** Latest payment state per role and lower-cased hash (latestByHash). */
  readonly latest: Record<Role, Map<string, TransactionRecord>> = { payer: new Map(), requester: new Map() }
  /** Position of each hash in `latest[role]`'s order (a tie-breaker that keeps sorts as they were). */
  readonly order: Record<Role, Map<string, number>> = { payer: new Map(), requester: new Map() }
  /** The first payer attempt per lower-cased hash (priorAttempt). */
  readonly firstAttempt = new Map<string, TransactionRecord>()
  /** Counterparty per lower-cased hash: the first entry naming one (counterpartyByHash). */
  readonly counterparty = new Map<string, string>()
  /** Hashes per counterparty, in the order their counterparty became known. */
  readonly hashesOf = new Map<string, string[]>()
  /** The payer's attempts per side of a channel, keyed `localPublicKey channelId`. */
  readonly sides = new Map<string, SideIndex>()
  /** Payer refusals per reason (the summary's and /metrics' refusal counts). */
  readonly refusals = new Map<string, number>()
  /** Sums over the latest states per role and status: count, tokens and fees (the totals). */
  readonly byStatus: Record<Role, Map<TransactionRecord['status'], StatusSums>> = {
    payer: new Map(),
    requester: new Map()
  }
  /** Entries with status 'succeeded', in ledger order (the history's rebalances). */
  readonly succeeded: TransactionRecord[] = []
  /** Per counterparty: its payments in flight and its succeeded states (the net cap's window). */
  readonly flowsOf = new Map<string, CounterpartyFlows>()

  add(r: TransactionRecord): void {
    this.seen++
    const hash = r.paymentHash === undefined ? undefined : r.paymentHash.toLowerCase()
    if (r.status === 'succeeded') this.succeeded.push(r)
    if (r.role === 'payer' && r.status === 'refused' && r.reason)
      this.refusals.set(r.reason, (this.refusals.get(r.reason) ?? 0) + 1)
    let newOwner = false
    if (hash !== undefined && r.counterparty !== undefined && !this.counterparty.has(hash)) {
      newOwner = true
      this.counterparty.set(hash, r.counterparty)
      const list = this.hashesOf.get(r.counterparty) ?? []
      list.push(hash)
      this.hashesOf.set(r.counterparty, list)
    }
    const isState = hash !== undefined && hash !== '' && isPaymentState(r)
    if (isState) {
      const order = this.order[r.role]
      if (!order.has(hash)) order.set(hash, order.size)
      const prev = this.latest[r.role].get(hash)
      if (prev !== undefined) this.sum(prev, -1)
      this.sum(r, 1)
      this.latest[r.role].set(hash, r)
    }
    const owner = hash === undefined ? undefined : this.counterparty.get(hash)
    if (hash !== undefined && owner !== undefined && hash !== '') {
      // A hash whose counterparty just became known brings its current states along.
      if (newOwner) for (const role of ['payer', 'requester'] as const) this.track(owner, hash, role)
      else if (isState) this.track(owner, hash, r.role)
    }
    if (r.role !== 'payer' || !ATTEMPTED.has(r.status)) return
    if (hash !== undefined && !this.firstAttempt.has(hash)) this.firstAttempt.set(hash, r)
    const side = this.side(r.localPublicKey, r.channelId, true)
    if (side.lastAttemptAt === undefined || r.at > side.lastAttemptAt) side.lastAttemptAt = r.at
    if (r.paymentHash) side.latest.set(r.paymentHash.toLowerCase(), r)
    else side.unlinked.push(r)
  }

  /** Files the current state of (hash, role) under its counterparty's flows. */
  private track(owner: string, hash: string, role: Role): void {
    const r = this.latest[role].get(hash)
    if (r === undefined) return
    let f = this.flowsOf.get(owner)
    if (f === undefined) {
      f = { pending: new Set(), succeeded: [], maxAt: [] }
      this.flowsOf.set(owner, f)
    }
    if (role === 'payer') {
      if (r.status === 'pending') f.pending.add(hash)
      else f.pending.delete(hash)
    }
    if (r.status !== 'succeeded') return
    f.succeeded.push({ role, hash, record: r })
    f.maxAt.push(Math.max(r.at, f.maxAt[f.maxAt.length - 1] ?? -Infinity))
  }

  private sum(r: TransactionRecord, sign: 1 | -1): void {
    const sums = this.byStatus[r.role]
    const s = sums.get(r.status) ?? { count: 0, tokens: 0, fee: 0 }
    s.count += sign
    s.tokens += sign * r.tokens
    s.fee += sign * (r.fee ?? 0)
    sums.set(r.status, s)
  }

  side(localPublicKey: string, channelId: string, create: true): SideIndex
  side(localPublicKey: string, channelId: string): SideIndex | undefined
  side(localPublicKey: string, channelId: string, create = false): SideIndex | undefined {
    const k = `${localPublicKey} ${channelId}`
    let s = this.sides.get(k)
    if (s === undefined && create) {
      s = { latest: new Map(), unlinked: [] }
      this.sides.set(k, s)
    }
    return s
  }
}

const indexes = new WeakMap<readonly TransactionRecord[], LedgerIndex>()

/**
 * The index of a ledger array, brought up to date with the entries appended since the last call.
 * The audit log's array is append-only and lives as long as the log, so it is indexed once at
 * start and then one entry per append; any other array (a test's, a report's) is indexed on first
 * use. An array that got shorter was not appended to: it is indexed again from the start.
 */
export function indexOf(records: readonly TransactionRecord[]): LedgerIndex {
  let index = indexes.get(records)
  if (index === undefined || index.seen > records.length) {
    index = new LedgerIndex()
    indexes.set(records, index)
  }
  for (let i = index.seen; i < records.length; i++) index.add(records[i] as TransactionRecord)
  return index
}

const derived = new WeakMap<readonly TransactionRecord[], Map<string, { length: number; value: unknown }>>()

/**
 * `compute(records)` once per ledger length: for views of the whole ledger (totals, accounts)
 * read far more often than the ledger grows. The array is append-only, so its length says
 * whether anything changed. The value is shared between callers: they must not modify it.
 */
export function perLength<T>(records: readonly TransactionRecord[], name: string, compute: () => T): T {
  let cache = derived.get(records)
  if (cache === undefined) {
    cache = new Map()
    derived.set(records, cache)
  }
  const hit = cache.get(name)
  if (hit !== undefined && hit.length === records.length) return hit.value as T
  const value = compute()
  cache.set(name, { length: records.length, value })
  return value
}
