import { EventEmitter } from 'node:events'
import { timingSafeEqual } from 'node:crypto'
import c from 'compact-encoding'
import Protomux, { type Channel } from 'protomux'
import type { SwarmConnection } from 'hyperswarm'
import { membershipProof, nodeProofMessage, type SwarmKeys } from './keys.js'
import {
  hello as helloCodec,
  helloVersion,
  isNodeKey,
  MAX_ALIAS,
  MAX_NODES,
  nodesUpdate as nodesCodec,
  payInvoice as payInvoiceCodec,
  paymentResult as paymentResultCodec,
  PROTOCOL,
  PROTOCOL_VERSION,
  statementKey as statementKeyCodec,
  toPaymentResult,
  truncateUtf8,
  type NodeClaim,
  type NodesUpdate,
  type PayInvoice,
  type PaymentResult,
  type StatementKey
} from './messages.js'
import { decodeWith, encodeEnvelope, encodeWith, MessageType, parseFrame } from './envelope.js'
import type { RequestBudget } from './budget.js'
import { refused, type PayResponse } from '../core/payment.js'
import type { EventSink } from '../core/events.js'
import { defused } from '../core/safe-text.js'
import { errorDetails } from '../lightning/lnd-node.js'
import { decodeInvoice, type InvoiceFacts } from '../lightning/decode-invoice.js'

/** A peer that sends this many bad messages (malformed, replayed, unexpected answers) is dropped. */
export const MAX_BAD_MESSAGES = 5
/** A connection whose hello has not proven membership by then is closed. */
export const AUTH_TIMEOUT_MS = 10_000
/** A request the peer has not answered by then is given up ('lost'): the requester withdraws its invoice. */
export const REQUEST_TIMEOUT_MS = 60_000
/** The messages a connection accepts after the handshake, by envelope type. */
export const FRAME_CODECS = {
  [MessageType.payInvoice]: payInvoiceCodec,
  [MessageType.paymentResult]: paymentResultCodec,
  [MessageType.nodes]: nodesCodec,
  [MessageType.statement]: statementKeyCodec
}

/** Reasons a request is refused before any payment decision: no RPC, no ledger entry, only counted. */
export const EARLY_REFUSALS = [
  'invalidInvoice',
  'unprovenNode',
  'busy',
  'rate',
  'unknownChannel',
  'nodeUnavailable'
] as const
export type EarlyRefusal = (typeof EARLY_REFUSALS)[number]
/** The refusal sent when handling a request failed unexpectedly on our side. */
export const INTERNAL_ERROR = 'internalError'
/** Why a connection closed before it authenticated (the metric's `reason` label; docs/protocol.md lists them). */
export const STRANGER_CLOSE_REASONS = [
  'authTimeout',
  'tooManyUnauthenticated',
  'badProof',
  'version',
  'malformedHello',
  'channelClosed',
  'duplicateChannel',
  'sessionRate',
  'closed'
] as const
export type StrangerCloseReason = (typeof STRANGER_CLOSE_REASONS)[number]

export interface PeerConnectionOptions {
  conn: SwarmConnection
  keys: SwarmKeys
  agent: string
  /** Our Lightning nodes now (read live: nodes join and leave at runtime). */
  ourNodes: () => Array<{ publicKey: string; alias: string; sign: (message: string) => Promise<string> }>
  /** Whether a node is the far end of one of our channels, from our own channel list (no RPC). */
  isPartner: (publicKey: string) => boolean
  /** Recovers the node that signed a message (LND VerifyMessage through one of our nodes). */
  verify: (message: string, signature: string) => Promise<string | undefined>
  /** Handles a request whose requester this peer proved; it has a slot in the request budget. */
  onPayInvoice: (peer: PeerConnection, request: PayInvoice, invoice: InvoiceFacts) => Promise<PaymentResult>
  budget: RequestBudget
  /** A request refused before any payment decision (counted and aggregated, not logged each). */
  onEarlyRefusal: (peer: PeerConnection, reason: EarlyRefusal) => void
  /** A connection closed before it authenticated (counted and aggregated, never logged each). */
  onStrangerGone: (reason: StrangerCloseReason) => void
  /** Whether a new member session is within the session rate (src/swarm/session-rate.ts); asked once its proof verified. */
  admitSession: () => boolean
  /** A node claim refused (counted and aggregated, not logged each): `ourNode` or `badSignature`. */
  onClaimRefused: (peer: PeerConnection, node: string, reason: ClaimRefusal) => void
  emit: EventSink
  authTimeoutMs?: number
  requestTimeoutMs?: number
}

export type ClaimRefusal = 'ourNode' | 'badSignature'
type ClaimState = 'unchecked' | 'proven' | 'refused'
interface Claim {
  alias: string
  signature: string
  state: ClaimState
  pending?: Promise<boolean>
  provenAt?: number
  /** Proven, but the peer's latest nodes message no longer lists it. */
  withdrawn?: boolean
}

/** A peer's text reaches a terminal and a page: without the characters core/safe-text calls unsafe. */
const printable = defused

/**
 * One connection to another Tightrope instance. Both sides open with a hello that proves knowledge
 * of the shared secret for this very session and nothing else; node claims follow only once the
 * peer's proof verified (a stranger learns nothing and costs no RPC). A claim is checked with LND
 * only when the node is one of our channel partners, once per session. Messages are sequenced per
 * connection; a malformed or replayed one is dropped and counted, and a peer that keeps doing it
 * is disconnected.
 */
export class PeerConnection extends EventEmitter {
  readonly remoteKey: string
  readonly openedAt = Date.now()
  /** The Lightning nodes this peer proved it controls: public key → alias. */
  readonly provenNodes = new Map<string, string>()
  /** Membership proven (the hello's proof matched our secret for this session). */
  authenticated = false
  closed = false
  agent = ''
  private readonly claims = new Map<string, Claim>()
  private channel: Channel | undefined
  private sendSeq = 0
  private recvSeq = 0
  private badMessages = 0
  private nextRequestId = 1
  private announced = false
  private authTimer: NodeJS.Timeout | undefined
  private statementKeyReceived = false
  /** Our nodes' signatures for this session, by node (one SignMessage per node and session). */
  private readonly signatures = new Map<string, Promise<string>>()
  private announcements = 0
  private readonly waiting = new Map<number, { resolve: (r: PayResponse) => void; timer: NodeJS.Timeout }>()

  constructor(private readonly opts: PeerConnectionOptions) {
    super()
    this.remoteKey = opts.conn.remotePublicKey.toString('hex')
    opts.conn.on('close', () => this.onClose())
    this.authTimer = setTimeout(
      () => this.drop(`not authenticated within ${(opts.authTimeoutMs ?? AUTH_TIMEOUT_MS) / 1000} s`, 'authTimeout'),
      opts.authTimeoutMs ?? AUTH_TIMEOUT_MS
    )
    this.authTimer.unref()
    // Create and open in the same tick: Protomux pairs a remote open only with a channel that is
    // opened, or created after it arrived; a channel created early and opened later never pairs.
    const channel = Protomux.from(opts.conn).createChannel({
      protocol: PROTOCOL,
      handshake: c.buffer,
      messages: [{ encoding: c.buffer, onmessage: (bytes: Uint8Array) => this.onEnvelope(bytes) }],
      onopen: (handshake: Uint8Array) => this.onHello(handshake),
      // The channel is the connection's only use: without it (closed or refused by the remote) we hang up.
      onclose: () => {
        if ((opts.conn as unknown as { destroying?: boolean }).destroying) this.onClose()
        else this.drop('protocol channel closed', 'channelClosed')
      }
    })
    if (!channel) {
      this.drop('tightrope protocol channel already open on this connection', 'duplicateChannel')
      return
    }
    this.channel = channel
    const { conn, keys } = opts
    channel.open(
      encodeWith(helloCodec, {
        version: PROTOCOL_VERSION,
        agent: '',
        proof: membershipProof(keys.authKey, conn.handshakeHash, conn.publicKey),
        nodes: []
      })
    )
  }

  get shortKey(): string {
    return this.remoteKey.slice(0, 12)
  }

  /** Membership, then our claims: nothing about us is sent before the peer proved it knows the secret. */
  private onHello(bytes: Uint8Array): void {
    const { conn, keys } = this.opts
    const version = helloVersion(bytes)
    if (version === undefined) return this.drop('malformed hello', 'malformedHello')
    if (version !== PROTOCOL_VERSION)
      return this.drop(
        `peer speaks protocol version ${version}, we speak ${PROTOCOL_VERSION}: upgrade the older instance`,
        'version'
      )
    let proof: Uint8Array
    try {
      proof = decodeWith(helloCodec, bytes).proof
    } catch (err) {
      return this.drop(`malformed hello: ${(err as Error).message}`, 'malformedHello')
    }
    const expected = membershipProof(keys.authKey, conn.handshakeHash, conn.remotePublicKey)
    if (proof.length !== expected.length || !timingSafeEqual(proof, expected)) {
      return this.drop('membership proof does not match our secret for this session', 'badProof')
    }
    // Before anything a session costs (signatures, claim checks, audit entries): a member
    // reconnecting in a loop is closed here, counted like a stranger.
    if (!this.opts.admitSession()) return this.drop('too many new sessions', 'sessionRate')
    this.authenticated = true
    clearTimeout(this.authTimer)
    this.emit('authenticated')
    if (!this.closed) void this.announceNodes()
  }

  /**
   * Sends our nodes (the full list, again whenever it changes), each signed by its own LND over this
   * session. A node's signature is made once per session (the proof binds the session, so it
   * cannot be reused across sessions, but within one it stays valid). Nodes that cannot sign now
   * are left out.
   */
  async announceNodes(): Promise<void> {
    if (!this.authenticated || this.closed) return
    const { conn } = this.opts
    const turn = ++this.announcements
    const signed = await Promise.all(
      this.opts
        .ourNodes()
        .slice(0, MAX_NODES)
        .map(async (node): Promise<NodeClaim | undefined> => {
          try {
            let signature = this.signatures.get(node.publicKey)
            if (signature === undefined) {
              signature = node.sign(nodeProofMessage(conn.handshakeHash, conn.publicKey, node.publicKey))
              this.signatures.set(node.publicKey, signature)
              signature.catch(() => this.signatures.delete(node.publicKey)) // retried at the next announcement
            }
            return { publicKey: node.publicKey, alias: truncateUtf8(node.alias, MAX_ALIAS), signature: await signature }
          } catch {
            return undefined
          }
        })
    )
    const nodes = signed.filter((n): n is NodeClaim => n !== undefined)
    // Announcements finish in any order: only the latest goes out (an older list would undo a change).
    if (turn !== this.announcements) return
    this.send(MessageType.nodes, encodeWith(nodesCodec, { agent: truncateUtf8(this.opts.agent, MAX_ALIAS), nodes }))
  }

  /** Asks this peer to pay an invoice of ours; resolves with its answer, or 'lost' on timeout or disconnection. */
  requestPayment(
    args: { channelId: string; invoice: string; tokens: number },
    timeoutMs = this.opts.requestTimeoutMs ?? REQUEST_TIMEOUT_MS
  ): Promise<PayResponse> {
    if (!this.authenticated || this.closed) return Promise.resolve({ status: 'lost', reason: 'peerDisconnected' })
    const requestId = this.nextRequestId++
    return new Promise((resolve) => {
      // No answer: give up on it, so the requester withdraws its invoice instead of holding the
      // channel until the invoice expires. A payment still on its way then fails.
      const timer = setTimeout(() => {
        this.waiting.delete(requestId)
        resolve({ status: 'lost', reason: 'noAnswer' })
      }, timeoutMs)
      this.waiting.set(requestId, { resolve, timer })
      this.send(MessageType.payInvoice, encodeWith(payInvoiceCodec, { requestId, ...args }))
    })
  }

  private send(type: number, body: Uint8Array): void {
    if (this.closed) return
    this.channel?.messages[0]?.send(encodeEnvelope({ seq: ++this.sendSeq, type, body }))
  }

  private onEnvelope(bytes: Uint8Array): void {
    // Protomux delivers messages only after the open, and the hello is checked synchronously in
    // onopen: anything here from an unauthenticated peer means it failed and is being dropped.
    if (!this.authenticated || this.closed) return
    const frame = parseFrame<PayInvoice | PaymentResult | NodesUpdate | StatementKey>(bytes, this.recvSeq, FRAME_CODECS)
    if (!frame.ok) {
      if (frame.bad) return this.bad(frame.reason)
      this.recvSeq = frame.seq // a type we do not know (a newer peer's): ignored, not held against it
      return
    }
    this.recvSeq = frame.seq
    if (frame.type === MessageType.payInvoice) return void this.onPayInvoice(frame.message as PayInvoice)
    if (frame.type === MessageType.nodes) return void this.onNodes(frame.message as NodesUpdate)
    if (frame.type === MessageType.statement) return this.onStatementKey(frame.message as StatementKey)
    return this.onPaymentResult(frame.message as PaymentResult)
  }

  /**
   * Records the peer's claims; each is checked with LND only if it is (or later becomes) one of
   * our channel partners, once per session. At most MAX_NODES distinct claims per session.
   */
  private async onNodes(update: NodesUpdate): Promise<void> {
    this.agent = printable(update.agent)
    const ours = new Set(this.opts.ourNodes().map((n) => n.publicKey))
    const fresh: string[] = []
    const listed = new Set<string>()
    for (const claim of update.nodes) {
      if (!isNodeKey(claim.publicKey)) continue
      listed.add(claim.publicKey)
      const known = this.claims.get(claim.publicKey)
      if (known?.withdrawn && known.state !== 'proven') delete known.withdrawn // listed again, not decided yet
      if (known?.state === 'proven' && known.withdrawn) {
        // Listed again: the same signature was checked in this session already (no new RPC);
        // another one is checked like a new claim.
        if (known.signature === claim.signature) this.attribute(claim.publicKey, known)
        else {
          this.claims.set(claim.publicKey, {
            alias: printable(claim.alias),
            signature: claim.signature,
            state: 'unchecked'
          })
          fresh.push(claim.publicKey)
        }
        continue
      }
      if (known && known.state !== 'unchecked') continue
      if (!known && this.claims.size >= MAX_NODES) continue
      if (ours.has(claim.publicKey)) {
        this.claims.set(claim.publicKey, { alias: printable(claim.alias), signature: '', state: 'refused' })
        this.opts.onClaimRefused(this, claim.publicKey, 'ourNode')
        continue
      }
      if (!known?.pending)
        this.claims.set(claim.publicKey, {
          alias: printable(claim.alias),
          signature: claim.signature,
          state: 'unchecked'
        })
      fresh.push(claim.publicKey)
    }
    // Each message is the peer's full list: a node it no longer lists (removed, or offline on its
    // side) is not attributed to it any more, nor checked, until it is listed again.
    for (const [pub, claim] of this.claims) {
      if (listed.has(pub) || claim.state === 'refused') continue
      claim.withdrawn = true
      if (this.provenNodes.delete(pub)) this.emit('withdrawn', pub)
    }
    await Promise.all(fresh.map((pub) => this.prove(pub)))
    if (this.closed || this.announced) return
    this.announced = true
    this.opts.emit('peer_authenticated', {
      peer: this.shortKey,
      agent: this.agent,
      nodes: [...this.provenNodes].map(([pub, alias]) => ({ publicKey: pub, alias }))
    })
  }

  /** A proven node attributed to this peer (again). */
  private attribute(pub: string, claim: Claim): void {
    delete claim.withdrawn
    if (this.closed) return
    this.provenNodes.set(pub, claim.alias)
    this.emit('proven', pub)
  }

  /** When this peer proved `pub` (ms epoch), or 0. */
  provenSince(pub: string): number {
    return this.claims.get(pub)?.provenAt ?? 0
  }

  /** Checks a claim that became relevant (a channel to that node appeared), if it was not checked yet. */
  reconsider(pub: string): void {
    const claim = this.claims.get(pub)
    if (claim?.state === 'unchecked' && !claim.pending) void this.prove(pub)
  }

  /**
   * Whether the peer controls `pub`: from the claim's state, or by one VerifyMessage if the node is
   * our channel partner and its claim was not checked yet. Concurrent callers share that one call.
   */
  private async prove(pub: string): Promise<boolean> {
    const claim = this.claims.get(pub)
    if (!claim || claim.state === 'refused' || claim.withdrawn) return false
    if (claim.state === 'proven') return true
    if (claim.pending) return claim.pending
    if (!this.opts.isPartner(pub)) return false // costs nothing until it matters
    claim.pending = (async () => {
      const message = nodeProofMessage(this.opts.conn.handshakeHash, this.opts.conn.remotePublicKey, pub)
      let signer: string | undefined
      try {
        signer = await this.opts.verify(message, claim.signature)
      } catch {
        return false // our LND could not check it now: left unchecked, tried again when it matters
      } finally {
        delete claim.pending
      }
      // Sound: LND recovers the signer's key from the signature; it must be the claimed key.
      // (Not LND's `valid` flag, which only says whether the key is in its graph.)
      if (signer === pub) {
        claim.state = 'proven'
        claim.provenAt = Date.now()
        if (claim.withdrawn) return false // no longer listed while it was being checked
        if (!this.closed && this.announced)
          this.opts.emit('node_proven', { peer: this.shortKey, node: pub, alias: claim.alias })
        this.attribute(pub, claim)
        return true
      }
      claim.state = 'refused'
      this.opts.onClaimRefused(this, pub, 'badSignature')
      return false
    })()
    return claim.pending
  }

  /**
   * A request: refused at no cost (no RPC, no ledger) unless its requester is a node this peer
   * claimed, within the budget for that node and the instance, and proven (a request arriving
   * while that proof is being checked waits for it, holding its budget slot).
   */
  private async onPayInvoice(request: PayInvoice): Promise<void> {
    const refuse = (reason: EarlyRefusal, detail: string, retryAt = 0): void => {
      this.opts.onEarlyRefusal(this, reason)
      this.reply(toPaymentResult(request, refused(reason, detail, retryAt), ''))
    }
    const decoded = decodeInvoice(request.invoice)
    if (!decoded.ok) return refuse('invalidInvoice', `the invoice does not decode: ${decoded.reason}`.slice(0, 500))
    const requester = decoded.invoice.destination
    const unproven = (): void =>
      refuse('unprovenNode', `the invoice pays node ${requester}, which this peer has not proven it controls`)
    const claim = this.claims.get(requester)
    if (!claim || claim.state === 'refused') return unproven()
    const slot = this.opts.budget.take(requester)
    if (!slot.ok) return refuse(slot.reason, slot.detail, slot.retryAt)
    try {
      if (!(await this.prove(requester))) return unproven()
      if (this.closed) return
      this.reply(await this.opts.onPayInvoice(this, request, decoded.invoice))
    } catch (err) {
      this.reply(toPaymentResult(request, refused(INTERNAL_ERROR, errorDetails(err).slice(0, 400)), ''))
    } finally {
      slot.release()
    }
  }

  /** Sends the key of the statement we keep about this peer (src/accounts). */
  sendStatementKey(key: Uint8Array): void {
    if (this.authenticated) this.send(MessageType.statement, encodeWith(statementKeyCodec, { key }))
  }

  /** The key of the statement the peer keeps about us: once per connection (a second is a bad message). */
  private onStatementKey(m: StatementKey): void {
    if (this.statementKeyReceived) return this.bad('a second statement key on this connection')
    this.statementKeyReceived = true
    this.emit('statementKey', Buffer.from(m.key))
  }

  private reply(result: PaymentResult): void {
    this.send(MessageType.paymentResult, encodeWith(paymentResultCodec, result))
  }

  private onPaymentResult(result: PaymentResult): void {
    const waiter = this.waiting.get(result.requestId)
    if (!waiter) {
      // An answer after we gave up on it is expected; one for a request we never made is not.
      if (result.requestId >= 1 && result.requestId < this.nextRequestId) return
      return this.bad(`paymentResult for unknown request ${result.requestId}`)
    }
    this.waiting.delete(result.requestId)
    clearTimeout(waiter.timer)
    // The peer's words reach our log, terminal and dashboard: without control characters.
    const reason = printable(result.reason)
    const response: PayResponse =
      result.status === 'paid'
        ? { status: 'paid', paymentHash: printable(result.paymentId) }
        : result.status === 'refused'
          ? {
              status: 'refused',
              reason,
              detail: printable(result.detail),
              ...(result.retryAt ? { retryAt: result.retryAt } : {})
            }
          : result.status === 'failed'
            ? { status: 'failed', reason }
            : { status: 'pending' }
    waiter.resolve(response)
  }

  private bad(reason: string): void {
    this.badMessages++
    this.opts.emit('message_dropped', { peer: this.shortKey, reason, count: this.badMessages })
    if (this.badMessages >= MAX_BAD_MESSAGES) this.drop(`${this.badMessages} bad messages`)
  }

  /**
   * Ends the connection. A member's is logged with the reason; a stranger's is only counted
   * (`code`), so that strangers cannot make us write to the audit log.
   */
  drop(reason: string, code?: StrangerCloseReason): void {
    if (this.closed) return
    if (this.authenticated) this.opts.emit('peer_dropped', { peer: this.shortKey, reason })
    else this.opts.onStrangerGone(code ?? 'closed')
    this.closed = true // before onClose: its stranger count is this one
    this.opts.conn.destroy()
    this.finish()
  }

  private onClose(): void {
    if (this.closed) return
    this.closed = true
    if (!this.authenticated) this.opts.onStrangerGone('closed')
    this.finish()
  }

  private finish(): void {
    clearTimeout(this.authTimer)
    for (const [id, w] of this.waiting) {
      clearTimeout(w.timer)
      w.resolve({ status: 'lost', reason: 'peerDisconnected' })
      this.waiting.delete(id)
    }
    this.emit('close')
  }
}
