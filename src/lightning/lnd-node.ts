import { EventEmitter } from 'node:events'
import './shared-protos.js' // before 'lightning': its clients then share one parse of LND's protos
import { authenticatedLndOneChannel } from './shared-channel.js'
import {
  cancelHodlInvoice,
  createInvoice,
  getChannels,
  getHeight,
  getInvoice,
  getPayment,
  getWalletInfo,
  signMessage,
  subscribeToChannels,
  subscribeToForwards,
  subscribeToInvoices,
  verifyMessage,
  type AuthenticatedLnd
} from 'lightning'
import { parsePaymentRequest } from 'invoices'
import { assertSameNode, reconnectWithBackoff } from './backoff.js'
import { toChannelView, type ClientChannel } from './map-channel.js'
import { networkOfChains } from './network.js'
import { failureName, payOnce } from './pay-once.js'
import type { CreatedInvoice, DirectPayment, InvoiceState, LightningNode, NodeIdentity, PaymentState } from './types.js'
import type { ChannelView } from './channel-view.js'

export interface LndCredentials {
  cert: string
  macaroon: string
  socket: string
}

/** The `lightning` client's errors are arrays: [httpLikeCode, 'CodeName', { err }]. */
function errorName(err: unknown): string {
  if (Array.isArray(err) && typeof err[1] === 'string') return err[1]
  return (err as Error)?.message ?? String(err)
}

export function errorDetails(err: unknown): string {
  if (Array.isArray(err)) {
    const inner = (err[2] as { err?: { details?: string; message?: string } } | undefined)?.err
    return [err[1], inner?.details ?? inner?.message].filter(Boolean).join(': ')
  }
  return errorName(err)
}

/**
 * LND is unreachable: the client's own codes, or gRPC UNAVAILABLE (14) inside any error (grpc-js
 * appends the last socket error to "No connection established", which the client does not map).
 */
function isConnectionError(err: unknown): boolean {
  const name = errorName(err)
  if (name === 'FailedToConnectToDaemon' || name === 'LndLocked') return true
  const inner = Array.isArray(err)
    ? (err[2] as { err?: { code?: number } } | undefined)?.err
    : (err as { code?: number })
  return inner?.code === 14
}

/** Payment errors that say for sure the payment did not and will not happen. */
const DEFINITE_PAYMENT_FAILURES = new Set([
  'InsufficientBalanceToAttemptPayment',
  'PaymentRejectedByDestination',
  'PaymentAttemptsTimedOut',
  'PaymentPathfindingFailedToFindPossibleRoute',
  'FailedToFindPayableRouteToDestination',
  'PaymentExecutionCanceled',
  'ExpectedValidPaymentRequestToMakePayment',
  'UnsupportedPaymentFeatureInPayRequest',
  // the client refuses before sending: our cltv_limit is below the invoice's final CLTV delta + 3
  'MaxTimeoutTooNearCurrentHeightToMakePayment'
])

/**
 * LND's answers (before the payment starts) for a hash it already paid or is paying. They say
 * nothing about this attempt except that LND refused it: recording LND's state of the earlier
 * payment as this attempt's outcome would book a payment that never happened. But while LND's
 * earlier payment is still in flight it may yet settle: 'failed' would free the channel and the
 * limits as if no money could move, so it stays pending until LND's record ends (as CLN's 200/201).
 */
const REFUSED_AS_DUPLICATE: ReadonlyArray<[RegExp, string]> = [
  [/invoice is already paid/, 'alreadyPaid'],
  [/payment is in transition/, 'paymentInTransition'],
  [/payment already exists/, 'paymentInTransition']
]

/** The longest any single LND call may take (the payment excepted: see payDirect). */
const RPC_TIMEOUT_MS = 30_000

/** How long we wait for LND to say where a payment stands once we stopped waiting for it to end. */
const STATE_QUERY_MS = 5000

/**
 * How long one connection attempt may take. A socket that accepts TCP but never speaks TLS (or
 * a host that drops packets) would otherwise hold the attempt until gRPC's own, much later, timeout.
 */
export const CONNECT_TIMEOUT_MS = 10_000

/** `work`, or a rejection after `ms` or when `signal` aborts, whichever comes first. */
async function bounded<T>(work: Promise<T>, ms: number, signal: AbortSignal | undefined, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  let onAbort: (() => void) | undefined
  try {
    return await Promise.race([
      work,
      new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`${what}: no answer within ${Math.round(ms / 1000)} s`)), ms)
        onAbort = () => reject(new Error(`${what}: stopped`))
        if (signal?.aborted) onAbort()
        signal?.addEventListener('abort', onAbort, { once: true })
      })
    ])
  } finally {
    clearTimeout(timer)
    if (onAbort) signal?.removeEventListener('abort', onAbort)
  }
}

/** The promise's value if it settles within `ms`, else undefined (the timer never outlives it). */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined
  try {
    return await Promise.race([
      promise,
      new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), ms)
      })
    ])
  } finally {
    clearTimeout(timer)
  }
}

/**
 * One LND node through the `lightning` client: identity, channels, invoices, direct zero-fee
 * payments, message signing, and live subscriptions that say when balances may have moved.
 * When LND goes away it reconnects with backoff and subscribes again, without a restart.
 */
export class LndNode extends EventEmitter implements LightningNode {
  connected = false
  streamsSince: number | undefined
  private subscriptions: EventEmitter[] = []
  private reconnecting = false
  private stopped = false
  /** Aborted by stop(): ends a reconnect backoff at once. */
  private readonly stopping = new AbortController()

  private constructor(
    private readonly lnd: AuthenticatedLnd,
    private readonly closeChannel: () => void,
    readonly identity: NodeIdentity
  ) {
    super()
  }

  /**
   * Connects and learns the node's identity; rejects with a clear message (naming the socket, never
   * the credentials) if LND is unreachable, does not answer within `timeoutMs`, or `signal` aborts.
   */
  static async connect(
    creds: LndCredentials,
    opts: { timeoutMs?: number; signal?: AbortSignal } = {}
  ): Promise<LndNode> {
    let lnd: AuthenticatedLnd
    let close: () => void
    try {
      ;({ lnd, close } = authenticatedLndOneChannel({
        cert: creds.cert,
        macaroon: creds.macaroon,
        socket: creds.socket
      }))
    } catch (err) {
      throw new Error(`LND at ${creds.socket}: invalid credentials (${errorDetails(err)})`)
    }
    let info
    try {
      info = await bounded(
        getWalletInfo({ lnd }),
        opts.timeoutMs ?? CONNECT_TIMEOUT_MS,
        opts.signal,
        `LND at ${creds.socket}`
      )
    } catch (err) {
      // Release the sockets gRPC would otherwise keep retrying in the background.
      close()
      throw err instanceof Error && err.message.startsWith('LND at ')
        ? err
        : new Error(`LND at ${creds.socket}: ${errorDetails(err)}`)
    }
    const network = networkOfChains(info.chains)
    const node = new LndNode(lnd, close, {
      publicKey: info.public_key,
      alias: info.alias,
      ...(network !== undefined ? { network } : {})
    })
    node.connected = true
    node.subscribe()
    return node
  }

  async getChannels(): Promise<ChannelView[]> {
    const { channels } = await this.call('getChannels', () => getChannels({ lnd: this.lnd }))
    return channels.map((c) => toChannelView(this.identity.publicKey, c as unknown as ClientChannel))
  }

  async createInvoice(args: { tokens: number; description: string; expirySeconds: number }): Promise<CreatedInvoice> {
    const expiresAt = Date.now() + args.expirySeconds * 1000
    const created = await this.call('createInvoice', () =>
      createInvoice({
        lnd: this.lnd,
        tokens: args.tokens,
        description: args.description,
        expires_at: new Date(expiresAt).toISOString()
      })
    )
    return { paymentHash: created.id, request: created.request, expiresAt }
  }

  async getInvoiceState(paymentHash: string): Promise<InvoiceState> {
    try {
      const invoice = await this.call('getInvoice', () => getInvoice({ lnd: this.lnd, id: paymentHash }))
      if (invoice.is_confirmed) return 'settled'
      if (invoice.is_canceled) return 'canceled'
      return 'open'
    } catch (err) {
      if (isConnectionError(err)) throw err
      return 'unknown'
    }
  }

  async cancelInvoice(paymentHash: string): Promise<void> {
    await this.call('cancelInvoice', () => cancelHodlInvoice({ lnd: this.lnd, id: paymentHash }))
  }

  /**
   * Pays over one channel only, with no fee allowed and a single path: a payment that would need
   * another channel or any fee fails instead of routing elsewhere. Bounded in time (LND's
   * timeout_seconds, and our wait) and in blocks (cltv_limit): a payee can hold the HTLC at most
   * cltvLimit blocks, and us not at all past timeoutMs. When the outcome is not certain (timed
   * out, or the connection dropped mid-payment), LND's own record of the payment decides.
   */
  async payDirect(payment: DirectPayment): Promise<PaymentState> {
    const hash = paymentHashOf(payment.request)
    let height: number
    try {
      height = (await this.call('getHeight', () => getHeight({ lnd: this.lnd }))).current_block_height
    } catch (err) {
      return { status: 'failed', reason: `blockHeightUnavailable: ${errorDetails(err)}` } // nothing was sent
    }
    const paying = this.call('pay', () =>
      payOnce({
        lnd: this.lnd,
        request: payment.request,
        outgoing_channel: payment.channelId,
        max_fee: 0,
        max_paths: 1,
        max_timeout_height: height + payment.cltvLimit,
        pathfinding_timeout: payment.timeoutMs
      })
    ).then(
      (paid) => ({ paid }),
      (err: unknown) => ({ err })
    )
    const ended = await within(paying, payment.timeoutMs)
    if (ended === undefined) {
      // Still in flight (the payee holds the HTLC): stop waiting; the caller keeps it pending.
      const state = await within(
        this.getPaymentState(hash).catch(() => ({ status: 'pending' as const })),
        STATE_QUERY_MS
      )
      return state === undefined || state.status === 'unknown' ? { status: 'pending' } : state
    }
    if ('paid' in ended) {
      const paid = ended.paid
      return { status: 'succeeded', fee: paid.fee, preimage: paid.secret, channels: paid.hops.map((h) => h.channel) }
    }
    const err = ended.err
    const name = errorName(err)
    if (DEFINITE_PAYMENT_FAILURES.has(name)) return { status: 'failed', reason: name }
    const details = errorDetails(err)
    const duplicate = REFUSED_AS_DUPLICATE.find(([pattern]) => pattern.test(details))
    if (duplicate !== undefined) {
      const earlier = await this.getPaymentState(hash).catch(() => ({ status: 'pending' as const }))
      return earlier.status === 'pending' ? earlier : { status: 'failed', reason: duplicate[1] }
    }
    // LND not answering where the payment stands: it stays pending, and reconciliation asks again.
    const state = await this.getPaymentState(hash).catch(() => ({ status: 'pending' as const }))
    if (state.status === 'unknown' && !isConnectionError(err) && name === 'UnexpectedPaymentError') {
      return { status: 'failed', reason: details }
    }
    return state
  }

  async getPaymentState(paymentHash: string): Promise<PaymentState> {
    try {
      const p = await this.call('getPayment', () => getPayment({ lnd: this.lnd, id: paymentHash }))
      if (p.is_confirmed && p.payment) {
        return {
          status: 'succeeded',
          fee: p.payment.fee,
          preimage: p.payment.secret,
          channels: p.payment.hops.map((h) => h.channel)
        }
      }
      // Named as a live payment's failure is (pay-once.ts), so the ledger says the same either way.
      if (p.is_failed) return { status: 'failed', reason: failureName(p.failed ?? {}) }
      return { status: 'pending' }
    } catch (err) {
      if (errorName(err) === 'SentPaymentNotFound') return { status: 'unknown' }
      throw err
    }
  }

  async signMessage(message: string): Promise<string> {
    const { signature } = await this.call('signMessage', () => signMessage({ lnd: this.lnd, message }))
    return signature
  }

  async verifyMessage(message: string, signature: string): Promise<string | undefined> {
    try {
      const { signed_by: signedBy } = await this.call('verifyMessage', () =>
        verifyMessage({ lnd: this.lnd, message, signature })
      )
      return signedBy
    } catch (err) {
      if (isConnectionError(err)) throw err
      return undefined
    }
  }

  async stop(): Promise<void> {
    this.stopped = true
    this.stopping.abort()
    this.unsubscribe()
    this.closeChannel()
  }

  /** Times every RPC (for metrics) and notices a lost connection. */
  private async call<T>(method: string, fn: () => Promise<T>): Promise<T> {
    const started = performance.now()
    try {
      // Every call is bounded: an LND that stops answering must not hold a channel's lock (or a
      // payment's) for ever. The payment itself is bounded by payDirect (paymentTimeout).
      const result = method === 'pay' ? await fn() : await bounded(fn(), RPC_TIMEOUT_MS, undefined, `LND ${method}`)
      this.emit('rpc', { method, ms: performance.now() - started, ok: true })
      return result
    } catch (err) {
      this.emit('rpc', { method, ms: performance.now() - started, ok: false, error: errorName(err) })
      if (isConnectionError(err)) this.lost(errorDetails(err))
      throw err
    }
  }

  private subscribe(): void {
    const changed = (): void => {
      this.emit('changed')
    }
    const subs = [
      subscribeToChannels({ lnd: this.lnd }),
      subscribeToForwards({ lnd: this.lnd }),
      subscribeToInvoices({ lnd: this.lnd })
    ]
    for (const sub of subs) {
      for (const name of ['channel_opened', 'channel_closed', 'channel_active_changed', 'forward', 'invoice_updated'])
        sub.on(name, changed)
      sub.on('error', (err: unknown) => {
        this.lost(errorDetails(err))
      })
    }
    this.subscriptions = subs
    this.streamsSince = Date.now()
  }

  private unsubscribe(): void {
    for (const sub of this.subscriptions) {
      sub.removeAllListeners()
      sub.on('error', () => {
        /* a dropped stream's late error: unheard, it would crash the process */
      })
    }
    this.subscriptions = []
    this.streamsSince = undefined
  }

  /** The connection is gone: stop listening, say so, and keep trying to come back. */
  private lost(reason: string): void {
    if (this.stopped || this.reconnecting) return
    this.reconnecting = true
    this.connected = false
    this.unsubscribe()
    this.emit('status', { connected: false, error: reason })
    reconnectWithBackoff({
      probe: async () => {
        const info = await bounded(
          getWalletInfo({ lnd: this.lnd }),
          CONNECT_TIMEOUT_MS,
          this.stopping.signal,
          'reconnect'
        )
        assertSameNode(this.identity.publicKey, info.public_key, 'LND')
      },
      stopped: () => this.stopped,
      signal: this.stopping.signal,
      refused: (reason) => this.emit('status', { connected: false, error: reason }),
      back: () => {
        this.subscribe()
        this.connected = true
        this.reconnecting = false
        this.emit('status', { connected: true })
        this.emit('changed')
      }
    })
  }
}

/** The payment hash is needed only to ask LND about an uncertain outcome; decoded locally. */
function paymentHashOf(request: string): string {
  return parsePaymentRequest({ request }).id
}
