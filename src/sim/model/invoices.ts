import { createHash, randomBytes } from 'node:crypto'
import { EventEmitter } from 'node:events'
import { encodeInvoice } from '../crypto/bolt11.js'

export type InvoiceState = 'OPEN' | 'SETTLED' | 'CANCELED' | 'ACCEPTED'

export interface InvoiceHtlc {
  chanId: string
  htlcIndex: number
  amtMsat: number
  acceptHeight: number
  acceptTime: number
  resolveTime: number
  expiryHeight: number
  state: 'ACCEPTED' | 'SETTLED' | 'CANCELED'
}

export interface SimInvoice {
  memo: string
  preimage: string
  paymentHash: string
  paymentAddr: string
  valueMsat: number
  creationDate: number
  settleDate: number
  expiry: number
  cltvExpiry: number
  descriptionHash: string
  paymentRequest: string
  isPrivate: boolean
  addIndex: number
  settleIndex: number
  amtPaidMsat: number
  state: InvoiceState
  htlcs: InvoiceHtlc[]
}

export interface AddInvoiceArgs {
  valueMsat: number
  memo: string
  expiry: number
  cltvExpiry: number
  preimage?: string
  descriptionHash?: string
  isPrivate?: boolean
  now: number
  /** The lowest final CLTV delta accepted: LND's 18 by default; CLN takes any from 1. */
  minCltvExpiry?: number
}

/** LND's defaults and bounds (lnrpc/invoicesrpc/addinvoice.go). */
export const DEFAULT_INVOICE_EXPIRY = 86400
export const DEFAULT_CLTV_EXPIRY = 80
export const MIN_CLTV_EXPIRY = 18
export const MAX_CLTV_EXPIRY = 65535

export class InvoiceError extends Error {
  constructor(
    readonly grpcCode: number,
    message: string
  ) {
    super(message)
  }
}

/**
 * One node's invoices. Emits 'update' (SimInvoice) on every state change, in order, which is what
 * SubscribeInvoices and SubscribeSingleInvoice stream from.
 */
export class InvoiceStore extends EventEmitter {
  private readonly byHash = new Map<string, SimInvoice>()
  private readonly ordered: SimInvoice[] = []
  private settleCount = 0
  private readonly timers = new Set<NodeJS.Timeout>()

  constructor(private readonly privateKey: Uint8Array) {
    super()
  }

  add(args: AddInvoiceArgs): SimInvoice {
    if (!Number.isSafeInteger(args.valueMsat) || args.valueMsat < 0)
      throw new InvoiceError(2, 'payment of negative value is not allowed')
    const minCltv = args.minCltvExpiry ?? MIN_CLTV_EXPIRY
    if (args.cltvExpiry !== 0 && (args.cltvExpiry < minCltv || args.cltvExpiry > MAX_CLTV_EXPIRY)) {
      throw new InvoiceError(2, `CLTV delta of ${args.cltvExpiry} is too low, minimum is ${minCltv}`)
    }
    if (args.expiry < 0) throw new InvoiceError(2, 'expiry must be non-negative')
    const preimage = args.preimage ?? randomBytes(32).toString('hex')
    const paymentHash = createHash('sha256').update(Buffer.from(preimage, 'hex')).digest('hex')
    if (this.byHash.has(paymentHash)) throw new InvoiceError(6, 'invoice with payment hash already exists')
    const expiry = args.expiry || DEFAULT_INVOICE_EXPIRY
    const cltvExpiry = args.cltvExpiry || DEFAULT_CLTV_EXPIRY
    const paymentAddr = randomBytes(32).toString('hex')
    const creationDate = Math.floor(args.now / 1000)
    const paymentRequest = encodeInvoice({
      privateKey: this.privateKey,
      paymentHash,
      paymentAddr,
      mtokens: args.valueMsat,
      ...(args.descriptionHash ? { descriptionHash: args.descriptionHash } : { description: args.memo }),
      expirySeconds: expiry,
      cltvDelta: cltvExpiry,
      createdAt: new Date(creationDate * 1000)
    })
    const invoice: SimInvoice = {
      memo: args.memo,
      preimage,
      paymentHash,
      paymentAddr,
      valueMsat: args.valueMsat,
      creationDate,
      settleDate: 0,
      expiry,
      cltvExpiry,
      descriptionHash: args.descriptionHash ?? '',
      paymentRequest,
      isPrivate: args.isPrivate ?? false,
      addIndex: this.ordered.length + 1,
      settleIndex: 0,
      amtPaidMsat: 0,
      state: 'OPEN',
      htlcs: []
    }
    this.byHash.set(paymentHash, invoice)
    this.ordered.push(invoice)
    this.scheduleExpiry(invoice, args.now)
    this.emit('update', invoice)
    return invoice
  }

  get(paymentHash: string): SimInvoice | undefined {
    return this.byHash.get(paymentHash)
  }

  list(): readonly SimInvoice[] {
    return this.ordered
  }

  isExpired(invoice: SimInvoice, now: number): boolean {
    return now >= (invoice.creationDate + invoice.expiry) * 1000
  }

  /**
   * The payee side of an arriving HTLC: LND accepts only an OPEN, unexpired invoice paid at least
   * its value, and answers anything else with INCORRECT_OR_UNKNOWN_PAYMENT_DETAILS.
   */
  canAccept(paymentHash: string, amtMsat: number, now: number): SimInvoice | undefined {
    const invoice = this.byHash.get(paymentHash)
    if (!invoice || invoice.state !== 'OPEN') return undefined
    if (this.isExpired(invoice, now)) {
      this.cancel(invoice)
      return undefined
    }
    if (amtMsat < invoice.valueMsat) return undefined
    if (invoice.valueMsat > 0 && amtMsat > 2 * invoice.valueMsat) return undefined
    return invoice
  }

  settle(invoice: SimInvoice, htlc: Omit<InvoiceHtlc, 'state' | 'resolveTime'>, now: number): void {
    invoice.htlcs.push({ ...htlc, state: 'SETTLED', resolveTime: Math.floor(now / 1000) })
    invoice.state = 'SETTLED'
    invoice.amtPaidMsat = htlc.amtMsat
    invoice.settleDate = Math.floor(now / 1000)
    invoice.settleIndex = ++this.settleCount
    this.emit('update', invoice)
  }

  cancel(invoice: SimInvoice): void {
    if (invoice.state === 'SETTLED' || invoice.state === 'CANCELED') return
    invoice.state = 'CANCELED'
    this.emit('update', invoice)
  }

  close(): void {
    for (const t of this.timers) clearTimeout(t)
    this.timers.clear()
  }

  /** LND cancels an open invoice once it expires; SubscribeSingleInvoice watchers see it. */
  private scheduleExpiry(invoice: SimInvoice, now: number): void {
    const ms = (invoice.creationDate + invoice.expiry) * 1000 - now
    if (ms > 2 ** 31 - 1) return
    const timer = setTimeout(
      () => {
        this.timers.delete(timer)
        if (invoice.state === 'OPEN') this.cancel(invoice)
      },
      Math.max(0, ms)
    )
    timer.unref()
    this.timers.add(timer)
  }
}
