import { EventEmitter } from 'node:events'
import { timingSafeEqual } from 'node:crypto'
import c from 'compact-encoding'
import Protomux, { type Channel } from 'protomux'
import type { SwarmConnection } from 'hyperswarm'
import { membershipProof, nodeProofMessage, type SwarmKeys } from './keys.js'
import { hello as helloCodec, payInvoice as payInvoiceCodec, paymentResult as paymentResultCodec, PROTOCOL, type Hello, type NodeClaim, type PayInvoice, type PaymentResult } from './messages.js'
import { decodeWith, encodeEnvelope, encodeWith, MessageType, parseFrame } from './envelope.js'
import type { EventSink, PayResponse } from '../daemon/ports.js'
import { errorDetails } from '../lightning/lnd-node.js'

export const PROTOCOL_VERSION = 2
/** A peer that sends this many bad messages (malformed, unknown, replayed, unauthenticated) is dropped. */
export const MAX_BAD_MESSAGES = 5
/** Requests from one peer being handled at once; more are refused at once with 'busy'. */
export const MAX_CONCURRENT_REQUESTS = 4
export const REQUEST_TIMEOUT_MS = 60_000
/** The messages a connection accepts after the handshake, by envelope type. */
export const FRAME_CODECS = { [MessageType.payInvoice]: payInvoiceCodec, [MessageType.paymentResult]: paymentResultCodec }

export interface PeerConnectionOptions {
  conn: SwarmConnection
  keys: SwarmKeys
  agent: string
  /** Signs a message with one of our Lightning nodes (LND SignMessage). */
  ourNodes: () => Array<{ publicKey: string; alias: string; sign: (message: string) => Promise<string> }>
  /** Recovers the node that signed a message (LND VerifyMessage through one of our nodes). */
  verify: (message: string, signature: string) => Promise<string | undefined>
  /** Handles a payInvoice from this (authenticated) peer. */
  onPayInvoice: (peer: PeerConnection, request: PayInvoice) => Promise<PaymentResult>
  emit: EventSink
}

/**
 * One authenticated connection to another Tightrope instance. The handshake proves knowledge of the
 * shared secret for this very session, and each Lightning node the peer announces is proven by that
 * node's own signature over the session. Messages are sequenced per connection; anything malformed,
 * unknown or out of order is dropped with an event, and a peer that keeps doing it is disconnected.
 */
export class PeerConnection extends EventEmitter {
  readonly remoteKey: string
  /** The Lightning nodes this peer proved it controls: public key → alias. */
  readonly provenNodes = new Map<string, string>()
  authenticated = false
  closed = false
  private channel: Channel | undefined
  private sendSeq = 0
  private recvSeq = 0
  private badMessages = 0
  private nextRequestId = 1
  private handling = 0
  private readonly waiting = new Map<number, { resolve: (r: PayResponse) => void; timer: NodeJS.Timeout }>()

  constructor (private readonly opts: PeerConnectionOptions) {
    super()
    this.remoteKey = opts.conn.remotePublicKey.toString('hex')
    opts.conn.on('close', () => this.onClose())
    void this.sendHello().catch((err: unknown) => this.drop(`cannot prepare hello: ${(err as Error).message}`))
  }

  get shortKey (): string { return this.remoteKey.slice(0, 12) }

  private async sendHello (): Promise<void> {
    const { conn, keys } = this.opts
    const nodes: NodeClaim[] = []
    for (const node of this.opts.ourNodes()) {
      const signature = await node.sign(nodeProofMessage(conn.handshakeHash, conn.publicKey, node.publicKey))
      nodes.push({ publicKey: node.publicKey, alias: node.alias.slice(0, 64), signature })
    }
    const hello: Hello = { version: PROTOCOL_VERSION, agent: this.opts.agent, proof: membershipProof(keys.authKey, conn.handshakeHash, conn.publicKey), nodes }
    if (this.closed) return
    // Create and open in the same tick: Protomux pairs a remote open only with a channel that is
    // opened, or created after it arrived; a channel created early and opened later never pairs.
    const channel = Protomux.from(conn).createChannel({
      protocol: PROTOCOL,
      handshake: c.buffer,
      messages: [{ encoding: c.buffer, onmessage: (bytes: Uint8Array) => { void this.onEnvelope(bytes) } }],
      onopen: (handshake: Uint8Array) => { void this.onHello(handshake) },
      onclose: () => { this.onClose() }
    })
    if (!channel) return this.drop('tightrope protocol channel already open on this connection')
    this.channel = channel
    channel.open(encodeWith(helloCodec, hello))
  }

  private async onHello (bytes: Uint8Array): Promise<void> {
    const { conn, keys } = this.opts
    let hello: Hello
    try {
      hello = decodeWith(helloCodec, bytes)
    } catch (err) {
      return this.drop(`malformed hello: ${(err as Error).message}`)
    }
    if (hello.version !== PROTOCOL_VERSION) return this.drop(`unsupported protocol version ${hello.version}`)
    const expected = membershipProof(keys.authKey, conn.handshakeHash, conn.remotePublicKey)
    if (hello.proof.length !== expected.length || !timingSafeEqual(hello.proof, expected)) {
      return this.drop('membership proof does not match our secret for this session')
    }
    const ours = new Set(this.opts.ourNodes().map((n) => n.publicKey))
    for (const claim of hello.nodes) {
      if (ours.has(claim.publicKey)) {
        this.opts.emit('node_claim_refused', { peer: this.shortKey, node: claim.publicKey, reason: 'that node is ours' })
        continue
      }
      const signer = await this.opts.verify(nodeProofMessage(conn.handshakeHash, conn.remotePublicKey, claim.publicKey), claim.signature).catch(() => undefined)
      if (signer === claim.publicKey) {
        this.provenNodes.set(claim.publicKey, claim.alias)
      } else {
        this.opts.emit('node_claim_refused', { peer: this.shortKey, node: claim.publicKey, reason: 'signature does not prove control of that node' })
      }
    }
    if (this.closed) return
    this.authenticated = true
    this.opts.emit('peer_authenticated', { peer: this.shortKey, agent: hello.agent, nodes: [...this.provenNodes].map(([pub, alias]) => ({ publicKey: pub, alias })) })
    this.emit('authenticated')
  }

  /** Asks this peer to pay an invoice of ours; resolves with its answer ('pending' on timeout or loss). */
  requestPayment (args: { channelId: string; invoice: string; tokens: number }, timeoutMs = REQUEST_TIMEOUT_MS): Promise<PayResponse> {
    if (!this.authenticated || this.closed) return Promise.resolve({ status: 'lost', reason: 'peerDisconnected' })
    const requestId = this.nextRequestId++
    return new Promise((resolve) => {
      const timer = setTimeout(() => { this.waiting.delete(requestId); resolve({ status: 'pending' }) }, timeoutMs)
      this.waiting.set(requestId, { resolve, timer })
      this.send(MessageType.payInvoice, encodeWith(payInvoiceCodec, { requestId, ...args }))
    })
  }

  private send (type: number, body: Uint8Array): void {
    if (this.closed) return
    this.channel?.messages[0]?.send(encodeEnvelope({ seq: ++this.sendSeq, type, body }))
  }

  private async onEnvelope (bytes: Uint8Array): Promise<void> {
    if (!this.authenticated) return this.bad('message before authentication')
    const frame = parseFrame<PayInvoice | PaymentResult>(bytes, this.recvSeq, FRAME_CODECS)
    if (!frame.ok) return this.bad(frame.reason)
    this.recvSeq = frame.seq
    if (frame.type === MessageType.payInvoice) return this.onPayInvoice(frame.message as PayInvoice)
    return this.onPaymentResult(frame.message as PaymentResult)
  }

  private async onPayInvoice (request: PayInvoice): Promise<void> {
    const refuse = (reason: string, detail: string): void => this.reply({ requestId: request.requestId, channelId: request.channelId, paymentId: '', confirmed: false, confirmedAt: '', status: 'refused', reason, detail, retryAt: 0 })
    if (this.handling >= MAX_CONCURRENT_REQUESTS) {
      this.opts.emit('payment_refused', { peer: this.shortKey, channelId: request.channelId, reason: 'busy', detail: `more than ${MAX_CONCURRENT_REQUESTS} requests at once` })
      return refuse('busy', `more than ${MAX_CONCURRENT_REQUESTS} requests at once from this peer`)
    }
    this.handling++
    try {
      this.reply(await this.opts.onPayInvoice(this, request))
    } catch (err) {
      refuse('internalError', errorDetails(err).slice(0, 400))
    } finally {
      this.handling--
    }
  }

  private reply (result: PaymentResult): void {
    this.send(MessageType.paymentResult, encodeWith(paymentResultCodec, result))
  }

  private onPaymentResult (result: PaymentResult): void {
    const waiter = this.waiting.get(result.requestId)
    if (!waiter) return this.bad(`paymentResult for unknown request ${result.requestId}`)
    this.waiting.delete(result.requestId)
    clearTimeout(waiter.timer)
    const response: PayResponse = result.status === 'paid'
      ? { status: 'paid', paymentHash: result.paymentId }
      : result.status === 'refused'
        ? { status: 'refused', reason: result.reason, detail: result.detail, ...(result.retryAt ? { retryAt: result.retryAt } : {}) }
        : result.status === 'failed' ? { status: 'failed', reason: result.reason } : { status: 'pending' }
    waiter.resolve(response)
  }

  private bad (reason: string): void {
    this.badMessages++
    this.opts.emit('message_dropped', { peer: this.shortKey, reason, count: this.badMessages })
    if (this.badMessages >= MAX_BAD_MESSAGES) this.drop(`${this.badMessages} bad messages`)
  }

  /** Ends the connection with a reason in the event log. */
  drop (reason: string): void {
    if (this.closed) return
    this.opts.emit('peer_dropped', { peer: this.shortKey, reason })
    this.opts.conn.destroy()
    this.onClose()
  }

  private onClose (): void {
    if (this.closed) return
    this.closed = true
    for (const [id, w] of this.waiting) {
      clearTimeout(w.timer)
      w.resolve({ status: 'lost', reason: 'peerDisconnected' })
      this.waiting.delete(id)
    }
    this.emit('close')
  }
}
