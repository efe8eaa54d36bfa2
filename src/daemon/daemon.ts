import { EventEmitter } from 'node:events'
import { errorDetails, LndNode, type LndCredentials } from '../lightning/lnd-node.js'
import { RpcStats } from './rpc-stats.js'
import { formatFields } from './log-line.js'
import type { LightningNode } from '../lightning/types.js'
import { backoffMs, sleep } from '../lightning/backoff.js'
import { redactError, type NodeState, type NodeStatus } from './node-status.js'
import { pollDue } from './poll.js'
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
  /**
   * Benchmark only (never read from the config): ignore LND's events and poll every node every
   * refreshRate, as the original did, to measure what reacting to events buys.
   */
  pollOnly?: boolean
  /** One line per event for the operator's terminal. */
  log?: (line: string) => void
  /** Every event as it happens, from the first ('starting') to the last ('stopped'). */
  onEvent?: (event: { type: string; at: number } & Record<string, unknown>) => void
}

/** One configured node: its credentials, what the operator sees, and the node once it answered. */
interface Slot {
  creds: LndCredentials
  status: NodeStatus
  node?: LightningNode
  payer?: PayerService
}

const EVALUATE_DEBOUNCE_MS = 20
/** How long a graceful stop waits for payments in flight (an HTLC can be held for hours). Past it,
 * the durable 'pending' entries make the next start settle them from LND's own record. */
const STOP_GRACE_MS = 15_000

/**
 * One Tightrope instance: its own Lightning nodes, the payer service of each, the rebalancer, and
 * the scheduling that runs them on events (with polling as a safety net). Owns the lifecycle:
 * start returns at once and connects each node on its own (one that never answers holds no other
 * back); a node joins when it connected and recovered from the ledger, and leaves while it is lost.
 * Stop ends every connection attempt at once, waits for work in flight and flushes the logs.
 */
export class Daemon {
  /** The nodes that are part of the instance now (connected), by public key: live, read by the swarm. */
  readonly nodes = new Map<string, LightningNode>()
  /**
   * The payer of each node that joined, by public key: live, read by the swarm. A lost node's payer
   * stays: a peer asking it is refused with nodeUnavailable and a retry time (its LND does not
   * answer), not told that we have no such channel (which would make it wait much longer).
   */
  readonly payers = new Map<string, PayerService>()
  readonly rebalancer: Rebalancer
  /** Extra sources of payers for remote nodes (the swarm adds itself here). */
  readonly remotePayers: Array<(publicKey: string) => PayerLink | undefined> = []
  private readonly pending = new Map<string, NodeJS.Timeout>()
  private readonly evaluating = new Map<string, Promise<void>>()
  private readonly dirty = new Set<string>()
  private readonly lastEvaluatedAt = new Map<string, number>()
  /** Safety-net poll ticks so far (tests wait for ticks, not for time). */
  pollTicks = 0
  /** Evaluations the poll asked for, by node public key (tests: which nodes the safety net polled). */
  readonly polled = new Map<string, number>()
  private poll: NodeJS.Timeout | undefined
  private wake: NodeJS.Timeout | undefined
  private stopped = false
  /** Aborted by stop(): ends connection attempts and backoffs at once. */
  private readonly stopping = new AbortController()
  private readonly slots: Slot[]
  private readonly connecting: Array<Promise<void>> = []
  private firstAttempts: Promise<void> = Promise.resolve()
  readonly emit: EventSink
  /** Every event as it happens ('event', { type, at, ...fields }), for the API's live stream. */
  readonly events = new EventEmitter()
  readonly rpcStats = new RpcStats()
  readonly startedAt = Date.now()
  get dryRun (): boolean { return this.opts.dryRun ?? false }
  /** The audit ledger this daemon writes (read-only use outside the daemon). */
  get ledger (): DaemonOptions['ledger'] { return this.opts.ledger }

  private constructor (private readonly opts: DaemonOptions) {
    this.slots = opts.nodes.map((creds) => ({ creds, status: { socket: creds.socket, state: 'connecting', since: Date.now() } }))
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
      reevaluate: (node) => { if (!opts.pollOnly) this.schedule(node) },
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

  /** Every configured node in config order, with its state and last error (for the status). */
  nodeStatuses (): NodeStatus[] {
    return this.slots.map((slot) => ({ ...slot.status }))
  }

  /**
   * Resolves once every configured node has answered or failed its first attempt (each bounded by
   * the connect timeout), or the daemon stopped. The swarm waits for it: its hello proves our nodes.
   */
  settled (): Promise<void> { return this.firstAttempts }

  private async open (): Promise<void> {
    this.emit('starting', { nodes: this.opts.nodes.length, dryRun: this.opts.dryRun ?? false })
    const firsts = this.slots.map((slot) => new Promise<void>((resolve) => { this.connecting.push(this.keepConnecting(slot, resolve)) }))
    this.firstAttempts = Promise.all(firsts).then(() => {
      if (this.stopped) return
      // In config order (nodes join in whatever order they answer).
      const joined = this.slots.filter((s) => s.status.state === 'connected').map((s) => s.status.alias)
      const waiting = this.slots.filter((s) => s.status.state !== 'connected').map((s) => s.creds.socket)
      this.emit('started', { nodes: joined, ...(waiting.length > 0 ? { connecting: waiting } : {}) })
    })
    this.poll = setInterval(() => this.pollTick(), this.opts.refreshRateMs)
  }

  /** Connects one node, retrying with backoff (and saying so) until it joined or we stop. */
  private async keepConnecting (slot: Slot, firstAttemptDone: () => void): Promise<void> {
    for (let attempt = 0; !this.stopped; attempt++) {
      let node: LndNode | undefined
      try {
        node = await LndNode.connect(slot.creds, { signal: this.stopping.signal })
        await this.join(slot, node)
        firstAttemptDone()
        return
      } catch (err) {
        await node?.stop()
        if (this.stopped) break
        const delay = backoffMs(attempt)
        const error = this.setState(slot, 'connecting', (err as Error)?.message ?? String(err))
        this.emit('node_unreachable', { socket: slot.creds.socket, error, retryInMs: delay })
        firstAttemptDone()
        await sleep(delay, this.stopping.signal)
      }
    }
    firstAttemptDone()
  }

  /**
   * A node that answered joins the instance: payments it left pending and requests it left open
   * are settled from LND first, then it becomes a payer, is evaluated, and the others are told.
   */
  private async join (slot: Slot, node: LndNode): Promise<void> {
    const { publicKey, alias } = node.identity
    this.refuseTwin(slot, publicKey)
    const payer = new PayerService(node, this.opts.ledger, this.opts.settingsFor, this.emit, this.opts.dryRun ?? false)
    await payer.reconcile()
    await this.rebalancer.recover([node])
    if (this.stopped) throw new Error('stopped')
    if (!node.connected) throw new Error(`LND at ${slot.creds.socket}: connection lost while joining`)
    this.refuseTwin(slot, publicKey) // again: another entry may have joined it meanwhile
    slot.status = { ...slot.status, alias, publicKey }
    if (!this.opts.pollOnly) node.on('changed', () => this.schedule(node))
    node.on('rpc', (r: { method: string; ms: number; ok: boolean }) => this.rpcStats.record(alias, r))
    node.on('status', (s: { connected: boolean; error?: string }) => {
      if (s.connected) void this.rejoin(slot, node)
      else this.leave(slot, node, s.error ?? 'connection lost')
    })
    this.enter(slot, node, payer)
    this.emit('node_connected', { node: alias, publicKey, socket: slot.creds.socket })
  }

  /** Two config entries for one node would make it pay and be evaluated twice. */
  private refuseTwin (slot: Slot, publicKey: string): void {
    const twin = this.slots.find((s) => s !== slot && s.node?.identity.publicKey === publicKey)
    if (twin) throw new Error(`LND at ${slot.creds.socket} is node ${publicKey}, already configured as ${twin.creds.socket}`)
  }

  /** Back after a loss: payments it had in flight are settled from LND before it pays again. */
  private async rejoin (slot: Slot, node: LightningNode): Promise<void> {
    await slot.payer?.reconcile().catch(() => {})
    if (this.stopped || !node.connected || slot.node !== node || !slot.payer) return
    this.enter(slot, node, slot.payer)
    this.emit('node_reconnected', { node: node.identity.alias })
  }

  private enter (slot: Slot, node: LightningNode, payer: PayerService): void {
    slot.node = node
    slot.payer = payer
    this.setState(slot, 'connected')
    // Rebuilt in config order, whatever order nodes answer in (the swarm's hello lists them so).
    this.nodes.clear()
    this.payers.clear()
    for (const s of this.slots) {
      if (!s.node || !s.payer) continue
      if (s.status.state === 'connected') this.nodes.set(s.node.identity.publicKey, s.node)
      this.payers.set(s.node.identity.publicKey, s.payer)
    }
    // Every node: the newcomer's channels, and the others' channels to it now have a payer.
    this.scheduleAll()
  }

  /** Lost: not evaluated, not offered to peers, until it is back (it reconnects by itself). */
  private leave (slot: Slot, node: LightningNode, reason: string): void {
    if (this.stopped || slot.node !== node) return
    const id = node.identity.publicKey
    this.nodes.delete(id)
    const timer = this.pending.get(id)
    if (timer) clearTimeout(timer)
    this.pending.delete(id)
    const error = this.setState(slot, 'lost', reason)
    this.emit('node_disconnected', { node: node.identity.alias, socket: slot.creds.socket, error })
    this.scheduleAll()
  }

  /** Records a node's state (and its error, redacted); returns the error as recorded. */
  private setState (slot: Slot, state: NodeState, error?: string): string | undefined {
    const redacted = error === undefined ? undefined : redactError(error, slot.creds)
    const { error: _previous, ...rest } = slot.status
    slot.status = { ...rest, state, since: state === slot.status.state ? slot.status.since : Date.now(), ...(redacted !== undefined ? { error: redacted } : {}) }
    return redacted
  }

  /** The safety net: evaluates the nodes whose event streams are not (yet) to be trusted. */
  private pollTick (): void {
    this.pollTicks++
    const now = Date.now()
    for (const node of this.nodes.values()) {
      const streamsSince = node.streamsSince
      const lastEvaluatedAt = this.lastEvaluatedAt.get(node.identity.publicKey)
      if (this.opts.pollOnly || pollDue({ now, refreshRateMs: this.opts.refreshRateMs, ...(streamsSince !== undefined ? { streamsSince } : {}), ...(lastEvaluatedAt !== undefined ? { lastEvaluatedAt } : {}) })) {
        this.polled.set(node.identity.publicKey, (this.polled.get(node.identity.publicKey) ?? 0) + 1)
        this.schedule(node)
      }
    }
  }

  private scheduleAll (): void {
    for (const node of this.nodes.values()) this.schedule(node)
  }

  /** Coalesces bursts of events into one evaluation per node; never two at once for a node. */
  schedule (node: LightningNode): void {
    const id = node.identity.publicKey
    // A node not (or no longer) part of the instance is not evaluated: it rejoins with a schedule.
    if (this.stopped || this.nodes.get(id) !== node) return
    if (this.evaluating.has(id)) { this.dirty.add(id); return }
    if (this.pending.has(id)) return
    this.pending.set(id, setTimeout(() => {
      this.pending.delete(id)
      this.lastEvaluatedAt.set(id, Date.now())
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
    if (this.stopped || this.opts.pollOnly) return
    if (this.wake) clearTimeout(this.wake)
    const at = this.rebalancer.nextWakeAt()
    if (at === undefined) return
    this.wake = setTimeout(() => this.scheduleAll(), Math.max(0, Math.min(at - Date.now(), 2 ** 31 - 1)))
  }

  async stop (): Promise<void> {
    if (this.stopped) return
    this.stopped = true
    this.stopping.abort()
    if (this.poll) clearInterval(this.poll)
    if (this.wake) clearTimeout(this.wake)
    for (const t of this.pending.values()) clearTimeout(t)
    this.pending.clear()
    await Promise.allSettled([...this.evaluating.values(), ...this.connecting])
    let timer: NodeJS.Timeout | undefined
    const gaveUp = await Promise.race([
      this.rebalancer.idle().then(() => false),
      new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(true), STOP_GRACE_MS) })
    ])
    clearTimeout(timer)
    if (gaveUp) this.emit('stopping_with_work_in_flight', { detail: 'payments still in flight are recorded as pending and will be settled from LND at the next start' })
    for (const slot of this.slots) await slot.node?.stop()
    this.emit('stopped', {})
    await this.opts.ledger.close()
  }
}
