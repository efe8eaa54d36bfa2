import type { PeerSource, StatusSource } from './ports.js'
import type { NodeState } from '../lightning/node-status.js'

/** One configured node, whether or not it ever answered. */
export interface NodeEntry {
  /** The node's alias once it answered; until then its endpoint. */
  alias: string
  publicKey?: string
  /** LND's "host:port" or clnrest's URL. */
  endpoint: string
  /** LND's "host:port" (LND nodes only). */
  socket?: string
  state: NodeState
  /** When it entered this state (ISO 8601). */
  since: string
  /** The last connection error (names the endpoint, never the credentials). */
  error?: string
  connected: boolean
}

export interface ChannelStatus {
  channelId: string
  node: string
  partner: string
  partnerAlias?: string
  share: number
  balancePoint: number
  deadzone: number
  low: number
  high: number
  settings: Record<string, unknown>
  /** The next action and why, in words an operator reads ("waiting: minTimeBetweenPayments until 12:04:10"). */
  next: { action: string; reason: string; detail: string; until?: string }
  inFlight?: { paymentHash: string; tokens: number }
  lastAttemptAt?: string
}

export interface Status {
  instance: { startedAt: string; uptimeSeconds: number; dryRun: boolean; swarmKey?: string }
  nodes: NodeEntry[]
  peers: Array<{ key: string; nodes: Array<{ alias: string; publicKey: string }> }>
  channels: ChannelStatus[]
}

const iso = (ms: number): string => new Date(ms).toISOString()

/** What the daemon is doing and why, from its live state (no RPC, no disk). */
export function buildStatus(daemon: StatusSource, swarm?: PeerSource): Status {
  const aliasOf = new Map<string, string>()
  for (const n of daemon.nodes.values()) aliasOf.set(n.identity.publicKey, n.identity.alias)
  const peers = [...(swarm?.peers ?? [])]
    .filter((p) => p.authenticated && !p.closed)
    .map((p) => {
      for (const [pub, alias] of p.provenNodes) aliasOf.set(pub, alias)
      return { key: p.remoteKey, nodes: [...p.provenNodes].map(([publicKey, alias]) => ({ alias, publicKey })) }
    })
  const channels = [...daemon.channelSides()]
    .map((side): ChannelStatus => {
      const d = side.decision
      const until = 'until' in d && typeof d.until === 'number' ? d.until : undefined
      const partnerAlias = aliasOf.get(side.remotePublicKey)
      return {
        channelId: side.channelId,
        node: side.localAlias,
        partner: side.remotePublicKey,
        ...(partnerAlias ? { partnerAlias } : {}),
        share: side.share,
        balancePoint: side.settings.balancePoint,
        deadzone: side.settings.deadzone,
        low: side.settings.balancePoint - side.settings.deadzone,
        high: side.settings.balancePoint + side.settings.deadzone,
        settings: { ...side.settings },
        next: {
          action: d.action,
          reason: d.reason,
          detail:
            d.action === 'wait' && until !== undefined
              ? `waiting: ${d.reason} until ${iso(until).slice(11, 19)} (${d.detail})`
              : d.detail,
          ...(until !== undefined ? { until: iso(until) } : {})
        },
        ...(side.inFlight && side.inFlight.paymentHash
          ? { inFlight: { paymentHash: side.inFlight.paymentHash, tokens: side.inFlight.tokens } }
          : {}),
        ...(side.lastAttemptAt ? { lastAttemptAt: iso(side.lastAttemptAt) } : {})
      }
    })
    .sort((a, b) => a.channelId.localeCompare(b.channelId) || a.node.localeCompare(b.node))
  return {
    instance: {
      startedAt: iso(daemon.startedAt),
      uptimeSeconds: Math.round((Date.now() - daemon.startedAt) / 1000),
      dryRun: daemon.dryRun,
      ...(swarm ? { swarmKey: swarm.publicKey } : {})
    },
    nodes: daemon.nodeStatuses().map((n): NodeEntry => ({
      alias: n.alias ?? n.endpoint,
      ...(n.publicKey ? { publicKey: n.publicKey } : {}),
      endpoint: n.endpoint,
      ...(n.socket !== undefined ? { socket: n.socket } : {}),
      state: n.state,
      since: iso(n.since),
      ...(n.error !== undefined && n.state !== 'connected' ? { error: n.error } : {}),
      connected: n.state === 'connected'
    })),
    peers,
    channels
  }
}
