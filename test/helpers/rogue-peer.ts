import c from 'compact-encoding'
import Hyperswarm, { type SwarmConnection } from 'hyperswarm'
import HyperDHT from 'hyperdht'
import Protomux, { type Channel } from 'protomux'
import { membershipProof, nodeProofMessage, swarmKeys } from '../../src/swarm/keys.js'
import {
  hello as helloCodec,
  nodesUpdate as nodesCodec,
  payInvoice as payInvoiceCodec,
  paymentResult as paymentResultCodec,
  PROTOCOL,
  PROTOCOL_VERSION,
  type NodeClaim,
  type PaymentResult
} from '../../src/swarm/messages.js'
import { decodeEnvelope, decodeWith, encodeEnvelope, encodeWith, MessageType } from '../../src/swarm/envelope.js'

export interface Claim {
  publicKey: string
  alias: string
  sign: (message: string) => Promise<string>
}

export interface RogueOptions {
  bootstrap: string[]
  secret: string
  target: string
  claims: Claim[]
  timeoutMs?: number
  /** 'silent': connect and never open the protocol; 'hello': open it and send no node claims. */
  mode?: 'normal' | 'silent' | 'hello'
  /** The hello's version (default: the current one); with another, no claims are sent. */
  version?: number
  /** The swarm key pair (default: a new one): the same one again is the same member reconnecting. */
  keyPair?: { publicKey: Buffer; secretKey: Buffer }
  /** A payInvoice sent right behind the claims (the early-request case); its id is `earlyRequestId`. */
  early?: { channelId: string; invoice: string; tokens: number }
}

/**
 * An attacker for tests: a real Hyperswarm peer on the local DHT that speaks the protocol (or
 * garbage) as the test says. With the cluster secret it authenticates like anyone who knows it;
 * with another secret its proofs fail. It never pays anything asked of it. It records every byte
 * the victim sends it (`received`) and the victim's hello (`theirHello`).
 */
export class RoguePeer {
  readonly results: PaymentResult[] = []
  readonly received: Buffer[] = []
  /** The victim's nodes messages, decoded. */
  readonly nodes: Array<{ agent: string; nodes: NodeClaim[] }> = []
  theirHello: Uint8Array | undefined
  conn: SwarmConnection | undefined
  private channel: Channel | undefined
  private seq = 0
  private requestId = 1000
  closed = false

  private constructor(private readonly swarm: Hyperswarm) {}

  /** Connects to one instance by its swarm key and opens the protocol with the given claims. */
  static async connect(args: RogueOptions): Promise<RoguePeer> {
    const dht = new HyperDHT({ bootstrap: args.bootstrap, host: '127.0.0.1', firewalled: false, ephemeral: true })
    const swarm = new Hyperswarm({ dht, ...(args.keyPair ? { keyPair: args.keyPair } : {}) })
    const rogue = new RoguePeer(swarm)
    const { authKey } = swarmKeys(args.secret)
    const version = args.version ?? PROTOCOL_VERSION
    const opened = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('rogue peer: no connection')), args.timeoutMs ?? 20_000)
      swarm.on('connection', (conn: SwarmConnection) => {
        conn.on('error', () => {})
        conn.on('close', () => {
          rogue.closed = true
        })
        rogue.conn = conn
        if (args.mode === 'silent') {
          conn.on('data', (d: Buffer) => rogue.received.push(Buffer.from(d)))
          clearTimeout(timer)
          return resolve()
        }
        // Create and open in this tick, as the real peer does: Protomux rejects a remote open that
        // finds no channel of its protocol here.
        const channel = Protomux.from(conn).createChannel({
          protocol: PROTOCOL,
          handshake: c.buffer,
          messages: [{ encoding: c.buffer, onmessage: (bytes: Uint8Array) => rogue.onMessage(bytes) }],
          onopen: (theirs: Uint8Array) => {
            rogue.theirHello = theirs
            clearTimeout(timer)
            resolve()
          }
        })
        conn.on('data', (d: Buffer) => rogue.received.push(Buffer.from(d)))
        if (!channel) return reject(new Error('rogue peer: no channel'))
        rogue.channel = channel
        channel.open(
          encodeWith(helloCodec, {
            version,
            agent: 'rogue/1',
            proof: membershipProof(authKey, conn.handshakeHash, conn.publicKey),
            nodes: []
          })
        )
        if (version !== PROTOCOL_VERSION || args.mode === 'hello') return
        void (async () => {
          const nodes: NodeClaim[] = []
          for (const claim of args.claims)
            nodes.push({
              publicKey: claim.publicKey,
              alias: claim.alias,
              signature: await claim.sign(nodeProofMessage(conn.handshakeHash, conn.publicKey, claim.publicKey))
            })
          rogue.send(MessageType.nodes, encodeWith(nodesCodec, { agent: 'rogue/1', nodes }))
          // Right behind the claims, before the victim could have checked them.
          if (args.early) rogue.earlyRequestId = rogue.sendPayInvoice(args.early)
        })().catch(reject)
      })
    })
    swarm.joinPeer(Buffer.from(args.target, 'hex'))
    try {
      await opened
    } catch (err) {
      await swarm.destroy()
      throw err
    }
    return rogue
  }

  earlyRequestId: number | undefined

  /** Sends (another) nodes message with these claims, signed for this session. */
  async announce(claims: Claim[]): Promise<void> {
    const conn = this.conn as SwarmConnection
    const nodes: NodeClaim[] = []
    for (const claim of claims)
      nodes.push({
        publicKey: claim.publicKey,
        alias: claim.alias,
        signature: await claim.sign(nodeProofMessage(conn.handshakeHash, conn.publicKey, claim.publicKey))
      })
    this.send(MessageType.nodes, encodeWith(nodesCodec, { agent: 'rogue/1', nodes }))
  }

  /** Sends payInvoice without waiting; returns its request id. */
  sendPayInvoice(args: { channelId: string; invoice: string; tokens: number }): number {
    const requestId = ++this.requestId
    this.send(MessageType.payInvoice, encodeWith(payInvoiceCodec, { requestId, ...args }))
    return requestId
  }

  private onMessage(bytes: Uint8Array): void {
    try {
      const env = decodeEnvelope(bytes)
      if (env.type === MessageType.paymentResult) this.results.push(decodeWith(paymentResultCodec, env.body))
      if (env.type === MessageType.nodes) this.nodes.push(decodeWith(nodesCodec, env.body))
    } catch {
      /* the victim's messages are well formed; ignore anything else */
    }
  }

  /** Sends raw bytes as one protocol message (anything at all). */
  sendRaw(bytes: Uint8Array): void {
    this.channel?.messages[0]?.send(bytes)
  }

  /** Sends an envelope; `seq` defaults to the next one. Returns the bytes sent (for replays). */
  send(type: number, body: Uint8Array, seq = ++this.seq): Uint8Array {
    const frame = encodeEnvelope({ seq, type, body })
    this.sendRaw(frame)
    return frame
  }

  /** Sends payInvoice and waits for the answer. */
  async payInvoice(
    args: { channelId: string; invoice: string; tokens: number },
    timeoutMs = 15_000
  ): Promise<PaymentResult> {
    return this.waitResult(this.sendPayInvoice(args), timeoutMs)
  }

  async waitResult(requestId: number, timeoutMs = 15_000): Promise<PaymentResult> {
    const until = Date.now() + timeoutMs
    for (;;) {
      const r = this.results.find((x) => x.requestId === requestId)
      if (r) return r
      if (Date.now() > until) throw new Error(`rogue peer: no paymentResult for request ${requestId}`)
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  }

  nextRequestId(): number {
    return ++this.requestId
  }

  async destroy(): Promise<void> {
    await this.swarm.destroy()
  }
}
