import type { Settings } from '../config/types.js'
import type { TightropeEvent } from '../core/events.js'
import type { AuditLog } from '../ledger/audit-log.js'
import type { NodeStatus } from '../lightning/node-status.js'
import type { RpcStats } from '../lightning/rpc-stats.js'

/**
 * What the API reads, and nothing more: the composition root (src/app) hands it the daemon and
 * the swarm, which satisfy these shapes, so the API knows neither's internals.
 */

/** One watched channel side, as the status shows it. */
export interface SideView {
  channelId: string
  localAlias: string
  remotePublicKey: string
  share: number
  settings: Settings
  decision: { action: string; reason: string; detail: string; until?: number }
  inFlight?: { paymentHash: string; tokens: number }
  lastAttemptAt?: number
}

/** The daemon as the API sees it: live state, no RPC, no disk. */
export interface StatusSource {
  readonly startedAt: number
  readonly dryRun: boolean
  /** Our nodes that are part of the instance now. */
  readonly nodes: ReadonlyMap<string, { identity: { publicKey: string; alias: string } }>
  nodeStatuses(): NodeStatus[]
  channelSides(): Iterable<SideView>
  readonly rpcStats: RpcStats
  /** Every event as it happens ('event'), for the live stream. */
  readonly events: {
    on(name: 'event', listener: (event: TightropeEvent) => void): unknown
    off(name: 'event', listener: (event: TightropeEvent) => void): unknown
  }
}

/** What the metrics show about peers (counters since start). */
export interface PeerCounters {
  earlyRefusals: ReadonlyMap<string, number>
  strangersGone: ReadonlyMap<string, number>
  unauthenticated: number
}

/** The swarm as the API sees it. */
export interface PeerSource {
  readonly publicKey: string
  readonly peers: Iterable<{
    authenticated: boolean
    closed: boolean
    remoteKey: string
    provenNodes: ReadonlyMap<string, string>
  }>
  readonly counters: PeerCounters
}

/** The audit ledger's read side, for /api/events, /api/transactions and the metrics. */
export type LedgerReader = Pick<AuditLog, 'events' | 'transactions' | 'allTransactions' | 'isOpen'>
