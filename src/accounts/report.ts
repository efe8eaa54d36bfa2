import type { CounterpartyConfig, Settings } from '../config/types.js'
import type { TransactionRecord } from '../ledger/types.js'
import { periodWindow } from '../policy/limits.js'
import { latestByHash } from '../policy/history.js'
import { netUsage } from '../policy/net-cap.js'
import { computeAccounts, concludedPayments, type Account } from './compute.js'
import { compareStatement } from './compare.js'
import { counterpartyByHash } from '../policy/counterparty.js'
import type { StatementEntry, StatementProblem } from './types.js'

export interface CounterpartyReport extends Account {
  name?: string
  /** Lightning nodes of this counterparty: the far ends of our payments with it, with the alias it proved them under when connected. */
  nodes: Array<{ publicKey: string; alias?: string }>
  connected: boolean
  cap: {
    /** maxNetOutflowPerPeriod in force for it (unset: no cap). */
    maxNetOutflowPerPeriod?: number
    /** Net paid to it in the current limitsPeriod, payments in flight included. */
    usedSats: number
    periodStart: number
    periodEnd: number
  }
  statement: {
    /** It shared its statement with us. */
    shared: boolean
    entries: number
    syncedAt?: number
    /** Shared, read, and no problem. */
    agrees: boolean
    problems: StatementProblem[]
  }
}

export interface AccountsReport {
  since?: number
  generatedAt: number
  counterparties: CounterpartyReport[]
}

/** A counterparty's statement as we hold it (StatementBook.statement). */
export interface StatementView {
  shared: boolean
  entries: readonly StatementEntry[]
  problems: StatementProblem[]
  syncedAt?: number
  length: number
}

export interface ReportInput {
  records: readonly TransactionRecord[]
  since?: number
  now: number
  counterparties: readonly CounterpartyConfig[]
  /** Settings for a counterparty's cap (baseSettings with its own maxNetOutflowPerPeriod). */
  settingsFor: (counterparty: string) => Settings
  statementOf: (counterparty: string) => StatementView
  /** The nodes it proved on its live connection (key to alias); undefined when not connected. */
  liveNodes: (counterparty: string) => ReadonlyMap<string, string> | undefined
}

const noFlows = { paidSats: 0, paidCount: 0, receivedSats: 0, receivedCount: 0, netSats: 0 }

/**
 * The accounts with every counterparty (those in our ledger and those configured), from our
 * ledger only; the cap in force and its use now; and what its statement says against our ledger.
 */
export function buildReport(input: ReportInput): AccountsReport {
  const { records, now } = input
  const accounts = computeAccounts(records, input.since)
  for (const c of input.counterparties)
    if (!accounts.has(c.swarmKey))
      accounts.set(c.swarmKey, { counterparty: c.swarmKey, total: { ...noFlows }, channels: {}, inFlightSats: 0 })
  const concluded = concludedPayments(records)
  const owner = counterpartyByHash(records)
  // Payments still open on our side are not judged against a statement yet.
  const open = new Set<string>()
  for (const role of ['payer', 'requester'] as const) {
    for (const [hash, r] of latestByHash(records, role))
      if (r.status === 'pending' || r.status === 'requested') open.add(hash)
  }
  const nodesOf = new Map<string, Set<string>>()
  for (const r of records) {
    const cp = r.paymentHash !== undefined ? owner.get(r.paymentHash.toLowerCase()) : undefined
    if (cp === undefined) continue
    const set = nodesOf.get(cp) ?? new Set<string>()
    set.add(r.remotePublicKey)
    nodesOf.set(cp, set)
  }
  const counterparties = [...accounts.values()].map((a): CounterpartyReport => {
    const cp = a.counterparty
    const name = input.counterparties.find((c) => c.swarmKey === cp)?.name
    const settings = input.settingsFor(cp)
    const window = periodWindow(settings, now)
    const st = input.statementOf(cp)
    const problems = [
      ...st.problems,
      ...(st.shared
        ? compareStatement({
            ours: concluded.get(cp) ?? [],
            open,
            theirs: st.entries,
            ...(st.syncedAt !== undefined ? { syncedAt: st.syncedAt } : {})
          })
        : [])
    ]
    const live = input.liveNodes(cp)
    const nodes = [...new Set([...(nodesOf.get(cp) ?? []), ...(live?.keys() ?? [])])]
    return {
      ...a,
      ...(name !== undefined ? { name } : {}),
      nodes: nodes.map((publicKey) => {
        const alias = live?.get(publicKey)
        return alias !== undefined ? { publicKey, alias } : { publicKey }
      }),
      connected: live !== undefined,
      cap: {
        ...(settings.maxNetOutflowPerPeriod !== undefined
          ? { maxNetOutflowPerPeriod: settings.maxNetOutflowPerPeriod }
          : {}),
        usedSats: netUsage(records, cp, window).net,
        periodStart: window.start,
        periodEnd: window.end
      },
      statement: {
        shared: st.shared,
        entries: st.length,
        ...(st.syncedAt !== undefined ? { syncedAt: st.syncedAt } : {}),
        agrees: st.shared && problems.length === 0,
        problems
      }
    }
  })
  counterparties.sort((x, y) => (x.name ?? x.counterparty).localeCompare(y.name ?? y.counterparty))
  return { ...(input.since !== undefined ? { since: input.since } : {}), generatedAt: now, counterparties }
}
