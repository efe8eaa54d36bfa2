import { createHash, randomBytes } from 'node:crypto'
import { EventEmitter } from 'node:events'
import { ANCHORS_SAT, SimChannel, commitFeeFor, shortChannelId, type RoutingPolicy } from './channel.js'
import { InvoiceStore } from './invoices.js'
import { PaymentStore } from './payments.js'
import { Faults } from './faults.js'
import type { NodeKey } from '../crypto/keys.js'

export interface SimNode {
  alias: string
  color: string
  publicKey: string
  privateKey: Uint8Array
  online: boolean
  invoices: InvoiceStore
  payments: PaymentStore
  /** 'channel' (ChannelEvent) and 'htlc' (HtlcEvent) for this node's subscribers. */
  events: EventEmitter
}

export type ChannelEvent = { type: 'pending' | 'open' | 'closed' | 'active' | 'inactive'; channel: SimChannel }

export interface HtlcEvent {
  eventType: 'SEND' | 'RECEIVE' | 'FORWARD'
  kind: 'forward' | 'forward_fail' | 'settle' | 'link_fail' | 'final'
  incomingChanId: string
  outgoingChanId: string
  incomingHtlcId: number
  outgoingHtlcId: number
  timestampNs: string
  info?: { incomingTimelock: number; outgoingTimelock: number; incomingAmtMsat: number; outgoingAmtMsat: number }
  preimage?: string
  failureString?: string
  settled?: boolean
}

/** Ground truth of one finished payment, for tests and the control API. */
export interface PaymentTruth {
  at: number
  from: string
  to: string
  paymentHash: string
  amountMsat: number
  feeMsat: number
  /** The channels the final attempt used, first hop first. */
  chanIds: string[]
  status: 'SUCCEEDED' | 'FAILED'
  failureReason?: string
}

const PAYMENT_LOG_LIMIT = 100_000

export interface OpenChannelArgs {
  from: string
  to: string
  capacity: number
  /** The opener's local_balance (after commit fee and anchors); the rest goes to `to`. */
  fromBalance?: number
  policies?: [Partial<RoutingPolicy>?, Partial<RoutingPolicy>?]
}

/** With no balance given, a channel starts with equal local and remote balances. */
export function balancedOpenerBalance(capacity: number): number {
  return Math.floor((capacity - commitFeeFor(0) - ANCHORS_SAT) / 2)
}

export const DEFAULT_POLICY: RoutingPolicy = {
  feeBaseMsat: 1000,
  feeRatePpm: 1,
  timeLockDelta: 80,
  minHtlcMsat: 1000,
  maxHtlcMsat: 0,
  disabled: false,
  lastUpdate: 0
}

/**
 * The whole simulated Lightning network: nodes, channels and the chain height they live at.
 * It owns every state change and tells each node about it through that node's `events`.
 */
export class SimNetwork {
  readonly nodes = new Map<string, SimNode>()
  readonly channels = new Map<string, SimChannel>()
  readonly faults = new Faults()
  readonly paymentLog: PaymentTruth[] = []
  blockHeight = 500
  private readonly byAlias = new Map<string, SimNode>()
  private readonly channelsByNode = new Map<string, Set<SimChannel>>()
  private txCounter = 0

  addNode(args: { alias: string; color: string; key: NodeKey }): SimNode {
    if (this.byAlias.has(args.alias)) throw new Error(`node alias "${args.alias}" is used twice`)
    const node: SimNode = {
      alias: args.alias,
      color: args.color,
      publicKey: args.key.publicKey,
      privateKey: args.key.privateKey,
      online: true,
      invoices: new InvoiceStore(args.key.privateKey),
      payments: new PaymentStore(),
      events: new EventEmitter()
    }
    node.events.setMaxListeners(0)
    this.nodes.set(node.publicKey, node)
    this.byAlias.set(node.alias, node)
    this.channelsByNode.set(node.publicKey, new Set())
    return node
  }

  node(aliasOrKey: string): SimNode {
    const node = this.byAlias.get(aliasOrKey) ?? this.nodes.get(aliasOrKey)
    if (!node) throw new Error(`unknown node "${aliasOrKey}"`)
    return node
  }

  hasNode(aliasOrKey: string): boolean {
    return this.byAlias.has(aliasOrKey) || this.nodes.has(aliasOrKey)
  }

  channelsOf(publicKey: string): Iterable<SimChannel> {
    return this.channelsByNode.get(publicKey) ?? []
  }

  isOnline = (publicKey: string): boolean => this.nodes.get(publicKey)?.online ?? false

  blockHash(): string {
    return createHash('sha256').update(`simulated block ${this.blockHeight}`).digest('hex')
  }

  openChannel(args: OpenChannelArgs): SimChannel {
    const a = this.node(args.from)
    const b = this.node(args.to)
    if (a === b) throw new Error('a channel needs two different nodes')
    if (!Number.isSafeInteger(args.capacity) || args.capacity < 20000 || args.capacity > 10_000_000_000) {
      throw new RangeError(`capacity must be an integer from 20000 to 10000000000 sats, got ${args.capacity}`)
    }
    this.blockHeight += 6
    const txIndex = ++this.txCounter
    const policy = (i: 0 | 1): RoutingPolicy => ({
      ...DEFAULT_POLICY,
      maxHtlcMsat: Math.floor(args.capacity * 990),
      lastUpdate: Math.floor(Date.now() / 1000),
      ...(args.policies?.[i] ?? {})
    })
    const channel = new SimChannel({
      chanId: shortChannelId(this.blockHeight, txIndex, 0),
      txid: randomBytes(32).toString('hex'),
      vout: 0,
      capacity: args.capacity,
      nodes: [a.publicKey, b.publicKey],
      openerBalance: args.fromBalance ?? balancedOpenerBalance(args.capacity),
      policies: [policy(0), policy(1)],
      openedAt: Date.now()
    })
    channel.active = a.online && b.online
    this.channels.set(channel.chanId, channel)
    this.channelsByNode.get(a.publicKey)?.add(channel)
    this.channelsByNode.get(b.publicKey)?.add(channel)
    this.tellBoth(channel, { type: 'pending', channel })
    this.tellBoth(channel, { type: 'open', channel })
    return channel
  }

  closeChannel(chanId: string): SimChannel {
    const channel = this.channels.get(chanId)
    if (!channel) throw new Error(`unknown channel ${chanId}`)
    if (channel.htlcs.size > 0)
      throw new Error(`channel ${chanId} has ${channel.htlcs.size} HTLCs in flight; close it when they resolve`)
    channel.closed = true
    channel.active = false
    this.channels.delete(chanId)
    this.channelsByNode.get(channel.nodes[0])?.delete(channel)
    this.channelsByNode.get(channel.nodes[1])?.delete(channel)
    this.tellBoth(channel, { type: 'closed', channel })
    return channel
  }

  /** A node going offline turns its channels inactive at its peers, and back when it returns. */
  setOnline(aliasOrKey: string, online: boolean): void {
    const node = this.node(aliasOrKey)
    if (node.online === online) return
    node.online = online
    for (const channel of this.channelsOf(node.publicKey)) {
      const active = online && this.isOnline(channel.peerOf(node.publicKey))
      if (channel.active === active) continue
      channel.active = active
      this.tellBoth(channel, { type: active ? 'active' : 'inactive', channel })
    }
  }

  tellBoth(channel: SimChannel, event: ChannelEvent): void {
    for (const pub of channel.nodes) {
      const node = this.nodes.get(pub)
      if (node?.online) node.events.emit('channel', event)
    }
  }

  emitHtlc(publicKey: string, event: HtlcEvent): void {
    const node = this.nodes.get(publicKey)
    if (node?.online) node.events.emit('htlc', event)
  }

  recordPayment(truth: PaymentTruth): void {
    this.paymentLog.push(truth)
    if (this.paymentLog.length > PAYMENT_LOG_LIMIT)
      this.paymentLog.splice(0, this.paymentLog.length - PAYMENT_LOG_LIMIT)
  }

  close(): void {
    this.faults.releaseAll()
    for (const node of this.nodes.values()) node.invoices.close()
  }
}
