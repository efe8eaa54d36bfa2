import c from 'compact-encoding'
import type { PayResponse } from '../core/payment.js'

/**
 * The wire format (docs/protocol.md), version 3, on the Protomux channel named 'tightrope/v2' (the
 * name stays so that a version-2 peer still pairs, reads our version and says why it leaves).
 * Every field has a bound: a decoder that meets more than it allows throws.
 */
export const PROTOCOL = 'tightrope/v2'
export const PROTOCOL_VERSION = 3
export const MAX_NODES = 64
export const MAX_ALIAS = 64
export const MAX_INVOICE = 2048
export const MAX_TEXT = 512
export const MAX_CHANNEL_ID = 32

type State = c.State

function boundedString(max: number, name: string): c.Encoder<string> {
  return {
    preencode(state: State, s: string) {
      c.string.preencode(state, s)
    },
    encode(state: State, s: string) {
      c.string.encode(state, s)
    },
    // The bound is on the UTF-8 bytes as written (the length prefix), checked before reading them.
    decode(state: State): string {
      const start = state.start
      const bytes = c.uint.decode(state)
      if (bytes > max) throw new Error(`${name} longer than ${max} bytes`)
      state.start = start
      return c.string.decode(state)
    }
  }
}

function struct<T extends object>(fields: ReadonlyArray<readonly [keyof T & string, c.Encoder<any>]>): c.Encoder<T> {
  return {
    preencode(state: State, m: T) {
      for (const [k, e] of fields) e.preencode(state, (m as any)[k])
    },
    encode(state: State, m: T) {
      for (const [k, e] of fields) e.encode(state, (m as any)[k])
    },
    decode(state: State): T {
      const out: Record<string, unknown> = {}
      for (const [k, e] of fields) out[k] = e.decode(state)
      return out as T
    }
  }
}

function boundedArray<T>(enc: c.Encoder<T>, max: number, name: string): c.Encoder<T[]> {
  return {
    preencode(state: State, a: T[]) {
      c.uint.preencode(state, a.length)
      for (const x of a) enc.preencode(state, x)
    },
    encode(state: State, a: T[]) {
      c.uint.encode(state, a.length)
      for (const x of a) enc.encode(state, x)
    },
    decode(state: State): T[] {
      const n = c.uint.decode(state)
      if (n > max) throw new Error(`${name}: ${n} entries, at most ${max}`)
      return Array.from({ length: n }, () => enc.decode(state))
    }
  }
}

const publicKeyHex = boundedString(66, 'publicKey')
/** A Lightning node's public key as we accept it: compressed secp256k1, lowercase hex. */
export const isNodeKey = (s: string): boolean => /^0[23][0-9a-f]{64}$/.test(s)
const channelId = boundedString(MAX_CHANNEL_ID, 'channelId')

export interface NodeClaim {
  publicKey: string
  alias: string
  /** LND SignMessage (zbase32) over nodeProofMessage(handshakeHash, senderKey, publicKey). */
  signature: string
}

/**
 * The channel handshake: the membership proof only. Node claims follow in a `nodes` message once
 * the sender has verified the receiver's proof, so a stranger learns nothing. `agent` is '' and
 * `nodes` empty in version 3 (kept so a version-2 peer decodes it and reports the version).
 */
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

/**
 * The one way a payer's answer becomes a paymentResult message: `paymentId` is the payment hash
 * when known ('' for a request refused before its invoice was read).
 */
export function toPaymentResult(
  request: { requestId: number; channelId: string },
  r: PayResponse,
  paymentId: string
): PaymentResult {
  return {
    requestId: request.requestId,
    channelId: request.channelId,
    paymentId,
    confirmed: r.status === 'paid',
    confirmedAt: r.status === 'paid' ? new Date().toISOString() : '',
    status: r.status,
    reason: r.status === 'refused' || r.status === 'failed' ? r.reason : '',
    detail: r.status === 'refused' ? truncateUtf8(r.detail, MAX_TEXT) : '', // the bound is in UTF-8 bytes
    retryAt: r.status === 'refused' ? (r.retryAt ?? 0) : 0
  }
}

/** Who we are, sent once the peer's membership proof verified: our software and our nodes. */
export interface NodesUpdate {
  agent: string
  nodes: NodeClaim[]
}

/** Cuts a string to at most `max` UTF-8 bytes without splitting a character. */
export function truncateUtf8(s: string, max: number): string {
  let out = ''
  let bytes = 0
  for (const ch of s) {
    bytes += Buffer.byteLength(ch)
    if (bytes > max) break
    out += ch
  }
  return out
}

const nodeClaim = struct<NodeClaim>([
  ['publicKey', publicKeyHex],
  ['alias', boundedString(MAX_ALIAS, 'alias')],
  ['signature', boundedString(140, 'signature')]
])

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

export const nodesUpdate = struct<NodesUpdate>([
  ['agent', boundedString(MAX_ALIAS, 'agent')],
  ['nodes', boundedArray(nodeClaim, MAX_NODES, 'nodes')]
])

/** The version alone, read before the rest so a peer of another version gets a clear reason. */
export function helloVersion(bytes: Uint8Array): number | undefined {
  try {
    return c.uint.decode({ start: 0, end: bytes.length, buffer: bytes })
  } catch {
    return undefined
  }
}

/**
 * The public key of the statement core the sender keeps about the receiver (src/accounts): the
 * receiver replicates it read-only over this connection. At most one per connection.
 */
export interface StatementKey {
  key: Uint8Array
}

export const statementKey = struct<StatementKey>([['key', c.fixed32]])
