import type { LightningNode } from '../lightning/types.js'
import type { ChannelView } from '../lightning/channel-view.js'
import type { Settings } from '../config/types.js'
import { decideRequest, type RequestDecision } from '../policy/request.js'
import { localShare } from '../policy/share.js'
import { latestByHash } from '../policy/history.js'
import {
  endedSince,
  gateAt,
  gateDetail,
  IDLE,
  inFlight,
  transition,
  type SideEvent,
  type SideState
} from './side-state.js'
import type { EventSink, Ledger, PayerLink, PayResponse, SettingsFor } from './ports.js'
import { slotWait, type SlotWait } from './request-slots.js'

/** What the daemon knows and decided about one side of one watched channel. */
export interface ChannelSide {
  channelId: string
  localAlias: string
  localPublicKey: string
  remotePublicKey: string
  share: number
  settings: Settings
  decision:
    | RequestDecision
    | { action: 'wait'; reason: 'peerRefused'; until: number; detail: string }
    /** It would ask, but its node (or the instance) has as many requests out as a payer admits. */
    | SlotWait
  /** The request's phase and the gate on the next one: changed only by transition() (side-state.ts). */
  state: SideState
  lastAttemptAt?: number
  updatedAt: number
}

export interface RebalancerOptions {
  ledger: Ledger
  settingsFor: SettingsFor
  /** Who pays for the far end of a channel, if anyone we can ask. */
  payerFor: (remotePublicKey: string) => PayerLink | undefined
  emit: EventSink
  dryRun?: boolean
  invoiceExpirySeconds?: number
  /** Asks for another evaluation of a node soon (the daemon's scheduler). */
  reevaluate?: (node: LightningNode) => void
}

const key = (localPublicKey: string, channelId: string): string => `${localPublicKey}:${channelId}`

/**
 * The requester's side: for each watched channel of our nodes, decide (policy/decideRequest),
 * and when our side is poor, create an invoice and ask the far end's payer to pay it. A payment is
 * confirmed by our own invoice's state, never by anyone's word.
 */
export class Rebalancer {
  readonly sides = new Map<string, ChannelSide>()
  private readonly running = new Set<Promise<void>>()
  private lastAsked = new Map<string, number>()
  /** Requests asked and not answered yet, per node, and the nodes that waited for a free slot. */
  private readonly asking = new Map<string, number>()
  private readonly waitingForSlot = new Set<LightningNode>()

  constructor(private readonly opts: RebalancerOptions) {}

  /** Restores what the ledger says: when each side last asked, and requests left open by a crash. */
  async recover(nodes: LightningNode[]): Promise<void> {
    const records = this.opts.ledger.allTransactions()
    const lastAsked = new Map<string, number>()
    for (const r of records)
      if (r.role === 'requester' && r.status === 'requested') lastAsked.set(key(r.localPublicKey, r.channelId), r.at)
    this.lastAsked = lastAsked
    // A copy: the index's map changes as the conclusions found here are appended.
    for (const entry of [...latestByHash(records, 'requester').values()]) {
      if (entry.status !== 'requested' || !entry.paymentHash) continue
      const node = nodes.find((n) => n.identity.publicKey === entry.localPublicKey)
      if (!node) continue
      // An open request from before the restart: if it was paid, record it; otherwise cancel the
      // invoice so a late payment cannot arrive unrecorded, and ask again later.
      let state = await node.getInvoiceState(entry.paymentHash)
      if (state === 'open') {
        await node.cancelInvoice(entry.paymentHash).catch(() => {
          /* the state read next says whether it is still open */
        })
        state = await node.getInvoiceState(entry.paymentHash)
      }
      // Still payable (LND did not cancel it): concluding now would let a late payment arrive
      // unrecorded. The node's join fails and is tried again, which withdraws it again.
      if (state === 'open') throw new Error(`cannot withdraw open invoice ${entry.paymentHash} from before the restart`)
      await this.conclude(
        node,
        entry.channelId,
        entry.remotePublicKey,
        entry.tokens,
        entry.paymentHash,
        state === 'settled'
          ? { status: 'paid', paymentHash: entry.paymentHash }
          : { status: 'failed', reason: 'requesterRestarted' }
      )
    }
  }

  /** Looks at every channel of one node and acts on the decisions. Safe to call at any time. */
  async evaluate(node: LightningNode): Promise<void> {
    const fetchedAt = Date.now()
    const channels = await node.getChannels()
    const now = Date.now()
    const seen = new Set<string>()
    for (const channel of channels) {
      const payer = this.opts.payerFor(channel.remotePublicKey)
      if (!payer) continue
      const k = key(node.identity.publicKey, channel.id)
      seen.add(k)
      const side = this.update(node, channel, k, now)
      if (endedSince(side.state, fetchedAt) || (await this.checkInFlight(node, side))) {
        // The request just finished: these balances predate it. Decide again on fresh ones.
        this.opts.reevaluate?.(node)
        continue
      }
      this.decide(side, channel, now, { node: this.asking.get(node.identity.publicKey) ?? 0, total: this.running.size })
      if (side.decision.action === 'request') this.start(node, side, side.decision.tokens, payer)
      else if (side.decision.reason === 'requestSlot') this.waitingForSlot.add(node) // evaluated again when a request ends
    }
    for (const [k, side] of this.sides) {
      if (side.localPublicKey === node.identity.publicKey && !seen.has(k) && inFlight(side.state) === undefined) {
        this.sides.delete(k)
        this.opts.emit('channel_unwatched', { channelId: side.channelId, node: side.localAlias })
      }
    }
  }

  /** The earliest moment a decision could change without any event: a wait ending, an invoice expiring. */
  nextWakeAt(): number | undefined {
    let next: number | undefined
    const consider = (t: number | undefined): void => {
      if (t !== undefined && (next === undefined || t < next)) next = t
    }
    for (const side of this.sides.values()) {
      if (side.decision.action === 'wait' && 'until' in side.decision) consider(side.decision.until)
      const f = inFlight(side.state)
      if (f?.expiresAt !== undefined) consider(f.expiresAt + 1000)
    }
    return next
  }

  /** Resolves when every request under way has finished (for a graceful stop). */
  /** A node removed from the config: its channel sides are no longer watched. */
  forget(localPublicKey: string): void {
    for (const [k, side] of this.sides) {
      if (side.localPublicKey !== localPublicKey) continue
      this.sides.delete(k)
      this.opts.emit('channel_unwatched', { channelId: side.channelId, node: side.localAlias })
    }
  }

  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running])
  }

  private update(node: LightningNode, channel: ChannelView, k: string, now: number): ChannelSide {
    const settings = this.opts.settingsFor(node.identity.alias, channel.id)
    const existing = this.sides.get(k)
    if (existing) {
      existing.settings = settings
      existing.updatedAt = now
      return existing
    }
    const side: ChannelSide = {
      channelId: channel.id,
      localAlias: node.identity.alias,
      localPublicKey: node.identity.publicKey,
      remotePublicKey: channel.remotePublicKey,
      share: localShare(channel),
      settings,
      decision: { action: 'none', reason: 'balanced', detail: 'not evaluated yet' },
      state: IDLE,
      updatedAt: now,
      ...(this.lastAsked.has(k) ? { lastAttemptAt: this.lastAsked.get(k) as number } : {})
    }
    this.sides.set(k, side)
    this.opts.emit('channel_watched', {
      channelId: channel.id,
      node: node.identity.alias,
      remotePublicKey: channel.remotePublicKey,
      share: side.share
    })
    return side
  }

  /**
   * Share and decision always come from the same view of the channel (the status shows both).
   * `asking`: the requests out for this node and in all (no slot free: it waits for one).
   */
  private decide(side: ChannelSide, channel: ChannelView, now: number, asking?: { node: number; total: number }): void {
    const before = side.decision
    side.share = localShare(channel)
    let decision: ChannelSide['decision'] = decideRequest({
      channel,
      settings: side.settings,
      inFlight: inFlight(side.state) !== undefined,
      ...(side.lastAttemptAt !== undefined ? { lastAttemptAt: side.lastAttemptAt } : {}),
      now
    })
    const gate = gateAt(side.state, now)
    if (decision.action === 'request' && gate !== undefined) {
      decision = { action: 'wait', reason: 'peerRefused', until: gate.until, detail: gateDetail(gate) }
    } else if (decision.action === 'request' && asking !== undefined) {
      decision = slotWait(decision.tokens, asking) ?? decision
    }
    side.decision = decision
    if (before.action !== decision.action || before.reason !== decision.reason) {
      this.opts.emit('decision', {
        channelId: side.channelId,
        node: side.localAlias,
        action: decision.action,
        reason: decision.reason,
        detail: decision.detail,
        share: side.share
      })
    }
  }

  private start(node: LightningNode, side: ChannelSide, tokens: number, payer: PayerLink): void {
    side.lastAttemptAt = Date.now()
    if (this.opts.dryRun) {
      this.opts.emit('dry_run_request', { channelId: side.channelId, node: side.localAlias, tokens })
      return
    }
    // Reserve the slot synchronously: a second evaluation must not start another request.
    this.step(side, { type: 'reserve', tokens })
    const task = this.request(node, side, tokens, payer).catch((err: unknown) => {
      const error = (err as Error)?.message ?? String(err)
      this.opts.emit('request_error', { channelId: side.channelId, node: side.localAlias, error })
      // Whatever broke (LND, the audit storage) will not be mended by asking again at once.
      this.step(side, { type: 'failed', detail: error, settings: side.settings })
    })
    const id = node.identity.publicKey
    this.asking.set(id, (this.asking.get(id) ?? 0) + 1)
    this.running.add(task)
    void task.finally(() => {
      this.running.delete(task)
      this.asking.set(id, (this.asking.get(id) ?? 1) - 1)
      for (const waiting of this.waitingForSlot) if (waiting !== node) this.opts.reevaluate?.(waiting)
      this.waitingForSlot.clear()
      // The request ended (paid, refused, failed): what this side needs next is decided on fresh
      // balances now, not at the next poll (which runs only for nodes whose streams are not live).
      this.opts.reevaluate?.(node)
    })
  }

  private async request(node: LightningNode, side: ChannelSide, tokens: number, payer: PayerLink): Promise<void> {
    // An hour: a payer whose clock is minutes off still sees the invoice valid. A refused or failed
    // request's invoice is cancelled at once; only an unanswered one is watched until it expires.
    const expirySeconds = this.opts.invoiceExpirySeconds ?? 3600
    const invoice = await node.createInvoice({
      tokens,
      description: `tightrope rebalance ${side.channelId}`,
      expirySeconds
    })
    this.step(side, { type: 'invoiced', paymentHash: invoice.paymentHash, expiresAt: invoice.expiresAt })
    try {
      await this.ask(node, side, tokens, payer, invoice)
    } finally {
      // Not concluded by its own task: our invoice's state decides, at the next evaluations. While
      // the task runs ('asking') an evaluation leaves the request alone, so it concludes once.
      this.step(side, { type: 'released', paymentHash: invoice.paymentHash })
    }
  }

  private async ask(
    node: LightningNode,
    side: ChannelSide,
    tokens: number,
    payer: PayerLink,
    invoice: { paymentHash: string; request: string }
  ): Promise<void> {
    try {
      await this.opts.ledger.appendTransaction({
        role: 'requester',
        status: 'requested',
        channelId: side.channelId,
        localPublicKey: side.localPublicKey,
        remotePublicKey: side.remotePublicKey,
        tokens,
        paymentHash: invoice.paymentHash,
        // Which peer instance we asked: the accounts across operators count this payment with it.
        ...(payer.counterparty !== undefined ? { counterparty: payer.counterparty } : {})
      })
    } catch (err) {
      // Not recorded, not asked: withdraw the invoice so no payment can arrive unrecorded.
      await node.cancelInvoice(invoice.paymentHash).catch(() => {
        /* if it stays open, it expires unpaid: no payer was asked */
      })
      this.step(side, { type: 'withdrawn', paymentHash: invoice.paymentHash })
      throw err
    }
    this.opts.emit('rebalance_requested', {
      channelId: side.channelId,
      node: side.localAlias,
      tokens,
      paymentHash: invoice.paymentHash
    })
    let response: PayResponse
    try {
      response = await payer.requestPayment({
        channelId: side.channelId,
        requesterPublicKey: side.localPublicKey,
        payerPublicKey: side.remotePublicKey,
        request: invoice.request,
        tokens
      })
    } catch (err) {
      response = { status: 'pending' }
      this.opts.emit('payer_unreachable', {
        channelId: side.channelId,
        node: side.localAlias,
        error: (err as Error)?.message ?? String(err)
      })
    }
    if (response.status === 'refused') {
      // Asking again at once would only be refused again: wait for the payer's retryAt (capped by
      // our maxRetryWait: it is a peer's word), or a while.
      this.step(side, {
        type: 'refused',
        retryAt: response.retryAt,
        reason: response.reason,
        detail: response.detail,
        settings: side.settings
      })
    }
    if (response.status === 'pending') return // the invoice's own state decides, when it settles or expires
    // 'lost': the payer vanished before answering. Withdraw the invoice (a payment still on its
    // way then fails, and nothing moves) unless it already settled, so the channel can be asked
    // for again instead of waiting for the invoice to expire.
    const state = await node.getInvoiceState(invoice.paymentHash)
    if (state === 'settled')
      return this.conclude(node, side.channelId, side.remotePublicKey, tokens, invoice.paymentHash, {
        status: 'paid',
        paymentHash: invoice.paymentHash
      })
    if (response.status === 'paid') return // the payer says paid but our invoice is not settled yet: wait for it
    await node.cancelInvoice(invoice.paymentHash).catch(() => {
      /* the state read next decides the outcome */
    })
    const after = await node.getInvoiceState(invoice.paymentHash)
    // Not withdrawn (LND did not cancel it): it may still be paid, so it stays in flight and its
    // own state decides, as for a 'pending' answer.
    if (after === 'open') return
    await this.conclude(
      node,
      side.channelId,
      side.remotePublicKey,
      tokens,
      invoice.paymentHash,
      after === 'settled' ? { status: 'paid', paymentHash: invoice.paymentHash } : response
    )
  }

  private step(side: ChannelSide, event: SideEvent): void {
    side.state = transition(side.state, event, Date.now())
  }

  /** An in-flight request: settled by now, or expired? Our own invoice is the only judge. True when it ended. */
  private async checkInFlight(node: LightningNode, side: ChannelSide): Promise<boolean> {
    const f = side.state.phase
    if (f.kind !== 'awaiting') return false
    const state = await node.getInvoiceState(f.paymentHash)
    if (state === 'settled') {
      await this.conclude(node, side.channelId, side.remotePublicKey, f.tokens, f.paymentHash, {
        status: 'paid',
        paymentHash: f.paymentHash
      })
      return true
    }
    if (state === 'open' && Date.now() >= f.expiresAt) {
      // Expired by our clock; LND's may be behind. Withdraw it and believe only LND's answer.
      await node.cancelInvoice(f.paymentHash).catch(() => {
        /* the state read next decides */
      })
      const after = await node.getInvoiceState(f.paymentHash)
      if (after === 'settled') {
        await this.conclude(node, side.channelId, side.remotePublicKey, f.tokens, f.paymentHash, {
          status: 'paid',
          paymentHash: f.paymentHash
        })
        return true
      }
      if (after === 'open') return false // still payable: asked again at the next evaluation
    }
    if (state === 'canceled' || Date.now() >= f.expiresAt) {
      await this.conclude(node, side.channelId, side.remotePublicKey, f.tokens, f.paymentHash, {
        status: 'failed',
        reason: 'invoiceExpired'
      })
      return true
    }
    return false
  }

  private async conclude(
    node: LightningNode,
    channelId: string,
    remotePublicKey: string,
    tokens: number,
    paymentHash: string,
    response: PayResponse
  ): Promise<void> {
    const side = this.sides.get(key(node.identity.publicKey, channelId))
    if (side) this.step(side, { type: 'concluded', paymentHash })
    const base = {
      role: 'requester' as const,
      channelId,
      localPublicKey: node.identity.publicKey,
      remotePublicKey,
      tokens,
      paymentHash
    }
    if (response.status === 'paid') {
      await this.opts.ledger.appendTransaction({ ...base, status: 'succeeded', fee: 0 })
      this.opts.emit('rebalanced', { channelId, node: node.identity.alias, tokens, paymentHash })
      return
    }
    const reason =
      response.status === 'refused' || response.status === 'failed' || response.status === 'lost'
        ? response.reason
        : 'unknown'
    const status =
      response.status === 'refused'
        ? 'refused'
        : reason === 'invoiceExpired' || reason === 'requesterRestarted'
          ? 'expired'
          : 'failed'
    await this.opts.ledger.appendTransaction({
      ...base,
      status,
      reason,
      ...(response.status === 'refused' ? { detail: response.detail } : {})
    })
    this.opts.emit('rebalance_not_done', {
      channelId,
      node: node.identity.alias,
      status,
      reason,
      ...(response.status === 'refused' ? { detail: response.detail } : {})
    })
  }
}
