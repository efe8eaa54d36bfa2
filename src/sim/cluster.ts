import type { RoutingPolicy } from './model/channel.js'
import { mkdir, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { formatChannelId, parseChannelId } from './model/channel.js'
import { SimNetwork, type OpenChannelArgs, type PaymentTruth } from './model/network.js'
import type { FaultRule } from './model/faults.js'
import type { FailureReason } from './model/payments.js'
import { sendPayment } from './model/send-payment.js'
import { NodeServer } from './grpc/node-server.js'
import { ClnRestServer } from './rest/server.js'
import { nodeKeyFromSeed } from './crypto/keys.js'
import { decodeInvoice } from './crypto/bolt11.js'
import { DhtBootstrap } from './dht-bootstrap.js'
import { ControlServer } from './control/server.js'
import type { Scenario } from './scenario.js'

/** How a Tightrope config's lightningNodes[] entry connects to a simulated LND node (gRPC). */
export interface LndConnection {
  alias: string
  publicKey: string
  implementation: 'lnd'
  socket: string
  /** Base64 of the node's TLS certificate (PEM). */
  cert: string
  /** Base64 of the admin macaroon. */
  macaroon: string
}

/** How to reach a simulated Core Lightning node's clnrest. */
export interface ClnConnection {
  alias: string
  publicKey: string
  implementation: 'cln'
  /** `https://127.0.0.1:PORT`. */
  url: string
  /** The least-privilege rune (contract §2.4). */
  rune: string
  /** Base64 of the node's clnrest CA certificate (PEM, CA:TRUE); it signed the server certificate. */
  cert: string
}

/** One entry of DIR/nodes.json, told apart by `implementation`. */
export type NodeConnection = LndConnection | ClnConnection

/** A node's endpoint, whichever protocol it speaks: what offline/online and the call counts need. */
export type NodeEndpoint = NodeServer | ClnRestServer

export interface ChannelTruth {
  /** The "HxTxO" channel id, as the lightning client and Tightrope show it. */
  id: string
  /** LND's decimal chan_id. */
  chanId: string
  channelPoint: string
  from: string
  to: string
  capacity: number
  fromBalance: number
  toBalance: number
  pendingHtlcs: number
  active: boolean
}

export interface SimClusterOptions {
  scenario: Scenario
  /** Where to write nodes.json, control.json and swarm.json; nothing is written without it. */
  dir?: string
  /** Start a local DHT bootstrap node (default true). */
  dht?: boolean
  /** Start the control HTTP API (default true). */
  control?: boolean
}

export type FaultRequest =
  | { type: 'latency'; node: string; ms: number; method?: string }
  | { type: 'hopLatency'; ms: number }
  | { type: 'fail'; from?: string; to?: string; reason: FailureReason; count?: number }
  | { type: 'hold'; from?: string; to?: string; count?: number }

async function writeAtomic(file: string, value: unknown): Promise<void> {
  const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`
  await writeFile(tmp, JSON.stringify(value, null, 2) + '\n', { mode: 0o600 })
  await rename(tmp, file)
}

/**
 * A running simulated Lightning network: one LND-compatible gRPC server per LND node, one clnrest
 * server per CLN node (all on the one model), a private DHT bootstrap and the control API. Its
 * methods are the typed form of the control API.
 */
export class SimCluster {
  /** LND nodes' gRPC servers, by alias. */
  readonly servers = new Map<string, NodeServer>()
  /** CLN nodes' clnrest servers, by alias. */
  readonly restServers = new Map<string, ClnRestServer>()
  private dht: DhtBootstrap | undefined
  private control: ControlServer | undefined
  private stopped = false

  private constructor(readonly network: SimNetwork) {}

  static async start(opts: SimClusterOptions): Promise<SimCluster> {
    const network = new SimNetwork()
    const cluster = new SimCluster(network)
    try {
      const s = opts.scenario
      network.faults.hopLatencyMs = s.hopLatencyMs ?? 0
      for (const n of s.nodes) {
        network.addNode({
          alias: n.alias,
          color: n.color ?? '#3399ff',
          key: nodeKeyFromSeed(`${s.seed ?? 'tightrope-sim'}/${n.alias}`)
        })
      }
      for (const c of s.channels) {
        network.openChannel({
          from: c.from,
          to: c.to,
          capacity: c.capacity,
          ...(c.fromBalance !== undefined ? { fromBalance: c.fromBalance } : {}),
          // zod leaves a field that the scenario omits absent, never undefined.
          policies: [c.fromPolicy, c.toPolicy] as [Partial<RoutingPolicy>?, Partial<RoutingPolicy>?]
        })
      }
      const isCln = new Set(s.nodes.filter((n) => n.implementation === 'cln').map((n) => n.alias))
      const endpoints = await Promise.all(
        [...network.nodes.values()].map((node) =>
          isCln.has(node.alias) ? ClnRestServer.create(network, node) : NodeServer.create(network, node)
        )
      )
      for (const e of endpoints) {
        if (e instanceof ClnRestServer) cluster.restServers.set(e.node.alias, e)
        else cluster.servers.set(e.node.alias, e)
      }
      await Promise.all(endpoints.map((e) => e.start()))
      if (opts.dht !== false) cluster.dht = await DhtBootstrap.start()
      if (opts.control !== false) cluster.control = await ControlServer.start(cluster)
      if (opts.dir) await cluster.writeFiles(opts.dir)
      return cluster
    } catch (err) {
      await cluster.stop()
      throw err
    }
  }

  get controlUrl(): string | undefined {
    return this.control?.url
  }
  get bootstrap(): string[] {
    return this.dht ? [this.dht.address] : []
  }

  /** Written only once every server, the DHT and the control API are ready; each file atomically. */
  async writeFiles(dir: string): Promise<void> {
    await mkdir(dir, { recursive: true })
    await writeAtomic(join(dir, 'nodes.json'), this.connections())
    await writeAtomic(join(dir, 'swarm.json'), { bootstrap: this.bootstrap })
    await writeAtomic(join(dir, 'control.json'), { url: this.controlUrl ?? null })
  }

  /** Every node, in the scenario's order: what DIR/nodes.json holds. */
  connections(): NodeConnection[] {
    return [...this.network.nodes.values()].map((n) => this.nodeConnection(n.alias))
  }

  nodeConnection(alias: string): NodeConnection {
    const node = this.network.node(alias)
    const rest = this.restServers.get(node.alias)
    if (rest)
      return {
        alias: node.alias,
        publicKey: node.publicKey,
        implementation: 'cln',
        url: rest.url,
        rune: rest.runes.leastPrivilegeRune,
        cert: Buffer.from(rest.caPem).toString('base64')
      }
    const s = this.server(node.alias)
    return {
      alias: node.alias,
      publicKey: node.publicKey,
      implementation: 'lnd',
      socket: s.socket,
      cert: Buffer.from(s.certPem).toString('base64'),
      macaroon: s.macaroon.toString('base64')
    }
  }

  /** An LND node's connection (throws for a CLN node: use nodeConnection). */
  connection(alias: string): LndConnection {
    const c = this.nodeConnection(alias)
    if (c.implementation !== 'lnd') throw new Error(`node "${alias}" is a CLN node: use nodeConnection()`)
    return c
  }

  /** An LND node's gRPC server. */
  server(alias: string): NodeServer {
    const s = this.servers.get(this.network.node(alias).alias)
    if (!s) throw new Error(`unknown LND node "${alias}"`)
    return s
  }

  /** A CLN node's clnrest server. */
  restServer(alias: string): ClnRestServer {
    const s = this.restServers.get(this.network.node(alias).alias)
    if (!s) throw new Error(`unknown CLN node "${alias}"`)
    return s
  }

  endpoint(alias: string): NodeEndpoint {
    const a = this.network.node(alias).alias
    return this.servers.get(a) ?? this.restServer(a)
  }

  /** Calls each node answered, by path (`/lnrpc.Lightning/GetInfo`, `/v1/getinfo`): GET /stats. */
  callStats(): Record<string, Record<string, number>> {
    return Object.fromEntries(
      [...this.network.nodes.values()].map((n) => [n.alias, Object.fromEntries(this.endpoint(n.alias).calls)])
    )
  }

  channels(): ChannelTruth[] {
    return [...this.network.channels.values()].map((c) => ({
      id: formatChannelId(c.chanId),
      chanId: c.chanId,
      channelPoint: c.channelPoint,
      from: this.network.node(c.nodes[0]).alias,
      to: this.network.node(c.nodes[1]).alias,
      capacity: c.capacity,
      fromBalance: c.balance(0),
      toBalance: c.balance(1),
      pendingHtlcs: c.htlcs.size,
      active: c.active
    }))
  }

  channelBetween(a: string, b: string): ChannelTruth | undefined {
    return this.channels().find((c) => (c.from === a && c.to === b) || (c.from === b && c.to === a))
  }

  openChannel(args: OpenChannelArgs): ChannelTruth {
    const ch = this.network.openChannel(args)
    return this.channels().find((c) => c.chanId === ch.chanId) as ChannelTruth
  }

  closeChannel(id: string): void {
    this.network.closeChannel(parseChannelId(id))
  }

  /** Takes a node offline: its gRPC or clnrest server stops and its peers see its channels go inactive. */
  async setOnline(alias: string, online: boolean): Promise<void> {
    const server = this.endpoint(alias)
    if (online) {
      await server.start()
      this.network.setOnline(alias, true)
    } else {
      this.network.setOnline(alias, false)
      await server.stop()
    }
  }

  /**
   * Traffic as a real payment makes it: `to` creates an invoice, `from` pays it over any route
   * (fees allowed), and the call resolves when the payment is final.
   */
  async pay(args: { from: string; to: string; tokens: number; timeoutMs?: number }): Promise<PaymentTruth> {
    if (!Number.isSafeInteger(args.tokens) || args.tokens <= 0)
      throw new RangeError(`tokens must be a positive integer, got ${args.tokens}`)
    const from = this.network.node(args.from)
    const to = this.network.node(args.to)
    if (!from.online) throw new Error(`node ${from.alias} is offline`)
    const invoice = to.invoices.add({
      valueMsat: args.tokens * 1000,
      memo: 'simulated traffic',
      expiry: 3600,
      cltvExpiry: 0,
      now: Date.now()
    })
    const decoded = decodeInvoice(invoice.paymentRequest)
    const done = new Promise<PaymentTruth>((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup()
        reject(new Error(`payment ${invoice.paymentHash} did not finish in time`))
      }, args.timeoutMs ?? 60_000)
      const onUpdate = (): void => {
        const truth = this.network.paymentLog.findLast((p) => p.paymentHash === invoice.paymentHash)
        if (truth) {
          cleanup()
          resolve(truth)
        }
      }
      const cleanup = (): void => {
        clearTimeout(timer)
        from.payments.off('update', onUpdate)
      }
      from.payments.on('update', onUpdate)
    })
    let cancel: (err: Error) => void = () => {}
    const failed = new Promise<never>((_resolve, reject) => {
      cancel = reject
    })
    try {
      sendPayment(this.network, from, {
        paymentRequest: invoice.paymentRequest,
        destination: to.publicKey,
        paymentHash: invoice.paymentHash,
        invoiceMsat: invoice.valueMsat,
        expiresAt: decoded.expiresAt.getTime(),
        finalCltvDelta: invoice.cltvExpiry,
        amtMsat: 0,
        feeLimitMsat: Math.max(10_000, Math.floor(args.tokens * 1000 * 0.05)),
        outgoingChanIds: [],
        timeoutSeconds: 60
      })
    } catch (err) {
      cancel(err as Error)
    }
    return await Promise.race([done, failed])
  }

  addFault(f: FaultRequest): FaultRule | { type: string; ok: true } {
    switch (f.type) {
      case 'latency':
        if (f.method) this.network.faults.methodLatencyMs.set(`${this.network.node(f.node).alias} ${f.method}`, f.ms)
        else this.network.faults.rpcLatencyMs.set(this.network.node(f.node).alias, f.ms)
        return { type: f.type, ok: true }
      case 'hopLatency':
        this.network.faults.hopLatencyMs = f.ms
        return { type: f.type, ok: true }
      case 'fail':
      case 'hold': {
        const resolve = (n?: string): string | undefined => (n === undefined ? undefined : this.network.node(n).alias)
        const from = resolve(f.from)
        const to = resolve(f.to)
        const match = { ...(from ? { from } : {}), ...(to ? { to } : {}), ...(f.count ? { count: f.count } : {}) }
        return f.type === 'fail'
          ? this.network.faults.addRule({ kind: 'fail', reason: f.reason, ...match })
          : this.network.faults.addRule({ kind: 'hold', ...match })
      }
    }
  }

  /** The DHT bootstrap node dies (fault injection): existing swarm connections are unaffected. */
  async stopDht(): Promise<void> {
    await this.dht?.stop()
    this.dht = undefined
  }

  async stop(): Promise<void> {
    if (this.stopped) return
    this.stopped = true
    this.network.close()
    await this.control?.stop()
    await Promise.all([...this.servers.values()].map((s) => s.stop()))
    await Promise.all([...this.restServers.values()].map((s) => s.close()))
    await this.dht?.stop()
  }
}
