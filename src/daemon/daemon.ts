import { EventEmitter } from 'node:events'
import { errorDetails, LndNode, type LndCredentials } from '../lightning/lnd-node.js'
import { RpcStats } from './rpc-stats.js'
import { formatFields } from './log-line.js'
import type { LightningNode } from '../lightning/types.js'
import { backoffMs } from '../lightning/backoff.js'
import { PayerService } from './payer-service.js'
import { Rebalancer } from './rebalancer.js'
import type { EventSink, Ledger, PayerLink, SettingsFor } from './ports.js'

export interface DaemonOptions {
  nodes: LndCredentials[]
  ledger: Ledger & { close (): Promise<void> }
  settingsFor: SettingsFor
  /** Safety-net polling period; events drive everything else. */
  refreshRateMs: number
  dryRun?: boolean
  invoiceExpirySeconds?: number
  /** One line per event for the operator's terminal. */
  log?: (line: string) => void
  /** Every event as it happens, from the first ('starting') to the last ('stopped'). */
  onEvent?: (event: { type: string; at: number } & Record<string, unknown>) => void
}

const EVALUATE_DEBOUNCE_MS = 20
/** How long a graceful stop waits for payments in flight (an HTLC can be held for hours). Past it,
 * the durable 'pending' entries make the next start settle them from LND's own record. */
const STOP_GRACE_MS = 15_000

/**
 * One Tightrope instance: its own Lightning nodes, the payer service of each, the rebalancer, and
 * the scheduling that runs them on events (with polling as a safety net). Owns the lifecycle:
 * start connects and recovers from the ledger; stop waits for work in flight and flushes the logs.
 */
export class Daemon {
  readonly nodes = new Map<string, LightningNode>()
  readonly payers = new Map<string, PayerService>()
  readonly rebalancer: Rebalancer
  /** Extra sources of payers for remote nodes (the swarm adds itself here). */
  readonly remotePayers: Array<(publicKey: string) => PayerLink | undefined> = []
  private readonly pending = new Map<string, NodeJS.Timeout>()
  private readonly evaluating = new Map<string, Promise<void>>()
  private readonly dirty = new Set<string>()
  private poll: NodeJS.Timeout | undefined
  private wake: NodeJS.Timeout | undefined
  private stopped = false
  readonly emit: EventSink
  /** Every event as it happens ('event', { type, at, ...fields }), for the API's live stream. */
  readonly events = new EventEmitter()
  readonly rpcStats = new RpcStats()
  readonly startedAt = Date.now()
  get dryRun (): boolean { return this.opts.dryRun ?? false }
  /** The audit ledger this daemon writes (read-only use outside the daemon). */
  get ledger (): DaemonOptions['ledger'] { return this.opts.ledger }

  private constructor (private readonly opts: DaemonOptions) {
    const log = opts.log ?? ((line: string) => console.log(line))
    this.events.setMaxListeners(0)
    this.emit = (type, fields) => {
      log(`${new Date().toISOString()} ${type} ${formatFields(fields)}`)
      const event = { type, at: Date.now(), ...fields }
      this.events.emit('event', event)
      opts.onEvent?.(event)
      opts.ledger.appendEvent(type, fields).catch((err: unknown) => log(`audit log write failed: ${(err as Error)?.message ?? err}`))
    }
    this.rebalancer = new Rebalancer({
      ledger: opts.ledger,
      settingsFor: opts.settingsFor,
      payerFor: (pub) => this.payerFor(pub),
      emit: this.emit,
      reevaluate: (node) => this.schedule(node),
      ...(opts.dryRun ? { dryRun: true } : {}),
      ...(opts.invoiceExpirySeconds ? { invoiceExpirySeconds: opts.invoiceExpirySeconds } : {})
    })
  }

  static async start (opts: DaemonOptions): Promise<Daemon> {
    const daemon = new Daemon(opts)
    try {
      await daemon.open()
      return daemon
    } catch (err) {
      await daemon.stop()
      throw err
    }
  }

  /** A payer for the far end of a channel: one of our own nodes, or a proven remote peer. */
  payerFor (publicKey: string): PayerLink | undefined {
    const local = this.payers.get(publicKey)
    if (local) return { requestPayment: (req) => local.handle(req) }
    for (const source of this.remotePayers) {
      const link = source(publicKey)
      if (link) return link
    }
    return undefined
  }

  private async open (): Promise<void> {
    this.emit('starting', { nodes: this.opts.nodes.length, dryRun: this.opts.dryRun ?? false })
    for (const creds of this.opts.nodes) {
      const node = await this.connect(creds)
      if (!node) return
      this.nodes.set(node.identity.publicKey, node)
      this.payers.set(node.identity.publicKey, new PayerService(node, this.opts.ledger, this.opts.settingsFor, this.emit, this.opts.dryRun ?? false))
      node.on('changed', () => this.schedule(node))
      node.on('rpc', (r: { method: string; ms: number; ok: boolean }) => this.rpcStats.record(node.identity.alias, r))
      node.on('status', (s: { connected: boolean; error?: string }) => {
        this.emit(s.connected ? 'node_reconnected' : 'node_disconnected', { node: node.identity.alias, ...(s.error ? { error: s.error } : {}) })
        if (s.connected) void this.payers.get(node.identity.publicKey)?.reconcile().catch(() => {})
      })
      this.emit('node_connected', { node: node.identity.alias, publicKey: node.identity.publicKey, socket: creds.socket })
    }
    for (const payer of this.payers.values()) await payer.reconcile()
    await this.rebalancer.recover([...this.nodes.values()])
    this.poll = setInterval(() => { for (const node of this.nodes.values()) this.schedule(node) }, this.opts.refreshRateMs)
    for (const node of this.nodes.values()) this.schedule(node)
    this.emit('started', { nodes: [...this.nodes.values()].map((n) => n.identity.alias) })
  }

  /** Connects to one LND, retrying with backoff (and saying so) until it answers or we stop. */
  private async connect (creds: LndCredentials): Promise<LightningNode | undefined> {
    for (let attempt = 0; !this.stopped; attempt++) {
      try {
        return await LndNode.connect(creds)
      } catch (err) {
        const delay = backoffMs(attempt)
        this.emit('node_unreachable', { socket: creds.socket, error: (err as Error).message, retryInMs: delay })
        await new Promise((resolve) => setTimeout(resolve, delay))
      }
    }
    return undefined
  }

  /** Coalesces bursts of events into one evaluation per node; never two at once for a node. */
  schedule (node: LightningNode): void {
    if (this.stopped) return
    const id = node.identity.publicKey
    if (this.evaluating.has(id)) { this.dirty.add(id); return }
    if (this.pending.has(id)) return
    this.pending.set(id, setTimeout(() => {
      this.pending.delete(id)
      const run = this.rebalancer.evaluate(node)
        .catch((err: unknown) => this.emit('evaluate_error', { node: node.identity.alias, error: errorDetails(err) }))
        .finally(() => {
          this.evaluating.delete(id)
          if (this.dirty.delete(id)) this.schedule(node)
          this.armWake()
        })
      this.evaluating.set(id, run)
    }, EVALUATE_DEBOUNCE_MS))
  }

  /** One timer for the whole daemon: the earliest moment any decision could change on its own. */
  private armWake (): void {
    if (this.stopped) return
    if (this.wake) clearTimeout(this.wake)
    const at = this.rebalancer.nextWakeAt()
    if (at === undefined) return
    this.wake = setTimeout(() => { for (const node of this.nodes.values()) this.schedule(node) }, Math.max(0, Math.min(at - Date.now(), 2 ** 31 - 1)))
  }

  async stop (): Promise<void> {
    if (this.stopped) return
    this.stopped = true
    if (this.poll) clearInterval(this.poll)
    if (this.wake) clearTimeout(this.wake)
    for (const t of this.pending.values()) clearTimeout(t)
    this.pending.clear()
    await Promise.allSettled([...this.evaluating.values()])
    let timer: NodeJS.Timeout | undefined
    const gaveUp = await Promise.race([
      this.rebalancer.idle().then(() => false),
      new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(true), STOP_GRACE_MS) })
    ])
    clearTimeout(timer)
    if (gaveUp) this.emit('stopping_with_work_in_flight', { detail: 'payments still in flight are recorded as pending and will be settled from LND at the next start' })
    for (const node of this.nodes.values()) await node.stop()
    this.emit('stopped', {})
    await this.opts.ledger.close()
  }
}
