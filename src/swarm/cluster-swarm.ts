import Hyperswarm, { type PeerDiscovery, type SwarmConnection } from 'hyperswarm'
import HyperDHT from 'hyperdht'
import { swarmKeys, type SwarmKeys } from './keys.js'
import { loadSwarmKeyPair } from './key-pair.js'
import { PeerConnection } from './peer-connection.js'
import { toPaymentResult, type PayInvoice, type PaymentResult } from './messages.js'
import { DEFAULT_BUDGET, RequestBudget, type BudgetLimits } from './budget.js'
import { Tally } from './tally.js'
import { DEFAULT_SESSION_LIMITS, SessionRate, type SessionLimits } from './session-rate.js'
import type { SwarmHost } from './host.js'
import { refused, type PayerLink, type PayResponse } from '../core/payment.js'
import type { InvoiceFacts } from '../lightning/decode-invoice.js'
import { hostOf, isLoopbackHost } from '../config/host-port.js'
import type { AccountsService } from '../accounts/service.js'

export interface ClusterSwarmOptions {
  secret: string
  /** host:port of a private DHT's bootstrap nodes; the public DHT when empty. */
  bootstrap: string[]
  keyFile: string
  host: SwarmHost
  agent?: string
  /** Tests shorten these; the defaults are the protocol's. */
  authTimeoutMs?: number
  requestTimeoutMs?: number
  budget?: BudgetLimits
  sessions?: SessionLimits
  /** Accounts across operators: told of each member connection and of the statement key it sends. */
  accounts?: Pick<AccountsService, 'onPeer' | 'onPeerGone' | 'onTheirKey'>
}

/** Re-evaluations caused by peers' node changes, at most one per this (the first at once). */
const PEERS_CHANGED_EVERY_MS = 1000
/** How long after a node's proof a request for its channel waits for us to start watching it. */
const JUST_PROVEN_MS = 5000

/** Connections that have not proven membership yet, at once; more are closed on arrival. */
export const MAX_UNAUTHENTICATED = 16
/** Connections of members, at once; beyond, the oldest that proves no node of use to us is closed. */
export const MAX_AUTHENTICATED = 32
/** Live connections that may prove the same node; a newer one closes the oldest. */
export const MAX_CONNECTIONS_PER_NODE = 2

const isLoopback = (hostPort: string): boolean => isLoopbackHost(hostOf(hostPort))
/** The events after which the nodes we can prove are another set (the host's ourNodes() changed). */
const NODE_SET_CHANGES = new Set(['node_connected', 'node_reconnected', 'node_disconnected', 'node_removed'])

/**
 * One Hyperswarm per instance, joined on the topic derived from the shared secret. Each connection
 * becomes a PeerConnection; the Lightning nodes a peer proves become payers the daemon can ask.
 */
export class ClusterSwarm {
  /** Live connections. Hyperswarm keeps one per remote key, but during its deduplication two may
   * briefly coexist; it closes the loser itself, so we never close one on our own. */
  readonly peers = new Set<PeerConnection>()
  private readonly keys: SwarmKeys
  private discovery: PeerDiscovery | undefined
  private refreshTimer: NodeJS.Timeout | undefined
  private stopped = false
  private changeTimer: NodeJS.Timeout | undefined
  private changeAgain = false
  private unsubscribe: (() => void) | undefined
  private readonly budget: RequestBudget
  /** Requests refused before any payment decision, by reason; one event per peer per minute. */
  readonly earlyRefusals: Tally
  /** Connections closed before they authenticated, by reason; one event per minute for all. */
  readonly strangersGone: Tally
  /** Node claims refused, by reason; one event per peer per minute (a peer chooses how many it sends). */
  readonly claimsRefused: Tally
  private readonly sessions: SessionRate
  /**
   * The far ends of our nodes' channels: the rebalancer asks payerFor() about each one of them at
   * every evaluation, from our own channel list, so this costs no RPC. A peer's claim for one of
   * them is worth checking; a claim for any other node is not.
   */
  private readonly partners = new Set<string>()
  /**
   * Our node set changed (a node joined, came back, was lost or removed): the members already
   * connected get the new full list (a node's signature is made once per session).
   */
  private readonly onHostEvent = (e: { type: string }): void => {
    if (!NODE_SET_CHANGES.has(e.type) || this.stopped) return
    for (const peer of this.peers) if (peer.authenticated && !peer.closed) void peer.announceNodes()
  }

  private constructor(
    private readonly swarm: Hyperswarm,
    private readonly opts: ClusterSwarmOptions
  ) {
    this.keys = swarmKeys(opts.secret)
    this.budget = new RequestBudget(opts.budget ?? DEFAULT_BUDGET)
    this.earlyRefusals = new Tally((peer, counts) => opts.host.emit('peer_requests_refused', { peer, counts }))
    this.strangersGone = new Tally((_key, counts) => opts.host.emit('stranger_connections_closed', { counts }))
    this.claimsRefused = new Tally((peer, counts, nodes) =>
      opts.host.emit('node_claim_refused', { peer, counts, nodes })
    )
    this.sessions = new SessionRate(opts.sessions ?? DEFAULT_SESSION_LIMITS)
  }

  /** What the metrics show about peers (counters since start). */
  get counters(): {
    earlyRefusals: ReadonlyMap<string, number>
    strangersGone: ReadonlyMap<string, number>
    unauthenticated: number
  } {
    return {
      earlyRefusals: this.earlyRefusals.totals,
      strangersGone: this.strangersGone.totals,
      unauthenticated: this.unauthenticated
    }
  }

  /** Connections that have not authenticated, now. */
  get unauthenticated(): number {
    return [...this.peers].filter((p) => !p.authenticated && !p.closed).length
  }

  static async start(opts: ClusterSwarmOptions): Promise<ClusterSwarm> {
    const keyPair = await loadSwarmKeyPair(opts.keyFile)
    // A private DHT on loopback (tests, the demo): bind and advertise 127.0.0.1 and skip
    // hole-punching, or peers in different processes may end up half-connected.
    const local = opts.bootstrap.length > 0 && opts.bootstrap.every(isLoopback)
    const dht =
      opts.bootstrap.length === 0
        ? undefined
        : new HyperDHT(
            local
              ? { bootstrap: opts.bootstrap, host: '127.0.0.1', firewalled: false, ephemeral: true }
              : { bootstrap: opts.bootstrap }
          )
    const swarm = new Hyperswarm({ keyPair, ...(dht ? { dht } : {}) })
    const cs = new ClusterSwarm(swarm, opts)
    swarm.on('connection', (conn: SwarmConnection) => cs.onConnection(conn))
    opts.host.addRemotePayers((pub) => cs.payerFor(pub))
    cs.unsubscribe = opts.host.onEvent(cs.onHostEvent)
    // Evaluations before this point did not ask us about our channel partners: have them asked.
    opts.host.peersChanged()
    cs.discovery = swarm.join(cs.keys.topic, { server: true, client: true })
    await cs.discovery.flushed()
    cs.scheduleRefresh(1000)
    opts.host.emit('swarm_joined', {
      publicKey: keyPair.publicKey.toString('hex').slice(0, 12),
      privateDht: opts.bootstrap.length > 0
    })
    return cs
  }

  get publicKey(): string {
    return this.swarm.keyPair.publicKey.toString('hex')
  }

  /**
   * Two instances joining a fresh DHT at the same moment can miss each other until the next
   * periodic refresh (minutes). Refresh soon after joining, backing off to once a minute.
   */
  private scheduleRefresh(ms: number): void {
    if (this.stopped) return
    this.refreshTimer = setTimeout(() => {
      void this.discovery?.refresh().catch(() => {
        /* the next refresh, at most a minute later, tries again */
      })
      this.scheduleRefresh(Math.min(ms * 2, 60_000))
    }, ms)
    this.refreshTimer.unref()
  }

  private onConnection(conn: SwarmConnection): void {
    conn.on('error', () => {
      /* see the comment: 'close' cleans up */
    }) // duplicate-connection and reset errors are normal; 'close' handles cleanup
    if (this.unauthenticated >= MAX_UNAUTHENTICATED) {
      // The oldest waiting connection makes room: refusing newcomers instead would let a stranger
      // holding 16 silent connections keep every member out; this way it must outpace them.
      const oldest = [...this.peers].find((p) => !p.authenticated && !p.closed)
      oldest?.drop('too many connections waiting to authenticate', 'tooManyUnauthenticated')
    }
    const host = this.opts.host
    const peer = new PeerConnection({
      conn,
      keys: this.keys,
      agent: this.opts.agent ?? 'tightrope/0.1',
      ourNodes: () => host.ourNodes(),
      isPartner: (pub) => this.partners.has(pub),
      verify: (message, signature) => host.verify(message, signature),
      onPayInvoice: (p, request, invoice) => this.onPayInvoice(p, request, invoice),
      budget: this.budget,
      onEarlyRefusal: (p, reason) => this.earlyRefusals.add(p.shortKey, reason),
      onStrangerGone: (reason) => {
        if (!this.stopped) this.strangersGone.add('strangers', reason)
      },
      admitSession: () => this.sessions.take(conn.remotePublicKey.toString('hex')),
      onClaimRefused: (p, node, reason) => this.claimsRefused.add(p.shortKey, reason, node),
      emit: host.emit,
      ...(this.opts.authTimeoutMs ? { authTimeoutMs: this.opts.authTimeoutMs } : {}),
      ...(this.opts.requestTimeoutMs ? { requestTimeoutMs: this.opts.requestTimeoutMs } : {})
    })
    this.peers.add(peer)
    const accounts = this.opts.accounts
    if (accounts) {
      // Statements are shared with members only: nothing of them before the membership proof.
      peer.on('authenticated', () =>
        accounts.onPeer(
          peer.remoteKey,
          conn,
          (key) => peer.sendStatementKey(key),
          () => peer.provenNodes
        )
      )
      peer.on('statementKey', (key: Buffer) => accounts.onTheirKey(peer.remoteKey, key, conn))
      peer.on('close', () => accounts.onPeerGone(peer.remoteKey, conn))
    }
    peer.on('authenticated', () => {
      const members = [...this.peers].filter((p) => p.authenticated && !p.closed)
      if (members.length <= MAX_AUTHENTICATED) return
      // Full: the oldest member connection that proves none of our partners goes (it is of no
      // use to us), so that idle connections cannot keep a useful peer out.
      const idle = members.find((p) => p.provenNodes.size === 0) ?? peer
      idle.drop(`more than ${MAX_AUTHENTICATED} member connections`)
    })
    peer.on('proven', (node: string) => {
      // One member may not pile up connections for a node: the oldest beyond the cap goes.
      const holders = [...this.peers].filter((p) => !p.closed && p.provenNodes.has(node))
      for (const old of holders.slice(0, Math.max(0, holders.length - MAX_CONNECTIONS_PER_NODE)))
        old.drop(`more than ${MAX_CONNECTIONS_PER_NODE} connections prove node ${node.slice(0, 12)}`)
      this.peersChanged()
    })
    // A node the peer no longer lists: its channels have no payer on this connection any more.
    peer.on('withdrawn', () => this.peersChanged())
    peer.on('close', () => {
      this.peers.delete(peer)
      if (peer.authenticated) host.emit('peer_disconnected', { peer: peer.shortKey })
      if (!this.stopped && peer.provenNodes.size > 0) this.peersChanged()
    })
  }

  /**
   * Peers' proven nodes changed: our channels are evaluated again, at once and then at most once
   * a second (a member listing a node in and out of its nodes messages must not drive our
   * evaluations, and their LND calls, at its own pace).
   */
  private peersChanged(): void {
    if (this.stopped) return
    if (this.changeTimer) {
      this.changeAgain = true
      return
    }
    this.opts.host.peersChanged()
    this.changeTimer = setTimeout(() => {
      this.changeTimer = undefined
      if (!this.changeAgain) return
      this.changeAgain = false
      this.peersChanged()
    }, PEERS_CHANGED_EVERY_MS)
    this.changeTimer.unref()
  }

  /** The peer that proved it controls a Lightning node, as a payer the rebalancer can ask. */
  payerFor(nodePublicKey: string): PayerLink | undefined {
    if (!this.partners.has(nodePublicKey)) {
      if (this.partners.size >= 100_000) this.partners.clear() // closed channels' partners, eventually
      this.partners.add(nodePublicKey)
    }
    for (const peer of this.peers) {
      if (peer.authenticated && !peer.closed && peer.provenNodes.has(nodePublicKey)) {
        return {
          counterparty: peer.remoteKey,
          requestPayment: (req) =>
            peer.requestPayment({ channelId: req.channelId, invoice: req.request, tokens: req.tokens })
        }
      }
    }
    // Not proven (yet): a claim for it that was not worth checking before is now (once per session).
    for (const peer of this.peers) if (peer.authenticated && !peer.closed) peer.reconsider(nodePublicKey)
    return undefined
  }

  /**
   * A peer asks one of our nodes to pay; the requester is a node it proved (checked by the
   * connection). Which of our nodes has the channel comes from the channels we watch (no RPC).
   */
  private async onPayInvoice(peer: PeerConnection, request: PayInvoice, invoice: InvoiceFacts): Promise<PaymentResult> {
    const answer = (r: PayResponse): PaymentResult =>
      toPaymentResult(request, r, r.status === 'paid' ? r.paymentHash : invoice.paymentHash)
    const justProven = peer.provenSince(invoice.destination) > Date.now() - JUST_PROVEN_MS
    const outcome = await this.opts.host.handlePayRequest({
      channelId: request.channelId,
      requesterPublicKey: invoice.destination,
      request: request.invoice,
      tokens: request.tokens,
      waitMs: justProven ? JUST_PROVEN_MS : 0,
      counterparty: peer.remoteKey
    })
    if (outcome.kind === 'answered') return answer(outcome.response)
    // Not among the channels we watch: refused before any payment decision, at no cost.
    this.earlyRefusals.add(peer.shortKey, outcome.reason)
    return answer(refused(outcome.reason, outcome.detail, outcome.retryAt))
  }

  async stop(): Promise<void> {
    if (this.stopped) return
    this.stopped = true
    if (this.refreshTimer) clearTimeout(this.refreshTimer)
    if (this.changeTimer) clearTimeout(this.changeTimer)
    this.unsubscribe?.()
    for (const peer of this.peers) peer.drop('shutting down')
    this.earlyRefusals.stop()
    this.strangersGone.stop()
    this.claimsRefused.stop()
    await this.swarm.destroy()
  }
}
