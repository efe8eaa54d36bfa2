import type { EventEmitter } from 'node:events'
import type { ChannelView } from './channel-view.js'

export interface NodeIdentity {
  publicKey: string
  alias: string
  /** The invoice network the node runs on ('bitcoin', 'testnet', 'signet', 'regtest'), when known. */
  network?: string
}

export interface CreatedInvoice {
  paymentHash: string
  request: string
  expiresAt: number
}

export type InvoiceState = 'open' | 'settled' | 'canceled' | 'unknown'

export type PaymentState =
  | { status: 'succeeded'; fee: number; preimage: string; channels: string[] }
  | { status: 'failed'; reason: string }
  | { status: 'pending' }
  | { status: 'unknown' }

export interface DirectPayment {
  request: string
  /** The channel the payment must leave through (and the only one it may use). */
  channelId: string
  /**
   * How long the node may try, and we wait, ms. Past it the payment is reported 'pending' if the
   * node still has it in flight (an HTLC held by the payee): we stop waiting, its record settles it later.
   */
  timeoutMs: number
  /** Most blocks the HTLC may stay locked (LND's cltv_limit; CLN's route delay): bounds how long a payee can hold it. */
  cltvLimit: number
}

/**
 * What Tightrope needs of one Lightning node. LndNode implements it on the `lightning` client,
 * ClnNode (cln/) on Core Lightning's clnrest; everything above this interface is node-software
 * agnostic. Channel ids are "BxTxO" short channel ids (LND's client and CLN write them alike).
 *
 * Events: 'changed' (a channel, HTLC or invoice event: balances may have moved),
 * 'status' ({ connected: boolean, error?: string }), 'rpc' ({ method, ms, ok }).
 */
export interface LightningNode extends EventEmitter {
  readonly identity: NodeIdentity
  readonly connected: boolean
  /** When its current event streams were opened (undefined: none, or not reported: it is polled). */
  readonly streamsSince?: number | undefined
  getChannels(): Promise<ChannelView[]>
  createInvoice(args: { tokens: number; description: string; expirySeconds: number }): Promise<CreatedInvoice>
  getInvoiceState(paymentHash: string): Promise<InvoiceState>
  /** Cancels an open invoice so that it can no longer be paid. */
  cancelInvoice(paymentHash: string): Promise<void>
  payDirect(payment: DirectPayment): Promise<PaymentState>
  getPaymentState(paymentHash: string): Promise<PaymentState>
  /**
   * Signs with the node key; LND's and CLN's signatures are alike (zbase32) and cross-verify. Only
   * printable ASCII without quotes or backslashes: CLN would sign the JSON-escaped text instead.
   */
  signMessage(message: string): Promise<string>
  /** The key that signed `message` (recovered from the signature), or undefined if none. */
  verifyMessage(message: string, signature: string): Promise<string | undefined>
  stop(): Promise<void>
}
