import Hyperswarm, { type PeerDiscovery, type SwarmConnection } from 'hyperswarm'
import HyperDHT from 'hyperdht'
import { swarmKeys, type SwarmKeys } from './keys.js'
import { loadSwarmKeyPair } from './key-pair.js'
import { PeerConnection } from './peer-connection.js'
import type { PayInvoice, PaymentResult } from './messages.js'
import type { Daemon } from '../daemon/daemon.js'
import type { PayerLink, PayResponse } from '../daemon/ports.js'
import { NODE_RETRY_MS } from '../daemon/payer-service.js'
import { decodeInvoice } from '../lightning/decode-invoice.js'
import { hostOf, isLoopbackHost } from '../config/host-port.js'

export interface ClusterSwarmOptions {
  secret: string
  /** host:port of a private DHT's bootstrap nodes; the public DHT when empty. */
  bootstrap: string[]
  keyFile: string
  daemon: Daemon
  agent?: string
}

const isLoopback = (hostPort: string): boolean => isLoopbackHost(hostOf(hostPort))

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

  private constructor (private readonly swarm: Hyperswarm, private readonly opts: ClusterSwarmOptions) {
    this.keys = swarmKeys(opts.secret)
  }

  static async start (opts: ClusterSwarmOptions): Promise<ClusterSwarm> {
    const keyPair = await loadSwarmKeyPair(opts.keyFile)
    // A private DHT on loopback (tests, the demo): bind and advertise 127.0.0.1 and skip
    // hole-punching, or peers in different processes may end up half-connected.
    const local = opts.bootstrap.length > 0 && opts.bootstrap.every(isLoopback)
    const dht = opts.bootstrap.length === 0
      ? undefined
      : new HyperDHT(local ? { bootstrap: opts.bootstrap, host: '127.0.0.1', firewalled: false, ephemeral: true } : { bootstrap: opts.bootstrap })
    const swarm = new Hyperswarm({ keyPair, ...(dht ? { dht } : {}) })
    const cs = new ClusterSwarm(swarm, opts)
    swarm.on('connection', (conn: SwarmConnection) => cs.onConnection(conn))
    opts.daemon.remotePayers.push((pub) => cs.payerFor(pub))
    cs.discovery = swarm.join(cs.keys.topic, { server: true, client: true })
    await cs.discovery.flushed()
    cs.scheduleRefresh(1000)
    opts.daemon.emit('swarm_joined', { publicKey: keyPair.publicKey.toString('hex').slice(0, 12), privateDht: opts.bootstrap.length > 0 })
    return cs
  }

  get publicKey (): string { return this.swarm.keyPair.publicKey.toString('hex') }

  /**
   * Two instances joining a fresh DHT at the same moment can miss each other until the next
   * periodic refresh (minutes). Refresh soon after joining, backing off to once a minute.
   */
  private scheduleRefresh (ms: number): void {
    if (this.stopped) return
    this.refreshTimer = setTimeout(() => {
      void this.discovery?.refresh().catch(() => {})
      this.scheduleRefresh(Math.min(ms * 2, 60_000))
    }, ms)
    this.refreshTimer.unref()
  }

  private onConnection (conn: SwarmConnection): void {
    conn.on('error', () => {}) // duplicate-connection and reset errors are normal; 'close' handles cleanup
    const daemon = this.opts.daemon
    const peer = new PeerConnection({
      conn,
      keys: this.keys,
      agent: this.opts.agent ?? 'tightrope/0.1',
      ourNodes: () => [...daemon.nodes.values()].map((n) => ({ publicKey: n.identity.publicKey, alias: n.identity.alias, sign: (m: string) => n.signMessage(m) })),
      verify: async (message, signature) => {
        const verifier = [...daemon.nodes.values()].find((n) => n.connected)
        if (!verifier) throw new Error('no connected Lightning node to verify with')
        return verifier.verifyMessage(message, signature)
      },
      onPayInvoice: (p, request) => this.onPayInvoice(p, request),
      emit: daemon.emit
    })
    this.peers.add(peer)
    peer.on('authenticated', () => { for (const node of daemon.nodes.values()) daemon.schedule(node) })
    peer.on('close', () => {
      this.peers.delete(peer)
      if (peer.authenticated) daemon.emit('peer_disconnected', { peer: peer.shortKey })
      if (!this.stopped) for (const node of daemon.nodes.values()) daemon.schedule(node)
    })
  }

  /** The peer that proved it controls a Lightning node, as a payer the rebalancer can ask. */
  payerFor (nodePublicKey: string): PayerLink | undefined {
    for (const peer of this.peers) {
      if (peer.authenticated && !peer.closed && peer.provenNodes.has(nodePublicKey)) {
        return { requestPayment: (req) => peer.requestPayment({ channelId: req.channelId, invoice: req.request, tokens: req.tokens }) }
      }
    }
    return undefined
  }

  /** A peer asks one of our nodes to pay: only for a node it proved, over a channel to that node. */
  private async onPayInvoice (peer: PeerConnection, request: PayInvoice): Promise<PaymentResult> {
    const daemon = this.opts.daemon
    const answer = (r: PayResponse, paymentId = ''): PaymentResult => ({
      requestId: request.requestId,
      channelId: request.channelId,
      paymentId: r.status === 'paid' ? r.paymentHash : paymentId,
      confirmed: r.status === 'paid',
      confirmedAt: r.status === 'paid' ? new Date().toISOString() : '',
      status: r.status,
      reason: r.status === 'refused' || r.status === 'failed' ? r.reason : '',
      detail: r.status === 'refused' ? r.detail.slice(0, 500) : '',
      retryAt: r.status === 'refused' ? r.retryAt ?? 0 : 0
    })
    const refuse = (reason: string, detail: string, hash = '', retryAt?: number): PaymentResult => {
      daemon.emit('payment_refused', { peer: peer.shortKey, channelId: request.channelId, reason, detail, ...(retryAt ? { retryAt } : {}) })
      return answer({ status: 'refused', reason, detail, ...(retryAt ? { retryAt } : {}) }, hash)
    }
    const decoded = decodeInvoice(request.invoice)
    if (!decoded.ok) return refuse('invalidInvoice', `the invoice does not decode: ${decoded.reason}`)
    const requester = decoded.invoice.destination
    if (!peer.provenNodes.has(requester)) {
      return refuse('unprovenNode', `the invoice pays node ${requester}, which this peer has not proven it controls`, decoded.invoice.paymentHash)
    }
    const owner = await this.ownerOf(request.channelId, requester)
    if (owner === 'unreachable') {
      return refuse('nodeUnavailable', `our node for channel ${request.channelId} cannot reach its LND`, decoded.invoice.paymentHash, Date.now() + NODE_RETRY_MS)
    }
    const payer = owner && daemon.payers.get(owner)
    if (payer) {
      const r = await payer.handle({ channelId: request.channelId, requesterPublicKey: requester, payerPublicKey: owner, request: request.invoice, tokens: request.tokens })
      return answer(r, decoded.invoice.paymentHash)
    }
    return refuse('unknownChannel', `none of our nodes has channel ${request.channelId}`, decoded.invoice.paymentHash)
  }

  /**
   * Which of our nodes has this channel: from the channels the rebalancer already watches (no
   * RPC), else by asking each node. 'unreachable' when a node that could have it does not answer.
   */
  private async ownerOf (channelId: string, partner: string): Promise<string | 'unreachable' | undefined> {
    for (const side of this.opts.daemon.rebalancer.sides.values()) {
      if (side.channelId === channelId && side.remotePublicKey === partner) return side.localPublicKey
    }
    let unreachable = false
    for (const node of this.opts.daemon.nodes.values()) {
      try {
        if ((await node.getChannels()).some((ch) => ch.id === channelId)) return node.identity.publicKey
      } catch {
        unreachable = true
      }
    }
    return unreachable ? 'unreachable' : undefined
  }

  async stop (): Promise<void> {
    if (this.stopped) return
    this.stopped = true
    if (this.refreshTimer) clearTimeout(this.refreshTimer)
    for (const peer of this.peers) peer.drop('shutting down')
    await this.swarm.destroy()
  }
}
