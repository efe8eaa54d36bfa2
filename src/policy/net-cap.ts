import type { Settings } from '../config/types.js'
import type { TransactionRecord } from '../ledger/types.js'
import { indexOf, succeededFrom } from './ledger-index.js'
import type { PeriodWindow } from './limits.js'
import { refuse, type PayRefusal } from './payer-types.js'

/** One payment between us and a counterparty: + we paid it, - it paid us. */
export interface NetFlow {
  at: number
  tokens: number
  /** A payment of ours still in flight: it counts until it ends, however old (it never leaves). */
  inFlight?: true
}

export interface NetUsage {
  /** Sats we paid the counterparty (succeeded or still in flight) within the window. */
  paid: number
  /** Sats it paid us (our invoice settled) within the window. */
  received: number
  /** paid - received. */
  net: number
  /** Every counted payment, oldest first (for a rolling window's retryAt). */
  flows: NetFlow[]
}

/**
 * What we paid one counterparty minus what it paid us within `window`, from our ledger only.
 * Paid: our payer attempts for it whose current state is pending or succeeded (a payment in flight
 * may still succeed, so it counts until known to have failed, whenever it started: a payee can hold
 * it for up to cltvLimit blocks, longer than the period). Received: our requests it paid, i.e. our
 * invoice settled ('succeeded'). A concluded payment counts at the time of its current state.
 */
export function netUsage(records: readonly TransactionRecord[], counterparty: string, window: PeriodWindow): NetUsage {
  const index = indexOf(records)
  // Only this counterparty's payments are looked at; sorted as a pass over the ledger would have
  // them: by time, then ours before theirs, then in ledger order of each payment's first state.
  const flows: Array<NetFlow & { rank: number }> = []
  const payerRank = index.order.payer.size
  const rank = (role: TransactionRecord['role'], hash: string): number =>
    role === 'payer' ? (index.order.payer.get(hash) ?? 0) : payerRank + (index.order.requester.get(hash) ?? 0)
  for (const hash of index.flowsOf.get(counterparty)?.pending ?? []) {
    const r = index.latest.payer.get(hash) as TransactionRecord
    flows.push({ at: r.at, tokens: r.tokens, inFlight: true, rank: rank('payer', hash) })
  }
  for (const { role, hash, record: r } of succeededFrom(index, counterparty, window.start)) {
    if (r.at < window.end)
      flows.push({ at: r.at, tokens: role === 'payer' ? r.tokens : -r.tokens, rank: rank(role, hash) })
  }
  flows.sort((x, y) => x.at - y.at || x.rank - y.rank)
  const paid = flows.reduce((s, f) => s + Math.max(0, f.tokens), 0)
  const received = flows.reduce((s, f) => s - Math.min(0, f.tokens), 0)
  return { paid, received, net: paid - received, flows: flows.map(({ rank: _r, ...f }) => f) }
}

/**
 * Would paying `tokens` more to this counterparty make our net outflow to it within the period
 * exceed `cap`? retryAt: fixed periods, the next period; rolling, the first moment the payments
 * leaving the window bring the net low enough (payments it made to us leave too, which raises the
 * net: the walk accounts for both). None when the payment alone is larger than the cap (only
 * payments from the counterparty can make room then).
 */
export function checkNetOutflow(
  usage: NetUsage,
  tokens: number,
  cap: number,
  settings: Settings,
  window: PeriodWindow
): PayRefusal | undefined {
  if (usage.net + tokens <= cap) return undefined
  let retryAt: number | undefined
  if (tokens <= cap) {
    if (!settings.useRollingLimitsPeriod) retryAt = window.end
    else {
      let net = usage.net
      for (const f of usage.flows) {
        if (f.inFlight) continue // leaves only when it ends, not with time
        net -= f.tokens
        if (net + tokens <= cap) {
          retryAt = f.at + settings.limitsPeriod
          break
        }
      }
    }
  }
  return refuse(
    'maxNetOutflowPerPeriod',
    `net paid to this counterparty in this period is ${usage.net} sats ` +
      `(${usage.paid} paid, ${usage.received} received); paying ${tokens} more would ` +
      `exceed maxNetOutflowPerPeriod of ${cap}`,
    retryAt
  )
}
