import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Settings } from '../../src/config/types.js'
import { AuditLog } from '../../src/ledger/audit-log.js'
import { Daemon } from '../../src/daemon/daemon.js'
import { lightningNodeEntry } from '../../src/demo/node-entry.js'
import type { SimCluster } from '../../src/sim/cluster.js'
import type { TightropeEvent } from '../../src/core/events.js'
import type { PaymentTruth } from '../../src/sim/model/network.js'

export const BASE_SETTINGS: Settings = {
  maxTransactionSize: 1_000_000,
  minTimeBetweenPayments: 0,
  limitsPeriod: 4 * 3600_000,
  useRollingLimitsPeriod: true,
  maxTransactionsPerPeriod: 20,
  maxAmountPerPeriod: 100_000_000,
  balancePoint: 0.5,
  deadzone: 0.1,
  refreshRate: 1000,
  paymentTimeout: 60_000,
  cltvLimit: 144,
  maxRetryWait: 4 * 3600_000
}

export async function tempDir(prefix = 'tightrope-'): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix))
  return { path, remove: () => rm(path, { recursive: true, force: true }) }
}

export interface TestDaemon {
  daemon: Daemon
  /** Every event, structured (what the terminal would show, before formatting). */
  events: TightropeEvent[]
}

/** A daemon for some of the simulator's nodes, with its ledger in `storage`. */
export async function startDaemon(
  cluster: SimCluster,
  aliases: string[],
  storage: string,
  settings: Partial<Settings> = {},
  opts: { dryRun?: boolean } = {}
): Promise<TestDaemon> {
  const ledger = await AuditLog.open({
    storagePath: storage,
    eventLogName: 'event-log',
    transactionLogName: 'transaction-log',
    shouldMask: []
  })
  const events: TightropeEvent[] = []
  const resolved = { ...BASE_SETTINGS, ...settings }
  const daemon = await Daemon.start({
    nodes: aliases.map((a) => lightningNodeEntry(cluster.nodeConnection(a))),
    ledger,
    settingsFor: () => resolved,
    refreshRateMs: resolved.refreshRate,
    ...(opts.dryRun ? { dryRun: true } : {}),
    log: (event) => {
      events.push(event)
    }
  })
  await daemon.settled() // each node connected (or failed once): tests act on a running daemon
  return { daemon, events }
}

/** The local share of a channel from `alias`'s side, by the simulator's ground truth. */
export function shareOf(cluster: SimCluster, a: string, b: string): number {
  const ch = cluster.channelBetween(a, b)
  if (!ch) throw new Error(`no channel ${a}-${b}`)
  const [mine, theirs] = ch.from === a ? [ch.fromBalance, ch.toBalance] : [ch.toBalance, ch.fromBalance]
  return mine / (mine + theirs)
}

/** Moves `tokens` from a to b over their direct channel only (no other path), as traffic would. */
export async function push(cluster: SimCluster, from: string, to: string, tokens: number): Promise<PaymentTruth> {
  const truth = await cluster.pay({ from, to, tokens })
  if (truth.status !== 'SUCCEEDED') throw new Error(`push ${from}->${to} ${tokens} failed: ${truth.failureReason}`)
  return truth
}
