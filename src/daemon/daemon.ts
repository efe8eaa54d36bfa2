import { EventEmitter } from 'node:events'
import { connectNode } from '../lightning/connect-node.js'
import { errorDetails } from '../lightning/lnd-node.js'
import { endpointOf, nodeLabel, type NodeCredentials } from '../lightning/credentials.js'
import { RpcStats } from '../lightning/rpc-stats.js'
import { runeReport } from '../lightning/cln/rune-report.js'
import { eventLine } from './log-line.js'
import type { TightropeEvent } from '../core/events.js'
import type { LightningNode } from '../lightning/types.js'
import { backoffMs, sleep } from '../lightning/backoff.js'
import { redactError, type NodeState, type NodeStatus } from '../lightning/node-status.js'
import { pollDue } from './poll.js'
import { NODE_RETRY_MS, PayerService } from './payer-service.js'
import { Rebalancer } from './rebalancer.js'
import type { EventSink, Ledger, PayerLink, SettingsFor } from './ports.js'
import type { PeerPayOutcome, PeerPayRequest } from '../core/payment.js'
import type { ChannelSide } from './rebalancer.js'
import { inFlight } from './side-state.js'

export interface DaemonOptions {
  nodes: NodeCredentials[]
  ledger: Ledger & { close(): Promise<void> }
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
  /** Every event for the operator's terminal (the caller filters and formats); text lines by default. */
  log?: (event: TightropeEvent) => void
  /** Every event as it happens, from the first ('starting') to the last ('stopped'). */
  onEvent?: (event: TightropeEvent) => void
}

/** One configured node: its credentials, what the operator sees, and the node once it answered. */
interface Slot {
  creds: NodeCredentials
  status: NodeStatus
  node?: LightningNode
  payer?: PayerService
  /** Aborted when a config reload removes this entry: ends its connection attempts. */
  removed: AbortController
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
  private refreshRateMs: number
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
  get dryRun(): boolean {
    return this.opts.dryRun ?? false
  }
  /** The audit ledger this daemon writes (read-only use outside the daemon). */
  get ledger(): DaemonOptions['ledger'] {
    return this.opts.ledger
  }

  private constructor(private readonly opts: DaemonOptions) {
    this.slots = opts.nodes.map((creds) => this.newSlot(creds))
    this.refreshRateMs = opts.refreshRateMs
    const log = opts.log ?? ((event: TightropeEvent) => console.log(eventLine(event, 'text')))
    this.events.setMaxListeners(0)
    this.emit = (type, fields) => {
      const event = { type, at: Date.now(), ...fields } as TightropeEvent
      log(event)
      this.events.emit('event', event)
      opts.onEvent?.(event)
      // On the terminal only: writing it to the event log is what just failed.
      opts.ledger
        .appendEvent(type, fields)
        .catch((err: unknown) =>
          log({ type: 'audit_log_write_failed', at: Date.now(), error: (err as Error)?.message ?? String(err) })
        )
    }
    this.rebalancer = new Rebalancer({
      ledger: opts.ledger,
      settingsFor: opts.settingsFor,
      payerFor: (pub) => this.payerFor(pub),
      emit: this.emit,
      reevaluate: (node) => {
        if (!opts.pollOnly) this.schedule(node)
      },
      ...(opts.dryRun ? { dryRun: true } : {}),
      ...(opts.invoiceExpirySeconds ? { invoiceExpirySeconds: opts.invoiceExpirySeconds } : {})
    })
  }

  static async start(opts: DaemonOptions): Promise<Daemon> {
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
  payerFor(publicKey: string): PayerLink | undefined {
    const local = this.payers.get(publicKey)
    if (local) return { requestPayment: (req) => local.handle(req) }
    for (const source of this.remotePayers) {
      const link = source(publicKey)
      if (link) return link
    }
    return undefined
  }

  /** The channel sides we watch now (live, read by the status). */
  channelSides(): Array<ChannelSide & { inFlight?: { paymentHash: string; tokens: number } }> {
    return [...this.rebalancer.sides.values()].map((side) => {
      const f = inFlight(side.state)
      // The status shows a request once it has an invoice.
      return f?.paymentHash !== undefined
        ? { ...side, inFlight: { paymentHash: f.paymentHash, tokens: f.tokens } }
        : side
    })
  }

  /**
   * A peer's node asks ours to pay over the channel between them. Which of our nodes has the
   * channel comes from the channels we watch (no RPC); a channel we do not watch is refused
   * before any payment decision (nodeUnavailable when one of our nodes is down and might have it).
   */
  async payForPeer(req: PeerPayRequest): Promise<PeerPayOutcome> {
    const find = (): ChannelSide | undefined => {
      const sides = [...this.rebalancer.sides.values()]
      return (
        sides.find((s) => s.channelId === req.channelId && s.remotePublicKey === req.requesterPublicKey) ??
        sides.find((s) => s.channelId === req.channelId)
      )
    }
    let side = find()
    // A node proven a moment ago: our evaluation that starts watching its channels is under way.
    if (!side && req.waitMs > 0) side = await this.waitFor(find, req.waitMs)
    const payer = side && this.payers.get(side.localPublicKey)
    if (side && payer) {
      const response = await payer.handle({
        channelId: req.channelId,
        requesterPublicKey: req.requesterPublicKey,
        payerPublicKey: side.localPublicKey,
        request: req.request,
        tokens: req.tokens,
        counterparty: req.counterparty
      })
      return { kind: 'answered', response }
    }
    if ([...this.nodes.values()].some((n) => !n.connected)) {
      return {
        kind: 'notOurs',
        reason: 'nodeUnavailable',
        detail: `channel ${req.channelId} is not among our reachable nodes' channels; one of our nodes cannot reach its LND`,
        retryAt: Date.now() + NODE_RETRY_MS
      }
    }
    return { kind: 'notOurs', reason: 'unknownChannel', detail: `none of our nodes has channel ${req.channelId}` }
  }

  /** Resolves with `find()` once a channel is watched (or undefined after `ms`), without polling. */
  private waitFor(find: () => ChannelSide | undefined, ms: number): Promise<ChannelSide | undefined> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer)
        this.events.off('event', on)
        resolve(find())
      }
      const on = (e: { type: string }): void => {
        if (e.type === 'channel_watched' && find()) done()
      }
      const timer = setTimeout(done, ms)
      this.events.on('event', on)
    })
  }

  /** Every configured node in config order, with its state and last error (for the status). */
  nodeStatuses(): NodeStatus[] {
    return this.slots.map((slot) => ({ ...slot.status }))
  }

  /**
   * Resolves once every configured node has answered or failed its first attempt (each bounded by
   * the connect timeout), or the daemon stopped. The swarm waits for it: its hello proves our nodes.
   */
  settled(): Promise<void> {
    return this.firstAttempts
  }

  private async open(): Promise<void> {
    this.emit('starting', { nodes: this.opts.nodes.length, dryRun: this.opts.dryRun ?? false })
    const firsts = this.slots.map(
      (slot) =>
        new Promise<void>((resolve) => {
          this.connecting.push(this.keepConnecting(slot, resolve))
        })
    )
    this.firstAttempts = Promise.all(firsts).then(() => {
      if (this.stopped) return
      // In config order (nodes join in whatever order they answer).
      const joined = this.slots.filter((s) => s.status.state === 'connected').map((s) => s.status.alias)
      const waiting = this.slots.filter((s) => s.status.state !== 'connected').map((s) => endpointOf(s.creds))
      this.emit('started', { nodes: joined, ...(waiting.length > 0 ? { connecting: waiting } : {}) })
    })
    this.poll = setInterval(() => this.pollTick(), this.refreshRateMs)
  }

  private newSlot(creds: NodeCredentials): Slot {
    return {
      creds,
      status: { ...where(creds), state: 'connecting', since: Date.now() },
      removed: new AbortController()
    }
  }

  /**
   * A config reload: the configured nodes become `nodes`. An entry that is new (by endpoint and
   * credentials) connects as at start; one no longer there leaves at once (not evaluated, not a
   * payer for new requests), and its connection closes once its work in flight has finished
   * (bounded like a stop; a payment still in flight then is settled from LND when it is configured
   * again). Entries that stay are untouched. Resolves with the endpoints added and removed.
   */
  async setNodes(nodes: NodeCredentials[]): Promise<{ added: string[]; removed: string[] }> {
    const id = (c: NodeCredentials): string =>
      JSON.stringify(c.type === 'cln' ? [c.url, c.rune, c.cert] : [c.socket, c.cert, c.macaroon])
    const wanted = new Set(nodes.map(id))
    const gone = this.slots.filter((s) => !wanted.has(id(s.creds)))
    const kept = new Set(this.slots.filter((s) => !gone.includes(s)).map((s) => id(s.creds)))
    const fresh = nodes.filter((c) => !kept.has(id(c))).map((c) => this.newSlot(c))
    // Config order for what stays and what comes, as at start.
    const byId = new Map([...this.slots.filter((s) => !gone.includes(s)), ...fresh].map((s) => [id(s.creds), s]))
    this.slots.splice(
      0,
      this.slots.length,
      ...nodes.map((c) => byId.get(id(c))).filter((s): s is Slot => s !== undefined)
    )
    for (const slot of fresh)
      this.connecting.push(
        this.keepConnecting(slot, () => {
          /* a reload waits for no first attempt */
        })
      )
    await Promise.all(gone.map((slot) => this.retire(slot)))
    return { added: fresh.map((s) => endpointOf(s.creds)), removed: gone.map((s) => endpointOf(s.creds)) }
  }

  /** A removed entry: out of the instance now, its LND connection closed once its work is done. */
  private async retire(slot: Slot): Promise<void> {
    slot.removed.abort()
    const node = slot.node
    if (!node) return
    const key = node.identity.publicKey
    this.nodes.delete(key)
    this.payers.delete(key)
    clearTimeout(this.pending.get(key))
    this.pending.delete(key)
    await this.evaluating.get(key)
    await withGrace(Promise.all([this.rebalancer.idle(), slot.payer?.idle()]), STOP_GRACE_MS)
    this.rebalancer.forget(key)
    await node.stop()
    this.emit('node_removed', { node: node.identity.alias, ...where(slot.creds) })
    this.scheduleAll()
  }

  /** A config reload: the safety-net poll runs at the new period from now on. */
  setRefreshRate(ms: number): void {
    if (ms === this.refreshRateMs || this.stopped) return
    this.refreshRateMs = ms
    if (this.poll) clearInterval(this.poll)
    this.poll = setInterval(() => this.pollTick(), ms)
  }

  /** Connects one node, retrying with backoff (and saying so) until it joined or we stop. */
  private async keepConnecting(slot: Slot, firstAttemptDone: () => void): Promise<void> {
    const signal = AbortSignal.any([this.stopping.signal, slot.removed.signal])
    this.reportRuneLimits(slot.creds)
    for (let attempt = 0; !this.stopped && !signal.aborted; attempt++) {
      let node: LightningNode | undefined
      try {
        node = await connectNode(slot.creds, { signal })
        await this.join(slot, node)
        firstAttemptDone()
        return
      } catch (err) {
        await node?.stop()
        if (this.stopped || signal.aborted) break
        const delay = backoffMs(attempt)
        const error = this.setState(slot, 'connecting', (err as Error)?.message ?? String(err))
        this.emit('node_unreachable', { ...where(slot.creds), error, retryInMs: delay })
        firstAttemptDone()
        await sleep(delay, signal)
      }
    }
    firstAttemptDone()
  }

  /**
   * A node that answered joins the instance: payments it left pending and requests it left open
   * are settled from LND first, then it becomes a payer, is evaluated, and the others are told.
   */
  private async join(slot: Slot, node: LightningNode): Promise<void> {
    const { publicKey, alias } = node.identity
    this.refuseTwin(slot, publicKey)
    const payer = new PayerService(node, this.opts.ledger, this.opts.settingsFor, this.emit, this.opts.dryRun ?? false)
    await payer.reconcile()
    await this.rebalancer.recover([node])
    if (this.stopped || slot.removed.signal.aborted) throw new Error('stopped')
    if (!node.connected) throw new Error(`${nodeLabel(slot.creds)}: connection lost while joining`)
    this.refuseTwin(slot, publicKey) // again: another entry may have joined it meanwhile
    slot.status = { ...slot.status, alias, publicKey }
    if (!this.opts.pollOnly) node.on('changed', () => this.schedule(node))
    node.on('rpc', (r: { method: string; ms: number; ok: boolean }) => this.rpcStats.record(alias, r))
    node.on('status', (s: { connected: boolean; error?: string }) => {
      if (s.connected) void this.rejoin(slot, node)
      else this.leave(slot, node, s.error ?? 'connection lost')
    })
    this.enter(slot, node, payer)
    this.emit('node_connected', { node: alias, publicKey, ...where(slot.creds) })
  }

  /**
   * A CLN rune that refuses a method we need fails that call with a 401 the first time it is made
   * (a payment, perhaps hours later): said once, at start or reload, as `config check` says it.
   */
  private reportRuneLimits(creds: NodeCredentials): void {
    if (creds.type !== 'cln') return
    const { problems, warnings } = runeReport(creds.rune, Math.floor(Date.now() / 1000))
    if (problems.length > 0 || warnings.length > 0)
      this.emit('node_rune_limits', { endpoint: endpointOf(creds), problems, warnings })
  }

  /** Two config entries for one node would make it pay and be evaluated twice. */
  private refuseTwin(slot: Slot, publicKey: string): void {
    const twin = this.slots.find((s) => s !== slot && s.node?.identity.publicKey === publicKey)
    if (twin)
      throw new Error(`${nodeLabel(slot.creds)} is node ${publicKey}, already configured as ${endpointOf(twin.creds)}`)
  }

  /** Back after a loss: payments it had in flight are settled from LND before it pays again. */
  private async rejoin(slot: Slot, node: LightningNode): Promise<void> {
    await slot.payer?.reconcile().catch(() => {
      /* its payments stay pending; each is looked up again before the next request on its channel */
    })
    if (this.stopped || !node.connected || slot.node !== node || !slot.payer) return
    this.enter(slot, node, slot.payer)
    this.emit('node_reconnected', { node: node.identity.alias })
  }

  private enter(slot: Slot, node: LightningNode, payer: PayerService): void {
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
  private leave(slot: Slot, node: LightningNode, reason: string): void {
    if (this.stopped || slot.node !== node) return
    const id = node.identity.publicKey
    this.nodes.delete(id)
    const timer = this.pending.get(id)
    if (timer) clearTimeout(timer)
    this.pending.delete(id)
    const error = this.setState(slot, 'lost', reason)
    this.emit('node_disconnected', { node: node.identity.alias, ...where(slot.creds), error })
    this.scheduleAll()
  }

  /** Records a node's state (and its error, redacted); returns the error as recorded. */
  private setState(slot: Slot, state: NodeState, error?: string): string | undefined {
    const redacted = error === undefined ? undefined : redactError(error, slot.creds)
    const { error: _previous, ...rest } = slot.status
    slot.status = {
      ...rest,
      state,
      since: state === slot.status.state ? slot.status.since : Date.now(),
      ...(redacted !== undefined ? { error: redacted } : {})
    }
    return redacted
  }

  /** The safety net: evaluates the nodes whose event streams are not (yet) to be trusted. */
  private pollTick(): void {
    this.pollTicks++
    const now = Date.now()
    for (const node of this.nodes.values()) {
      const streamsSince = node.streamsSince
      const lastEvaluatedAt = this.lastEvaluatedAt.get(node.identity.publicKey)
      if (
        this.opts.pollOnly ||
        pollDue({
          now,
          refreshRateMs: this.refreshRateMs,
          ...(streamsSince !== undefined ? { streamsSince } : {}),
          ...(lastEvaluatedAt !== undefined ? { lastEvaluatedAt } : {})
        })
      ) {
        this.polled.set(node.identity.publicKey, (this.polled.get(node.identity.publicKey) ?? 0) + 1)
        this.schedule(node)
      }
    }
  }

  /** Every node evaluated again soon (e.g. after its settings changed). */
  reevaluateAll(): void {
    this.scheduleAll()
  }

  private scheduleAll(): void {
    for (const node of this.nodes.values()) this.schedule(node)
  }

  /** Coalesces bursts of events into one evaluation per node; never two at once for a node. */
  schedule(node: LightningNode): void {
    const id = node.identity.publicKey
    // A node not (or no longer) part of the instance is not evaluated: it rejoins with a schedule.
    if (this.stopped || this.nodes.get(id) !== node) return
    if (this.evaluating.has(id)) {
      this.dirty.add(id)
      return
    }
    if (this.pending.has(id)) return
    this.pending.set(
      id,
      setTimeout(() => {
        this.pending.delete(id)
        this.lastEvaluatedAt.set(id, Date.now())
        const run = this.rebalancer
          .evaluate(node)
          .catch((err: unknown) => this.emit('evaluate_error', { node: node.identity.alias, error: errorDetails(err) }))
          .finally(() => {
            this.evaluating.delete(id)
            if (this.dirty.delete(id)) this.schedule(node)
            this.armWake()
          })
        this.evaluating.set(id, run)
      }, EVALUATE_DEBOUNCE_MS)
    )
  }

  /** One timer for the whole daemon: the earliest moment any decision could change on its own. */
  private armWake(): void {
    if (this.stopped || this.opts.pollOnly) return
    if (this.wake) clearTimeout(this.wake)
    const at = this.rebalancer.nextWakeAt()
    if (at === undefined) return
    this.wake = setTimeout(() => this.scheduleAll(), Math.max(0, Math.min(at - Date.now(), 2 ** 31 - 1)))
  }

  async stop(): Promise<void> {
    if (this.stopped) return
    this.stopped = true
    this.stopping.abort()
    if (this.poll) clearInterval(this.poll)
    if (this.wake) clearTimeout(this.wake)
    for (const t of this.pending.values()) clearTimeout(t)
    this.pending.clear()
    await Promise.allSettled([...this.evaluating.values(), ...this.connecting])
    // Our requests, and the payments our payers make for peers, get the same grace.
    const gaveUp = !(await withGrace(
      Promise.all([this.rebalancer.idle(), ...[...this.payers.values()].map((p) => p.idle())]),
      STOP_GRACE_MS
    ))
    if (gaveUp)
      this.emit('stopping_with_work_in_flight', {
        detail:
          'payments still in flight are recorded as pending and will be settled from the node record at the next start'
      })
    for (const slot of this.slots) await slot.node?.stop()
    this.emit('stopped', {})
    await this.opts.ledger.close()
  }
}

/** `work`, given at most `ms` (the rest is left to finish on its own): true when it finished. */
async function withGrace(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  try {
    return await Promise.race([
      work.then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), ms)
      })
    ])
  } finally {
    clearTimeout(timer)
  }
}

/** How events and the status name a node: its endpoint, and LND's socket under its old name too. */
function where(creds: NodeCredentials): { endpoint: string; socket?: string } {
  return { endpoint: endpointOf(creds), ...(creds.type !== 'cln' ? { socket: creds.socket } : {}) }
}
