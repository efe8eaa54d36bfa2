import c from 'compact-encoding'

/**
 * The wire format of protocol tightrope/v2 (one Protomux channel per connection). Every field has a
 * bound: a decoder that meets more than it allows throws, and the connection counts a bad message.
 * New message types are only ever appended (Protomux numbers them by position).
 */
export const PROTOCOL = 'tightrope/v2'
export const MAX_NODES = 64
export const MAX_ALIAS = 64
export const MAX_INVOICE = 2048
export const MAX_TEXT = 512
export const MAX_CHANNEL_ID = 32

type State = c.State

function boundedString (max: number, name: string): c.Encoder<string> {
  return {
    preencode (state: State, s: string) { c.string.preencode(state, s) },
    encode (state: State, s: string) { c.string.encode(state, s) },
    decode (state: State): string {
      const s = c.string.decode(state)
      if (s.length > max) throw new Error(`${name} longer than ${max}`)
      return s
    }
  }
}

function struct<T extends object> (fields: ReadonlyArray<readonly [keyof T & string, c.Encoder<any>]>): c.Encoder<T> {
  return {
    preencode (state: State, m: T) { for (const [k, e] of fields) e.preencode(state, (m as any)[k]) },
    encode (state: State, m: T) { for (const [k, e] of fields) e.encode(state, (m as any)[k]) },
    decode (state: State): T {
      const out: Record<string, unknown> = {}
      for (const [k, e] of fields) out[k] = e.decode(state)
      return out as T
    }
  }
}

function boundedArray<T> (enc: c.Encoder<T>, max: number, name: string): c.Encoder<T[]> {
  return {
    preencode (state: State, a: T[]) { c.uint.preencode(state, a.length); for (const x of a) enc.preencode(state, x) },
    encode (state: State, a: T[]) { c.uint.encode(state, a.length); for (const x of a) enc.encode(state, x) },
    decode (state: State): T[] {
      const n = c.uint.decode(state)
      if (n > max) throw new Error(`${name}: ${n} entries, at most ${max}`)
      return Array.from({ length: n }, () => enc.decode(state))
    }
  }
}

const publicKeyHex = boundedString(66, 'publicKey')
const channelId = boundedString(MAX_CHANNEL_ID, 'channelId')

export interface NodeClaim {
  publicKey: string
  alias: string
  /** LND SignMessage (zbase32) over nodeProofMessage(handshakeHash, senderKey, publicKey). */
  signature: string
}

/** The channel handshake: who we are (the spec's hello), with proofs. */
export interface Hello {
  version: number
  agent: string
  /** membershipProof(authKey, handshakeHash, our swarm key). */
  proof: Uint8Array
  nodes: NodeClaim[]
}

export interface PayInvoice {
  requestId: number
  channelId: string
  invoice: string
  tokens: number
}

export interface PaymentResult {
  requestId: number
  channelId: string
  /** The payment hash. */
  paymentId: string
  confirmed: boolean
  /** ISO 8601; '' when not confirmed. */
  confirmedAt: string
  /** 'paid' | 'refused' | 'failed' | 'pending' */
  status: string
  reason: string
  detail: string
  /** ms since epoch when asking again could succeed; 0 when not applicable. */
  retryAt: number
}

/** The nodes an instance manages changed (a node connected or was added): same shape as in hello. */
export interface NodesUpdate {
  nodes: NodeClaim[]
}

const nodeClaim = struct<NodeClaim>([['publicKey', publicKeyHex], ['alias', boundedString(MAX_ALIAS, 'alias')], ['signature', boundedString(140, 'signature')]])

export const hello = struct<Hello>([
  ['version', c.uint],
  ['agent', boundedString(MAX_ALIAS, 'agent')],
  ['proof', c.fixed32],
  ['nodes', boundedArray(nodeClaim, MAX_NODES, 'nodes')]
])

export const payInvoice = struct<PayInvoice>([
  ['requestId', c.uint],
  ['channelId', channelId],
  ['invoice', boundedString(MAX_INVOICE, 'invoice')],
  ['tokens', c.uint]
])

export const paymentResult = struct<PaymentResult>([
  ['requestId', c.uint],
  ['channelId', channelId],
  ['paymentId', boundedString(64, 'paymentId')],
  ['confirmed', c.bool],
  ['confirmedAt', boundedString(40, 'confirmedAt')],
  ['status', boundedString(16, 'status')],
  ['reason', boundedString(64, 'reason')],
  ['detail', boundedString(MAX_TEXT, 'detail')],
  ['retryAt', c.uint]
])

export const nodesUpdate = struct<NodesUpdate>([['nodes', boundedArray(nodeClaim, MAX_NODES, 'nodes')]])
