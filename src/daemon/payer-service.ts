import type { LightningNode } from '../lightning/types.js'
import { decodeInvoice } from '../lightning/decode-invoice.js'
import { errorDetails } from '../lightning/lnd-node.js'
import { latestByHash, pendingPayments } from '../policy/history.js'
import { checkPayRequest } from '../policy/payer-checks.js'
import { KeyedLock } from './keyed-lock.js'
import { reconcileAction } from './reconcile.js'
import type { EventSink, Ledger, PayRequest, PayResponse, SettingsFor } from './ports.js'
import { refused } from '../core/payment.js'

/** When our LND is unreachable, the requester may ask again after this long. */
export const NODE_RETRY_MS = 5000

/** A pending payment is looked up in LND before a new request on its channel at most this often. */
const PENDING_LOOKUP_MS = 2000

/**
 * One decision per payment hash for the whole instance: every PayerService writing the same
 * ledger (one per node) shares one lock, so the same invoice asked over two channels, or of two of
 * our nodes, is checked the second time with the first attempt already in the ledger.
 */
const hashLocks = new WeakMap<Ledger, KeyedLock>()
function hashLockFor(ledger: Ledger): KeyedLock {
  let lock = hashLocks.get(ledger)
  if (lock === undefined) {
    lock = new KeyedLock()
    hashLocks.set(ledger, lock)
  }
  return lock
}

/**
 * One net-cap decision at a time per counterparty, instance-wide: its check and the 'pending'
 * entry it leads to happen under this lock, so concurrent requests over several channels of the
 * same counterparty each see the others' payments in flight (src/policy/net-cap.ts).
 */
const counterpartyLocks = new WeakMap<Ledger, KeyedLock>()
function counterpartyLockFor(ledger: Ledger): KeyedLock {
  let lock = counterpartyLocks.get(ledger)
  if (lock === undefined) {
    lock = new KeyedLock()
    counterpartyLocks.set(ledger, lock)
  }
  return lock
}

type Base = {
  role: 'payer'
  channelId: string
  localPublicKey: string
  remotePublicKey: string
  tokens: number
  counterparty?: string
}

/**
 * The payer's side of a rebalance, for one of our nodes: every check from our own view and our own
 * ledger, then a direct payment through that channel only, with no fee, bounded in time and CLTV.
 * Requests for the same channel are handled one at a time (channel lock), and requests for the
 * same payment hash one at a time across the instance (hash lock, always taken inside the channel
 * lock, so the two cannot wait on each other in a cycle); a cross-operator request's decision and
 * its 'pending' entry also hold its counterparty's lock (innermost, taken last).
 */
export class PayerService {
  private readonly lock = new KeyedLock()
  private readonly hashLock: KeyedLock
  private readonly counterpartyLock: KeyedLock
  private readonly lookedUp = new Map<string, number>()

  constructor(
    private readonly node: LightningNode,
    private readonly ledger: Ledger,
    private readonly settingsFor: SettingsFor,
    private readonly emit: EventSink,
    private readonly dryRun = false
  ) {
    this.hashLock = hashLockFor(ledger)
    this.counterpartyLock = counterpartyLockFor(ledger)
  }

  /** Resolves once the requests being handled (payments included) have ended. */
  idle(): Promise<void> {
    return this.lock.idle()
  }

  handle(req: PayRequest): Promise<PayResponse> {
    return this.lock.run(req.channelId, () => this.handleNow(req))
  }

  private async handleNow(req: PayRequest): Promise<PayResponse> {
    const me = this.node.identity
    const base: Base = {
      role: 'payer',
      channelId: req.channelId,
      localPublicKey: me.publicKey,
      remotePublicKey: req.requesterPublicKey,
      tokens: req.tokens,
      ...(req.counterparty !== undefined ? { counterparty: req.counterparty } : {})
    }
    const refuse = async (
      reason: string,
      detail: string,
      retryAt?: number,
      paymentHash?: string
    ): Promise<PayResponse> => {
      await this.ledger.appendTransaction({
        ...base,
        status: 'refused',
        reason,
        detail,
        ...(paymentHash ? { paymentHash } : {})
      })
      this.emit('payment_refused', {
        channelId: req.channelId,
        node: me.alias,
        reason,
        detail,
        ...(retryAt ? { retryAt } : {})
      })
      return refused(reason, detail, retryAt)
    }
    if (req.payerPublicKey !== me.publicKey)
      return refuse('wrongPayer', `this request is for node ${req.payerPublicKey}, not ${me.alias}`)
    if (!Number.isSafeInteger(req.tokens) || req.tokens <= 0)
      return refuse('invalidAmount', `requested tokens must be a positive integer, got ${String(req.tokens)}`)
    const decoded = decodeInvoice(req.request)
    if (!decoded.ok) return refuse('invalidInvoice', `the invoice does not decode: ${decoded.reason}`)
    const invoice = decoded.invoice
    return this.hashLock.run(invoice.paymentHash.toLowerCase(), async () => {
      let channels
      try {
        await this.refreshPending(req.channelId)
        channels = await this.node.getChannels()
      } catch (err) {
        // Our own LND does not answer: nothing can be checked, so nothing is paid; ask again soon.
        return refuse(
          'nodeUnavailable',
          `${me.alias} cannot reach its LND: ${errorDetails(err)}`,
          Date.now() + NODE_RETRY_MS,
          invoice.paymentHash
        )
      }
      const channel = channels.find((c) => c.id === req.channelId)
      if (!channel)
        return refuse('unknownChannel', `${me.alias} has no channel ${req.channelId}`, undefined, invoice.paymentHash)
      if (channel.remotePublicKey !== req.requesterPublicKey) {
        return refuse(
          'notChannelPartner',
          `channel ${req.channelId} of ${me.alias} does not lead to the requesting node`,
          undefined,
          invoice.paymentHash
        )
      }
      const settings = this.settingsFor(me.alias, req.channelId, req.counterparty)
      // Without a counterparty the key is the hash, already held: no extra serialization.
      const decided = await this.counterpartyLock.run(
        req.counterparty ?? `hash:${invoice.paymentHash}`,
        async (): Promise<PayResponse | undefined> => {
          const check = checkPayRequest({
            invoice,
            requestedTokens: req.tokens,
            channel,
            settings,
            records: this.ledger.allTransactions(),
            now: Date.now(),
            ...(me.network !== undefined ? { network: me.network } : {}),
            ...(req.counterparty !== undefined ? { counterparty: req.counterparty } : {})
          })
          if (!check.ok) return refuse(check.reason, check.detail, check.retryAt, invoice.paymentHash)
          if (this.dryRun)
            return refuse(
              'dryRun',
              `dry run: would pay ${req.tokens} sat over ${req.channelId}`,
              undefined,
              invoice.paymentHash
            )
          // Durable before the money moves: after a crash, the pending entry says what to reconcile.
          await this.ledger.appendTransaction({ ...base, status: 'pending', paymentHash: invoice.paymentHash, fee: 0 })
          return undefined
        }
      )
      if (decided !== undefined) return decided
      this.emit('payment_started', {
        channelId: req.channelId,
        node: me.alias,
        tokens: req.tokens,
        paymentHash: invoice.paymentHash
      })
      const outcome = await this.node.payDirect({
        request: req.request,
        channelId: req.channelId,
        timeoutMs: settings.paymentTimeout,
        cltvLimit: settings.cltvLimit
      })
      return this.record(base, invoice.paymentHash, outcome)
    })
  }

  /**
   * A payment still pending on this channel (we stopped waiting for it: its HTLC was held past
   * paymentTimeout) is looked up in LND before a new request is checked, so the channel frees up
   * once LND knows the outcome. At most one lookup per payment per PENDING_LOOKUP_MS, whatever a
   * peer sends.
   */
  private async refreshPending(channelId: string): Promise<void> {
    const me = this.node.identity.publicKey
    for (const entry of pendingPayments(this.ledger.allTransactions(), { channelId, localPublicKey: me })) {
      const hash = entry.paymentHash
      if (hash === undefined) continue
      const last = this.lookedUp.get(hash)
      if (last !== undefined && Date.now() - last < PENDING_LOOKUP_MS) continue
      this.lookedUp.set(hash, Date.now())
      // 'unknown' here may be a payment our client is still handing to LND: leave it pending.
      await this.reconcileOne(hash, false)
    }
  }

  /** Records a payment's outcome as LND reports it; 'pending' stays pending until reconciled. */
  private async record(
    base: Base,
    paymentHash: string,
    outcome: Awaited<ReturnType<LightningNode['payDirect']>>
  ): Promise<PayResponse> {
    const alias = this.node.identity.alias
    switch (outcome.status) {
      case 'succeeded':
        this.lookedUp.delete(paymentHash)
        await this.ledger.appendTransaction({ ...base, status: 'succeeded', paymentHash, fee: outcome.fee })
        this.emit('payment_succeeded', {
          channelId: base.channelId,
          node: alias,
          tokens: base.tokens,
          fee: outcome.fee,
          paymentHash
        })
        return { status: 'paid', paymentHash }
      case 'failed':
        this.lookedUp.delete(paymentHash)
        await this.ledger.appendTransaction({ ...base, status: 'failed', paymentHash, reason: outcome.reason })
        this.emit('payment_failed', { channelId: base.channelId, node: alias, reason: outcome.reason, paymentHash })
        return { status: 'failed', reason: outcome.reason }
      default:
        // Still in flight past paymentTimeout (or LND unreachable): the ledger keeps it pending and
        // the channel takes no other payment until LND reports the outcome.
        this.emit('payment_pending', { channelId: base.channelId, node: alias, tokens: base.tokens, paymentHash })
        return { status: 'pending' }
    }
  }

  /**
   * After a restart or a lost connection: every payment our ledger still has as pending is looked
   * up in LND, which knows how it ended. Nothing is paid again; the ledger catches up.
   */
  async reconcile(): Promise<number> {
    let settled = 0
    const me = this.node.identity.publicKey
    // A copy: the index's map changes as the outcomes found here are appended.
    for (const entry of [...latestByHash(this.ledger.allTransactions(), 'payer').values()]) {
      if (entry.status !== 'pending' || entry.localPublicKey !== me || !entry.paymentHash) continue
      // Under the channel's lock, and only if still pending: a payment being made right now
      // records its own outcome.
      const done = await this.lock.run(entry.channelId, () => this.reconcileOne(entry.paymentHash as string))
      if (done) settled++
    }
    return settled
  }

  private async reconcileOne(paymentHash: string, unknownNeverHappened = true): Promise<boolean> {
    const entry = latestByHash(this.ledger.allTransactions(), 'payer').get(paymentHash.toLowerCase())
    if (!entry || entry.status !== 'pending') return false
    const action = reconcileAction(await this.node.getPaymentState(paymentHash), unknownNeverHappened)
    if (action.kind === 'leave') return false
    const base: Base = {
      role: 'payer',
      channelId: entry.channelId,
      localPublicKey: entry.localPublicKey,
      remotePublicKey: entry.remotePublicKey,
      tokens: entry.tokens,
      ...(entry.counterparty !== undefined ? { counterparty: entry.counterparty } : {})
    }
    if (action.kind === 'neverInitiated') {
      this.lookedUp.delete(paymentHash)
      await this.ledger.appendTransaction({ ...base, status: 'failed', paymentHash, reason: 'neverInitiated' })
    } else {
      await this.record(base, paymentHash, action.outcome)
    }
    this.emit('payment_reconciled', {
      channelId: entry.channelId,
      paymentHash,
      outcome: action.kind === 'neverInitiated' ? 'neverInitiated' : action.outcome.status
    })
    return true
  }
}
