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
   * How long LND may try, and we wait, ms. Past it the payment is reported 'pending' if LND still
   * has it in flight (an HTLC held by the payee): we stop waiting, LND's record settles it later.
   */
  timeoutMs: number
  /** Most blocks the HTLC may stay locked (LND's cltv_limit): bounds how long a payee can hold it. */
  cltvLimit: number
}

/**
 * What Tightrope needs of one Lightning node. LndNode implements it on the `lightning` client;
 * everything above this interface is node-software agnostic.
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
  signMessage(message: string): Promise<string>
  verifyMessage(message: string, signature: string): Promise<string | undefined>
  stop(): Promise<void>
}
