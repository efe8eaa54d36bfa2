import { EventEmitter } from 'node:events'
import { randomBytes } from 'node:crypto'
import { parsePaymentRequest } from 'invoices'
import { assertSameNode, reconnectWithBackoff } from '../backoff.js'
import type { ChannelView } from '../channel-view.js'
import type { ClnCredentials } from '../credentials.js'
import type {
  CreatedInvoice,
  DirectPayment,
  InvoiceState,
  LightningNode,
  NodeIdentity,
  PaymentState
} from '../types.js'
import { ClnConnectionError, ClnRestClient, ClnRpcError } from './rest-client.js'
import {
  ClnAnswerError,
  invoiceState,
  networkOf,
  paymentStateOf,
  payErrorOutcome,
  pinnedChannelProblem,
  succeeded,
  toChannelView,
  type ClnChannel,
  type ClnSendPay
} from './mappers.js'
import type { ClnMethod } from './methods.js'
import { CHANNEL_POLL_MIN_MS, nextChannelPollMs } from './channel-poll.js'

/** The longest any single call may take (as for LND); the payment's wait and long-polls excepted. */
const RPC_TIMEOUT_MS = 30_000
const CONNECT_TIMEOUT_MS = 10_000
/** A `wait` has no server timeout: re-issued after this long without an answer. */
const LONG_POLL_MS = 5 * 60_000
/** Blocks added to the invoice's final CLTV delta for the one hop (blocks found while in flight). */
const CLTV_MARGIN = 3
/** Labels of invoices Tightrope made (CLN labels are unique; these never collide with others'). */
const LABEL_PREFIX = 'tightrope-'

/** `wait` indexes that mean balances may have moved: invoices paid or expired, our payments and
 * forwards through us started or ended. Payments CLN makes by itself (traffic) are sendpays too. */
const WATCHED: ReadonlyArray<[string, string]> = [
  ['invoices', 'updated'],
  ['sendpays', 'created'],
  ['sendpays', 'updated'],
  ['forwards', 'created'],
  ['forwards', 'updated']
]

/**
 * One Core Lightning node through clnrest (contract: docs of cln-rest-contract §3). Same duties as
 * LndNode: identity, channels, invoices, the direct zero-fee payment over one pinned channel
 * (sendpay with a one-hop route, never pay/xpay), reconciliation, node proofs, and events from
 * `wait` long-polls plus a channel poll. When clnrest goes away it reconnects with backoff.
 */
export class ClnNode extends EventEmitter implements LightningNode {
  connected = false
  streamsSince: number | undefined
  private stopped = false
  private reconnecting = false
  private readonly stopping = new AbortController()
  /** Aborted when the connection is lost (or on stop): ends this generation's long-polls. */
  private watching = new AbortController()
  private channelPoll: NodeJS.Timeout | undefined
  private channelPrint = ''
  /** A channel poll is under way: the next tick does not start another (a slow node would stack them). */
  private polling = false
  private channelPollMs = CHANNEL_POLL_MIN_MS
  /** A `wait` reported a change since the channel poll last looked. */
  private activity = false

  private constructor(
    private readonly client: ClnRestClient,
    private readonly label: string,
    readonly identity: NodeIdentity
  ) {
    super()
  }

  static async connect(
    creds: ClnCredentials,
    opts: { timeoutMs?: number; signal?: AbortSignal } = {}
  ): Promise<ClnNode> {
    const label = `CLN at ${creds.url}`
    const client = new ClnRestClient({
      url: creds.url,
      rune: creds.rune,
      ...(creds.cert ? { ca: decodeCa(creds.cert) } : {})
    })
    let info: { id?: unknown; alias?: unknown; network?: unknown }
    try {
      info = await client.call(
        'getinfo',
        {},
        { timeoutMs: opts.timeoutMs ?? CONNECT_TIMEOUT_MS, ...signalOf(opts.signal) }
      )
    } catch (err) {
      client.close()
      throw new Error(`${label}: ${describe(err)}`)
    }
    if (typeof info.id !== 'string' || !/^0[23][0-9a-f]{64}$/.test(info.id)) {
      client.close()
      throw new Error(`${label}: getinfo did not give a node id`)
    }
    const network = networkOf(info.network)
    const node = new ClnNode(client, label, {
      publicKey: info.id,
      alias: typeof info.alias === 'string' ? info.alias : '',
      ...(network !== undefined ? { network } : {})
    })
    node.connected = true
    node.watch()
    return node
  }

  async getChannels(): Promise<ChannelView[]> {
    const { channels } = await this.call<{ channels?: unknown }>('listpeerchannels', {})
    if (!Array.isArray(channels) || !channels.every(isObject))
      throw new ClnAnswerError('listpeerchannels: channels is not a list of channels')
    const views = (channels as ClnChannel[])
      .map((c) => toChannelView(this.identity.publicKey, c))
      .filter((c): c is ChannelView => c !== undefined)
    // What the caller (an evaluation) now knows: the channel poll reports a change from this, not
    // from its own previous look (a channel opened between an evaluation and the poll's first
    // look after a (re)connect was never reported: E-B on B stayed unwatched).
    this.channelPrint = JSON.stringify(views)
    return views
  }

  async createInvoice(args: { tokens: number; description: string; expirySeconds: number }): Promise<CreatedInvoice> {
    const created = await this.call<{ bolt11?: unknown; payment_hash?: unknown; expires_at?: unknown }>('invoice', {
      amount_msat: args.tokens * 1000,
      label: LABEL_PREFIX + randomBytes(16).toString('hex'),
      description: args.description,
      expiry: args.expirySeconds
    })
    const { bolt11, payment_hash: hash, expires_at: expiresAt } = created
    // What goes to the payer must be what CLN made: never an undefined request or a NaN expiry.
    if (typeof bolt11 !== 'string' || typeof hash !== 'string' || !/^[0-9a-f]{64}$/.test(hash))
      throw new ClnAnswerError('invoice: no bolt11 and payment_hash in the answer')
    if (typeof expiresAt !== 'number' || !Number.isSafeInteger(expiresAt) || expiresAt <= 0)
      throw new ClnAnswerError('invoice: expires_at is not a time')
    return { paymentHash: hash, request: bolt11, expiresAt: expiresAt * 1000 }
  }

  async getInvoiceState(paymentHash: string): Promise<InvoiceState> {
    try {
      return invoiceState(await this.invoicesOf(paymentHash))
    } catch (err) {
      if (err instanceof ClnConnectionError) throw err
      return 'unknown'
    }
  }

  /** CLN cannot cancel an ordinary invoice: deleting it while unpaid is the same (an HTLC then fails). */
  async cancelInvoice(paymentHash: string): Promise<void> {
    const [inv] = await this.invoicesOf(paymentHash)
    if (inv === undefined || inv.status === 'expired') return // gone or unpayable already
    if (inv.status !== 'unpaid') throw new Error(`${this.label}: invoice is ${String(inv.status)}, not unpaid`)
    await this.call('delinvoice', { label: inv.label, status: 'unpaid' })
  }

  /**
   * Pays over exactly one channel: a one-hop route to the partner over `channelId`, carrying the
   * invoice's amount, so there is no fee by construction and nowhere else to go. The HTLC's lock is
   * the invoice's final CLTV delta plus a margin, refused above cltvLimit. Then waits for the
   * outcome at most timeoutMs; past it the payment stays pending and listsendpays settles it later.
   */
  async payDirect(payment: DirectPayment): Promise<PaymentState> {
    let inv
    try {
      inv = parsePaymentRequest({ request: payment.request })
    } catch (err) {
      return { status: 'failed', reason: `ExpectedValidPaymentRequestToMakePayment: ${(err as Error).message}` }
    }
    const amountMsat = inv.mtokens ? BigInt(inv.mtokens) : 0n
    if (amountMsat <= 0n) return { status: 'failed', reason: 'invoiceWithoutAmount' }
    if (amountMsat > BigInt(Number.MAX_SAFE_INTEGER)) return { status: 'failed', reason: 'invoiceAmountTooLarge' }
    const delay = (inv.cltv_delta ?? 18) + CLTV_MARGIN
    // What LND's client says when cltv_limit is too small for the invoice: one name for both.
    // The HTLC expires at height + 1 + delay (CLN's relative delay); LND's bound is height + cltvLimit.
    if (delay + 1 > payment.cltvLimit)
      return { status: 'failed', reason: 'MaxTimeoutTooNearCurrentHeightToMakePayment' }
    const amount = Number(amountMsat)
    const problem = await this.pinnedChannelCheck(inv.destination, payment.channelId)
    if (problem !== undefined) return { status: 'failed', reason: problem } // nothing was sent
    let groupid: number | undefined
    try {
      const sent = await this.call<ClnSendPay>('sendpay', {
        route: [{ id: inv.destination, channel: payment.channelId, amount_msat: amount, delay }],
        payment_hash: inv.id,
        ...(inv.payment ? { payment_secret: inv.payment } : {}),
        amount_msat: amount,
        bolt11: payment.request
      })
      // Complete at once: an earlier payment of this hash, not this attempt (as LND's "already paid").
      if (sent.status === 'complete') return { status: 'failed', reason: 'alreadyPaid' }
      if (typeof sent.groupid === 'number' && Number.isSafeInteger(sent.groupid)) groupid = sent.groupid
    } catch (err) {
      if (err instanceof ClnRpcError) {
        if (err.code === 200 || err.code === 201) return this.refusedAsDuplicate(inv.id, payment.channelId, err)
        const outcome = payErrorOutcome(err.code, err.message, err.data)
        if (outcome) return outcome
      }
      return this.stateAfterError(inv.id, payment.channelId, err)
    }
    try {
      const done = await this.call<ClnSendPay>(
        'waitsendpay',
        {
          payment_hash: inv.id,
          timeout: Math.max(1, Math.ceil(payment.timeoutMs / 1000)),
          // Our attempt's group, not whichever is latest when the wait is answered.
          ...(groupid !== undefined ? { groupid } : {})
        },
        payment.timeoutMs + 10_000
      )
      // A success without the preimage that proves it is not booked as paid: CLN's record decides.
      return succeeded(done, inv.id, payment.channelId) ?? this.stateAfterError(inv.id, payment.channelId, undefined)
    } catch (err) {
      if (err instanceof ClnRpcError) {
        if (err.code === 200) return { status: 'pending' } // timed out: the payee holds it
        const outcome = payErrorOutcome(err.code, err.message, err.data)
        if (outcome) return outcome
      }
      return this.stateAfterError(inv.id, payment.channelId, err)
    }
  }

  /** The payee's channels as CLN has them now: the pinned one must be there (pinnedChannelProblem). */
  private async pinnedChannelCheck(payee: string, channelId: string): Promise<string | undefined> {
    try {
      const { channels } = await this.call<{ channels?: unknown }>('listpeerchannels', { id: payee })
      if (!Array.isArray(channels) || !channels.every(isObject))
        return 'channelUnavailable: listpeerchannels did not list channels'
      return pinnedChannelProblem(channels as ClnChannel[], payee, channelId)
    } catch (err) {
      return `channelUnavailable: ${describe(err)}`
    }
  }

  /**
   * sendpay refused this attempt because CLN already has a payment of this hash: another group in
   * flight (200), or one pending or paid with another amount or destination (201). This attempt sent
   * nothing, but while CLN's payment may still settle, 'failed' would free the channel and the limits
   * as if no money could move: it stays pending until CLN's record says how it ended.
   */
  private async refusedAsDuplicate(paymentHash: string, channelId: string, err: ClnRpcError): Promise<PaymentState> {
    const state = await this.getPaymentState(paymentHash, channelId).catch(() => ({ status: 'pending' as const }))
    if (state.status === 'pending') return state
    return { status: 'failed', reason: /already succeeded/i.test(err.message) ? 'alreadyPaid' : 'paymentInTransition' }
  }

  /**
   * After an error that says nothing for sure, CLN's record decides. A payment CLN does not know
   * after CLN itself answered with an error was never sent: failed. Unreachable, it stays pending.
   */
  private async stateAfterError(paymentHash: string, channelId: string, err: unknown): Promise<PaymentState> {
    const state = await this.getPaymentState(paymentHash, channelId).catch(() => ({ status: 'pending' as const }))
    if (state.status !== 'unknown') return state
    return err instanceof ClnRpcError
      ? { status: 'failed', reason: `${err.code ?? err.status}: ${err.message}` }
      : { status: 'pending' }
  }

  async getPaymentState(paymentHash: string, channelId?: string): Promise<PaymentState> {
    const { payments } = await this.call<{ payments?: unknown }>('listsendpays', { payment_hash: paymentHash })
    if (!Array.isArray(payments) || !payments.every(isObject))
      throw new ClnAnswerError('listsendpays: payments is not a list of records')
    return paymentStateOf(payments as ClnSendPay[], paymentHash, channelId)
  }

  async signMessage(message: string): Promise<string> {
    const { zbase } = await this.call<{ zbase?: unknown }>('signmessage', { message })
    if (typeof zbase !== 'string' || !/^[ybndrfg8ejkmcpqxot1uwisza345h769]{104}$/.test(zbase))
      throw new ClnAnswerError('signmessage: zbase is not a 65-byte zbase32 signature')
    return zbase
  }

  /**
   * The key that signed `message`, as LND's VerifyMessage gives it. checkmessage without a pubkey
   * recovers the key; a key outside CLN's gossip graph (a node with only private channels) comes
   * back as error 1301 with that recovered key in data.claimed_key: recovered all the same, so it
   * is the answer too. The caller compares it with the claimed node.
   */
  async verifyMessage(message: string, signature: string): Promise<string | undefined> {
    try {
      const r = await this.call<{ verified?: boolean; pubkey?: string }>('checkmessage', { message, zbase: signature })
      return r.verified === true && isKey(r.pubkey) ? r.pubkey : undefined
    } catch (err) {
      if (err instanceof ClnRpcError) {
        const claimed = (err.data as { claimed_key?: unknown } | null)?.claimed_key
        return err.code === 1301 && isKey(claimed) ? claimed : undefined
      }
      throw err
    }
  }

  async stop(): Promise<void> {
    this.stopped = true
    this.stopping.abort()
    this.unwatch()
    this.client.close()
  }

  /** Bounded, timed (for metrics), and a connection failure makes the node lost. */
  private async call<T>(
    method: ClnMethod,
    params: Record<string, unknown>,
    timeoutMs = RPC_TIMEOUT_MS,
    signal?: AbortSignal
  ): Promise<T> {
    const started = performance.now()
    try {
      const result = await this.client.call<T>(method, params, { timeoutMs, ...signalOf(signal) })
      this.emit('rpc', { method, ms: performance.now() - started, ok: true })
      return result
    } catch (err) {
      if (signal?.aborted) throw err // ended by us (a stop, a lost connection): not CLN's failure
      // A long-poll that waited its whole bound found nothing to report: neither an error nor a lost
      // connection (a node that stopped answering is found by the channel poll's bounded calls).
      if (method === 'wait' && err instanceof ClnConnectionError && err.timedOut) throw err
      this.emit('rpc', { method, ms: performance.now() - started, ok: false, error: errorName(err) })
      if (err instanceof ClnConnectionError) this.lost(err.message)
      throw err instanceof ClnRpcError || err instanceof ClnConnectionError
        ? err
        : new ClnConnectionError(describe(err))
    }
  }

  private async invoicesOf(paymentHash: string): Promise<Array<{ label?: string; status?: string }>> {
    const { invoices } = await this.call<{ invoices?: unknown }>('listinvoices', { payment_hash: paymentHash })
    // Read as "no such invoice", a malformed answer would say canceled (deleted) of one still payable.
    if (!Array.isArray(invoices) || !invoices.every(isObject))
      throw new ClnAnswerError('listinvoices: invoices is not a list of invoices')
    return invoices as Array<{ label?: string; status?: string }>
  }

  /** Event sources of one connection: a long-poll per `wait` index, and the channel poll. */
  private watch(): void {
    this.watching = new AbortController()
    const signal = this.watching.signal
    for (const [subsystem, indexname] of WATCHED) void this.longPoll(subsystem, indexname, signal)
    this.channelPrint = ''
    this.channelPollMs = CHANNEL_POLL_MIN_MS
    this.scheduleChannelPoll(signal)
    this.streamsSince = Date.now()
  }

  /** One look after channelPollMs, then the next one, until this generation ends. */
  private scheduleChannelPoll(signal: AbortSignal): void {
    this.channelPoll = setTimeout(() => {
      void this.pollChannels().finally(() => {
        if (!signal.aborted) this.scheduleChannelPoll(signal)
      })
    }, this.channelPollMs)
  }

  private unwatch(): void {
    this.watching.abort()
    clearTimeout(this.channelPoll)
    this.channelPoll = undefined
    this.streamsSince = undefined
  }

  /**
   * Follows one `wait` index: reads where it is (nextvalue 0 answers at once), then waits for the
   * next value, says 'changed' and waits again. A node without that index (an error answer) is
   * left to the channel poll; a lost connection ends it (it starts again after the reconnect).
   */
  private async longPoll(subsystem: string, indexname: string, signal: AbortSignal): Promise<void> {
    let next = 0
    while (!signal.aborted) {
      try {
        const r = await this.call<Record<string, unknown>>(
          'wait',
          { subsystem, indexname, nextvalue: next },
          next === 0 ? RPC_TIMEOUT_MS : LONG_POLL_MS,
          signal
        )
        const value = r[indexname]
        if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) return
        if (next !== 0) {
          this.activity = true
          this.emit('changed')
        }
        next = value + 1
      } catch (err) {
        if (signal.aborted || err instanceof ClnRpcError) return
        if (err instanceof ClnConnectionError && err.timedOut) continue // idle long-poll: ask again
        return // the connection is lost (call() said so): reconnect() starts a new generation
      }
    }
  }

  /**
   * Channels opened, closed, (re)connected or HTLCs added: a change of what getChannels showed
   * last, to anyone. Before anyone looked (print '') there is nothing to compare: 'changed' was
   * said on (re)connect and that evaluation's look is the reference.
   */
  private async pollChannels(): Promise<void> {
    if (!this.connected || this.polling) return
    this.polling = true
    try {
      const seen = this.channelPrint
      const print = JSON.stringify(await this.getChannels())
      const changed = seen !== '' && print !== seen
      if (changed) this.emit('changed')
      this.channelPollMs = nextChannelPollMs(this.channelPollMs, changed || this.activity)
      this.activity = false
    } catch {
      /* call() made the node lost if clnrest is gone; a refused call waits for the next tick */
    } finally {
      this.polling = false
    }
  }

  private lost(reason: string): void {
    if (this.stopped || this.reconnecting) return
    this.reconnecting = true
    this.connected = false
    this.unwatch()
    this.emit('status', { connected: false, error: `${this.label}: ${reason}` })
    reconnectWithBackoff({
      probe: async () => {
        const info = await this.client.call<{ id?: unknown }>(
          'getinfo',
          {},
          { timeoutMs: CONNECT_TIMEOUT_MS, signal: this.stopping.signal }
        )
        assertSameNode(this.identity.publicKey, info.id, this.label)
      },
      stopped: () => this.stopped,
      signal: this.stopping.signal,
      refused: (reason) => this.emit('status', { connected: false, error: reason }),
      back: () => {
        this.watch()
        this.connected = true
        this.reconnecting = false
        this.emit('status', { connected: true })
        this.emit('changed')
      }
    })
  }
}

const isObject = (v: unknown): v is object => typeof v === 'object' && v !== null

const isKey = (v: unknown): v is string => typeof v === 'string' && /^0[23][0-9a-f]{64}$/.test(v)

const signalOf = (signal: AbortSignal | undefined): { signal?: AbortSignal } => (signal ? { signal } : {})

/** The config's cert (base64 or hex of the PEM, checked by config/cln-credentials.ts) as PEM bytes. */
function decodeCa(cert: string): Buffer {
  return /^(?:[0-9a-fA-F]{2})+$/.test(cert) ? Buffer.from(cert, 'hex') : Buffer.from(cert, 'base64')
}

function errorName(err: unknown): string {
  if (err instanceof ClnRpcError) return `${err.code ?? err.status}`
  return err instanceof Error ? err.message : String(err)
}

function describe(err: unknown): string {
  if (err instanceof ClnRpcError) return `${err.method} refused (${err.code ?? `HTTP ${err.status}`}): ${err.message}`
  return err instanceof Error ? err.message : String(err)
}
