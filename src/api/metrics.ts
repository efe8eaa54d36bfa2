import type { Status } from './status.js'
import type { TransactionRecord } from '../ledger/types.js'
import type { RpcStats } from '../lightning/rpc-stats.js'
import { ledgerTotals } from './totals.js'
import type { PeerCounters } from './ports.js'

/**
 * Prometheus text exposition. Names and labels are part of the contract (dashboards and alerts are
 * built on them): add, never rename. The rebalance, sats, fee and refusal counters come from the
 * ledger, so they survive restarts; the peer, connection, RPC and notification ones count since this start.
 */
const esc = (v: string): string => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')
export const labels = (l: Record<string, string>): string =>
  `{${Object.entries(l)
    .map(([k, v]) => `${k}="${esc(v)}"`)
    .join(',')}}`

/** One notification target's delivery counters (src/notify). */
export interface NotificationStats {
  target: string
  sent: number
  failed: number
  dropped: number
  retries: number
}

export function renderMetrics(
  status: Status,
  transactions: readonly TransactionRecord[],
  rpc: RpcStats,
  peers?: PeerCounters,
  notifications: ReadonlyArray<NotificationStats> = []
): string {
  const out: string[] = []
  const metric = (name: string, type: string, help: string, samples: Array<[Record<string, string>, number]>): void => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`)
    for (const [l, v] of samples)
      out.push(`${name}${Object.keys(l).length ? labels(l) : ''} ${Number.isFinite(v) ? v : 0}`)
  }
  metric(
    'tightrope_channel_local_share',
    'gauge',
    "Local share of a watched channel, local/(local+remote), from this node's side.",
    status.channels.map((c) => [{ channel: c.channelId, node: c.node }, c.share])
  )
  metric(
    'tightrope_channel_in_deadzone',
    'gauge',
    '1 when the channel side is inside balancePoint ± deadzone.',
    status.channels.map((c) => [
      { channel: c.channelId, node: c.node },
      c.share >= c.low - 1e-9 && c.share <= c.high + 1e-9 ? 1 : 0
    ])
  )
  const totals = ledgerTotals(transactions)
  metric(
    'tightrope_rebalances_total',
    'counter',
    'Rebalance requests this instance made, by final outcome.',
    Object.entries(totals.rebalances).map(([o, n]) => [{ outcome: o }, n])
  )
  metric(
    'tightrope_moved_sats_total',
    'counter',
    'Satoshis moved by rebalances: paid by our nodes, or received by them.',
    [
      [{ direction: 'paid' }, totals.paidSats],
      [{ direction: 'received' }, totals.receivedSats]
    ]
  )
  metric(
    'tightrope_fees_paid_sats_total',
    'counter',
    'Routing fees paid by rebalancing payments (always 0 by design).',
    [[{}, totals.feesPaidSats]]
  )
  metric(
    'tightrope_refusals_total',
    'counter',
    'Payment requests this instance refused, by reason.',
    Object.entries(totals.refusals).map(([reason, n]) => [{ reason }, n])
  )
  metric('tightrope_peers', 'gauge', 'Authenticated peer instances connected now.', [[{}, status.peers.length]])
  if (peers) {
    metric(
      'tightrope_peer_requests_refused_total',
      'counter',
      'Peer requests refused before any payment decision (no RPC, no ledger entry), by reason.',
      [...peers.earlyRefusals].map(([reason, n]) => [{ reason }, n])
    )
    metric('tightrope_unauthenticated_connections', 'gauge', 'Connections that have not proven membership yet.', [
      [{}, peers.unauthenticated]
    ])
    metric(
      'tightrope_unauthenticated_connections_closed_total',
      'counter',
      'Connections closed before they proved membership, by reason.',
      [...peers.strangersGone].map(([reason, n]) => [{ reason }, n])
    )
  }
  metric(
    'tightrope_node_connected',
    'gauge',
    '1 while the Lightning node answers.',
    status.nodes.map((n) => [{ node: n.alias }, n.connected ? 1 : 0])
  )
  const stats = [...rpc.byKey.values()]
  metric(
    'tightrope_lnd_rpc_seconds_sum',
    'counter',
    'Total time spent in node calls (LND gRPC, CLN clnrest).',
    stats.map((s) => [{ node: s.node, method: s.method }, s.seconds])
  )
  metric(
    'tightrope_lnd_rpc_calls_total',
    'counter',
    'Node calls made (LND gRPC, CLN clnrest).',
    stats.map((s) => [{ node: s.node, method: s.method }, s.count])
  )
  metric(
    'tightrope_lnd_rpc_errors_total',
    'counter',
    'Node calls that failed (LND gRPC, CLN clnrest).',
    stats.map((s) => [{ node: s.node, method: s.method }, s.errors])
  )
  metric(
    'tightrope_notifications_total',
    'counter',
    'Notifications per target since start, by outcome (sent, failed after every retry, dropped from a full queue).',
    notifications.flatMap((n) =>
      (['sent', 'failed', 'dropped'] as const).map((o): [Record<string, string>, number] => [
        { target: n.target, outcome: o },
        n[o]
      ])
    )
  )
  metric(
    'tightrope_notification_retries_total',
    'counter',
    'Notification deliveries retried since start.',
    notifications.map((n) => [{ target: n.target }, n.retries])
  )
  return out.join('\n') + '\n'
}
