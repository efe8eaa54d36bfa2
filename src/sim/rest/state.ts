import { EventEmitter } from 'node:events'
import type { SimNetwork, SimNode, HtlcEvent } from '../model/network.js'
import type { SimInvoice } from '../model/invoices.js'
import type { PaymentRecord } from '../model/payments.js'
import { formatChannelId } from '../model/channel.js'

/** CLN's `wait` subsystems and their three indexes (lightningd/wait.c). */
export const SUBSYSTEMS = ['invoices', 'sendpays', 'forwards'] as const
export type Subsystem = (typeof SUBSYSTEMS)[number]
export const INDEX_NAMES = ['created', 'updated', 'deleted'] as const
export type IndexName = (typeof INDEX_NAMES)[number]

export interface SendpayFailure {
  code: number
  message: string
  data: Record<string, unknown>
}

/** One sendpay part (listsendpays entry). */
export interface Sendpay {
  createdIndex: number
  updatedIndex?: number
  groupid: number
  paymentHash: string
  destination: string
  amountMsat: number
  amountSentMsat: number
  createdAt: number
  completedAt?: number
  status: 'pending' | 'complete' | 'failed'
  preimage?: string
  bolt11?: string
  label?: string
  failure?: SendpayFailure
}

/**
 * What a CLN node keeps beside the shared model: invoice labels and deletions, the `wait`
 * indexes, its sendpay parts. The model (balances, HTLCs, invoices by hash, payments) stays the
 * one truth; this is only CLN's naming of it. Emits 'index' (subsystem, indexname, value, details)
 * and 'sendpay' (Sendpay) when a part changes.
 */
export class ClnState extends EventEmitter {
  readonly labelByHash = new Map<string, string>()
  readonly hashByLabel = new Map<string, string>()
  readonly deleted = new Set<string>()
  readonly updatedIndexOf = new Map<string, number>()
  readonly sendpays: Sendpay[] = []
  /** Hashes paid through the sendpay method, which records their parts itself. */
  readonly sentBySendpay = new Set<string>()
  private readonly indexes = new Map<string, number>()
  private readonly detach: Array<() => void> = []

  constructor(
    readonly network: SimNetwork,
    readonly node: SimNode
  ) {
    super()
    this.setMaxListeners(0)
    const onInvoice = (inv: SimInvoice): void => this.invoiceChanged(inv)
    const onHtlc = (e: HtlcEvent): void => this.htlcSeen(e)
    const onPayment = (p: PaymentRecord): void => this.paymentSeen(p)
    node.invoices.on('update', onInvoice)
    node.events.on('htlc', onHtlc)
    node.payments.on('update', onPayment)
    this.detach.push(
      () => node.invoices.off('update', onInvoice),
      () => node.events.off('htlc', onHtlc),
      () => node.payments.off('update', onPayment)
    )
  }

  close(): void {
    for (const d of this.detach) d()
    this.removeAllListeners()
  }

  index(subsystem: Subsystem, name: IndexName): number {
    return this.indexes.get(`${subsystem}.${name}`) ?? 0
  }

  bump(subsystem: Subsystem, name: IndexName, details: Record<string, unknown>): number {
    const value = this.index(subsystem, name) + 1
    this.indexes.set(`${subsystem}.${name}`, value)
    this.emit('index', subsystem, name, value, details)
    return value
  }

  /** An invoice's label: the one given to `invoice`, or a made-up one for invoices made otherwise. */
  labelOf(inv: SimInvoice): string {
    return this.labelByHash.get(inv.paymentHash) ?? `sim-${inv.addIndex}`
  }

  /** A paid invoice and an expired one bump `updated`; a new one `created` (its created_index). */
  private invoiceChanged(inv: SimInvoice): void {
    if (this.deleted.has(inv.paymentHash)) return
    const details = { label: this.labelOf(inv), description: inv.memo, bolt11: inv.paymentRequest }
    if (inv.state === 'OPEN' && inv.addIndex > this.index('invoices', 'created'))
      this.bump('invoices', 'created', { status: 'unpaid', ...details })
    else if (inv.state === 'SETTLED' || inv.state === 'CANCELED') {
      const status = inv.state === 'SETTLED' ? 'paid' : 'expired'
      this.updatedIndexOf.set(inv.paymentHash, this.bump('invoices', 'updated', { status, ...details }))
    }
  }

  /** Forwards through this node: a new one bumps `created`, its resolution `updated`. */
  private htlcSeen(e: HtlcEvent): void {
    if (e.eventType !== 'FORWARD') return
    const details = { in_channel: formatChannelId(e.incomingChanId), out_channel: formatChannelId(e.outgoingChanId) }
    if (e.kind === 'forward') this.bump('forwards', 'created', { status: 'offered', ...details })
    else if (e.kind === 'settle' || e.kind === 'forward_fail')
      this.bump('forwards', 'updated', { status: e.kind === 'settle' ? 'settled' : 'failed', ...details })
  }

  /**
   * A payment the node makes other than through the sendpay method (the control API's traffic;
   * CLN's pay or xpay in real life) is a sendpays entry too, created when it starts and updated when
   * it ends: `wait` on sendpays sees the node's balance move, as on a real node.
   */
  private paymentSeen(p: PaymentRecord): void {
    if (this.sentBySendpay.has(p.paymentHash)) return
    const sp = this.sendpaysFor(p.paymentHash).at(-1)
    if (p.status === 'IN_FLIGHT' && (sp === undefined || sp.status === 'failed'))
      this.addSendpay({
        groupid: (sp?.groupid ?? 0) + 1,
        paymentHash: p.paymentHash,
        destination: p.destination,
        amountMsat: p.valueMsat,
        amountSentMsat: p.valueMsat + p.feeMsat,
        createdAt: Math.floor(Date.now() / 1000),
        status: 'pending',
        ...(p.paymentRequest ? { bolt11: p.paymentRequest } : {})
      })
    else if (sp?.status === 'pending' && (p.status === 'SUCCEEDED' || p.status === 'FAILED'))
      this.updateSendpay(sp, {
        completedAt: Math.floor(Date.now() / 1000),
        amountSentMsat: p.valueMsat + p.feeMsat,
        ...(p.status === 'SUCCEEDED' ? { status: 'complete', preimage: p.preimage } : { status: 'failed' })
      })
  }

  addSendpay(sp: Omit<Sendpay, 'createdIndex'>): Sendpay {
    const details = { status: sp.status, partid: 0, groupid: sp.groupid, payment_hash: sp.paymentHash }
    const full: Sendpay = { ...sp, createdIndex: this.index('sendpays', 'created') + 1 }
    this.sendpays.push(full)
    this.bump('sendpays', 'created', details)
    this.emit('sendpay', full)
    return full
  }

  updateSendpay(sp: Sendpay, change: Partial<Sendpay>): void {
    Object.assign(sp, change)
    sp.updatedIndex = this.bump('sendpays', 'updated', {
      status: sp.status,
      partid: 0,
      groupid: sp.groupid,
      payment_hash: sp.paymentHash
    })
    this.emit('sendpay', sp)
  }

  sendpaysFor(paymentHash: string): Sendpay[] {
    return this.sendpays.filter((s) => s.paymentHash === paymentHash)
  }
}
