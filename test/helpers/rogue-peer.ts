import c from 'compact-encoding'
import Hyperswarm, { type SwarmConnection } from 'hyperswarm'
import HyperDHT from 'hyperdht'
import Protomux, { type Channel } from 'protomux'
import { membershipProof, nodeProofMessage, swarmKeys } from '../../src/swarm/keys.js'
import { hello as helloCodec, payInvoice as payInvoiceCodec, paymentResult as paymentResultCodec, PROTOCOL, type PaymentResult } from '../../src/swarm/messages.js'
import { decodeEnvelope, decodeWith, encodeEnvelope, encodeWith, MessageType } from '../../src/swarm/envelope.js'

export interface Claim { publicKey: string; alias: string; sign: (message: string) => Promise<string> }

/**
 * An attacker for tests: a real Hyperswarm peer on the local DHT that speaks tightrope/v2 (or
 * garbage) as the test says. With the cluster secret it authenticates like anyone who knows it;
 * with another secret its proofs fail. It never pays anything asked of it.
 */
export class RoguePeer {
  readonly results: PaymentResult[] = []
  conn: SwarmConnection | undefined
  private channel: Channel | undefined
  private seq = 0
  private requestId = 1000
  closed = false

  private constructor (private readonly swarm: Hyperswarm) {}

  /** Connects to one instance by its swarm key and opens the protocol with the given claims. */
  static async connect (args: { bootstrap: string[]; secret: string; target: string; claims: Claim[]; timeoutMs?: number }): Promise<RoguePeer> {
    const dht = new HyperDHT({ bootstrap: args.bootstrap, host: '127.0.0.1', firewalled: false, ephemeral: true })
    const swarm = new Hyperswarm({ dht })
    const rogue = new RoguePeer(swarm)
    const { authKey } = swarmKeys(args.secret)
    const opened = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('rogue peer: no connection')), args.timeoutMs ?? 20_000)
      swarm.on('connection', (conn: SwarmConnection) => {
        conn.on('error', () => {})
        conn.on('close', () => { rogue.closed = true })
        rogue.conn = conn
        void (async () => {
          const nodes = []
          for (const claim of args.claims) nodes.push({ publicKey: claim.publicKey, alias: claim.alias, signature: await claim.sign(nodeProofMessage(conn.handshakeHash, conn.publicKey, claim.publicKey)) })
          const channel = Protomux.from(conn).createChannel({
            protocol: PROTOCOL,
            handshake: c.buffer,
            messages: [{ encoding: c.buffer, onmessage: (bytes: Uint8Array) => rogue.onMessage(bytes) }],
            onopen: () => { clearTimeout(timer); resolve() }
          })
          if (!channel) return reject(new Error('rogue peer: no channel'))
          rogue.channel = channel
          channel.open(encodeWith(helloCodec, { version: 2, agent: 'rogue/1', proof: membershipProof(authKey, conn.handshakeHash, conn.publicKey), nodes }))
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

  private onMessage (bytes: Uint8Array): void {
    try {
      const env = decodeEnvelope(bytes)
      if (env.type === MessageType.paymentResult) this.results.push(decodeWith(paymentResultCodec, env.body))
    } catch { /* the victim's messages are well formed; ignore anything else */ }
  }

  /** Sends raw bytes as one protocol message (anything at all). */
  sendRaw (bytes: Uint8Array): void { this.channel?.messages[0]?.send(bytes) }

  /** Sends an envelope; `seq` defaults to the next one. Returns the bytes sent (for replays). */
  send (type: number, body: Uint8Array, seq = ++this.seq): Uint8Array {
    const frame = encodeEnvelope({ seq, type, body })
    this.sendRaw(frame)
    return frame
  }

  /** Sends payInvoice and waits for the answer. */
  async payInvoice (args: { channelId: string; invoice: string; tokens: number }, timeoutMs = 15_000): Promise<PaymentResult> {
    const requestId = ++this.requestId
    this.send(MessageType.payInvoice, encodeWith(payInvoiceCodec, { requestId, ...args }))
    return this.waitResult(requestId, timeoutMs)
  }

  async waitResult (requestId: number, timeoutMs = 15_000): Promise<PaymentResult> {
    const until = Date.now() + timeoutMs
    for (;;) {
      const r = this.results.find((x) => x.requestId === requestId)
      if (r) return r
      if (Date.now() > until) throw new Error(`rogue peer: no paymentResult for request ${requestId}`)
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  }

  nextRequestId (): number { return ++this.requestId }

  async destroy (): Promise<void> { await this.swarm.destroy() }
}
