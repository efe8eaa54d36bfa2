import type { CounterpartyConfig, Settings } from '../config/types.js'
import type { TransactionRecord } from '../ledger/types.js'
import { periodWindow } from '../policy/limits.js'
import { latestByHash } from '../policy/history.js'
import { netUsage } from '../policy/net-cap.js'
import { computeAccounts, concludedPayments, type Account } from './compute.js'
import { compareStatement } from './compare.js'
import { counterpartyByHash } from '../policy/counterparty.js'
import { perLength } from '../policy/ledger-index.js'
import type { StatementEntry, StatementProblem } from './types.js'

export interface CounterpartyReport extends Account {
  name?: string
  /** Lightning nodes of this counterparty: the far ends of our payments with it, with the alias it proved them under when connected. */
  nodes: Array<{ publicKey: string; alias?: string }>
  connected: boolean
  cap: {
    /**
     * maxNetOutflowPerPeriod in force for it (unset: no cap): its own (config counterparties), else
     * the one of the channels we have with it (idSettings may differ per node or channel: then the
     * lowest, the one that stops payments first, and `byChannel` has each).
     */
    maxNetOutflowPerPeriod?: number
    /** Set only when its channels' caps differ: each channel's (null: no cap). */
    byChannel?: Record<string, number | null>
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
  /**
   * The settings the payer applies to a request from this counterparty over this side of a channel
   * (the channel's, with the counterparty's own maxNetOutflowPerPeriod when it has one); without a
   * side, the base settings with its own cap.
   */
  settingsFor: (counterparty: string, side?: LedgerSide) => Settings
  statementOf: (counterparty: string) => StatementView
  /** The nodes it proved on its live connection (key to alias); undefined when not connected. */
  liveNodes: (counterparty: string) => ReadonlyMap<string, string> | undefined
}

/**
 * The payments still open on our side (not judged against a statement yet) and the far-end nodes
 * of each counterparty's payments: whole-ledger passes, so computed once per ledger length.
 */
function reportFacts(records: readonly TransactionRecord[]): {
  open: ReadonlySet<string>
  nodesOf: ReadonlyMap<string, ReadonlySet<string>>
  sidesOf: ReadonlyMap<string, readonly LedgerSide[]>
} {
  const owner = counterpartyByHash(records)
  const open = new Set<string>()
  for (const role of ['payer', 'requester'] as const) {
    for (const [hash, r] of latestByHash(records, role))
      if (r.status === 'pending' || r.status === 'requested') open.add(hash)
  }
  const nodesOf = new Map<string, Set<string>>()
  const sides = new Map<string, Map<string, LedgerSide>>()
  for (const r of records) {
    const cp = r.paymentHash !== undefined ? owner.get(r.paymentHash.toLowerCase()) : undefined
    if (cp === undefined) continue
    const set = nodesOf.get(cp) ?? new Set<string>()
    set.add(r.remotePublicKey)
    nodesOf.set(cp, set)
    const mine = sides.get(cp) ?? new Map<string, LedgerSide>()
    mine.set(`${r.localPublicKey} ${r.channelId}`, { channelId: r.channelId, localPublicKey: r.localPublicKey })
    sides.set(cp, mine)
  }
  const sidesOf = new Map([...sides].map(([cp, m]) => [cp, [...m.values()]]))
  return { open, nodesOf, sidesOf }
}

/** One of our nodes on one channel. */
export interface LedgerSide {
  channelId: string
  localPublicKey: string
}

/**
 * The cap in force for a counterparty: over each side we have payments with it on, the settings
 * the payer would apply there; the lowest cap binds first (no cap is the highest). Its settings
 * also give the period the usage is counted in.
 */
function capInForce(
  cp: string,
  sides: readonly LedgerSide[],
  settingsFor: ReportInput['settingsFor']
): { settings: Settings; byChannel?: Record<string, number | null> } {
  if (sides.length === 0) return { settings: settingsFor(cp) }
  const all = sides.map((side) => ({ side, settings: settingsFor(cp, side) }))
  const capOf = (s: Settings): number => s.maxNetOutflowPerPeriod ?? Infinity
  const binding = all.reduce((a, b) => (capOf(b.settings) < capOf(a.settings) ? b : a))
  if (all.every((x) => capOf(x.settings) === capOf(binding.settings))) return { settings: binding.settings }
  const byChannel: Record<string, number | null> = {}
  for (const x of all) byChannel[x.side.channelId] = x.settings.maxNetOutflowPerPeriod ?? null
  return { settings: binding.settings, byChannel }
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
  const { open, nodesOf, sidesOf } = perLength(records, 'reportFacts', () => reportFacts(records))
  const counterparties = [...accounts.values()].map((a): CounterpartyReport => {
    const cp = a.counterparty
    const name = input.counterparties.find((c) => c.swarmKey === cp)?.name
    const { settings, byChannel } = capInForce(cp, sidesOf.get(cp) ?? [], input.settingsFor)
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
        ...(byChannel !== undefined ? { byChannel } : {}),
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
