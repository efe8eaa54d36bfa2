import type { ChannelView } from '../channel-view.js'
import type { InvoiceState, PaymentState } from '../types.js'

/**
 * CLN's answers (clnrest, contract §3) → Tightrope's node types. Pure. Amounts arrive in msat and
 * leave in sat, each rounded in the direction that never overstates what we may spend.
 */

/** An msat amount as current CLN writes it (an integer), or as before v23.05 ("1000msat"). */
export function msat(v: unknown): bigint {
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return BigInt(v)
  if (typeof v === 'string' && /^\d+(msat)?$/.test(v)) return BigInt(v.replace('msat', ''))
  return 0n
}

const floorSat = (m: bigint): number => Number(m / 1000n)
const ceilSat = (m: bigint): number => Number((m + 999n) / 1000n)

/** The subset of a listpeerchannels entry Tightrope reads. */
export interface ClnChannel {
  peer_id: string
  peer_connected?: boolean
  reestablished?: boolean
  state: string
  short_channel_id?: string | undefined
  to_us_msat?: number | string
  total_msat?: number | string
  our_reserve_msat?: number | string
  their_reserve_msat?: number | string
  htlcs?: Array<{ direction: string; amount_msat: number | string }>
}

/** States in which HTLCs can be added (lightningd/channel.h channel_state_can_add_htlc). */
const CAN_ADD_HTLC = new Set(['CHANNELD_NORMAL', 'CHANNELD_AWAITING_SPLICE'])

/**
 * A channel as LND's getChannels would show it, or undefined when it is not an open channel yet
 * (no short_channel_id) or any more (closing): LND lists neither among its channels.
 * CLN's to_us_msat still holds our outgoing HTLCs (it changes only when one is removed), so they
 * are taken out, as LND's local_balance has them out. Ours rounded down, theirs and every HTLC and
 * reserve up: the payer never sees more room than it has.
 */
export function toChannelView(localPublicKey: string, c: ClnChannel): ChannelView | undefined {
  if (c.short_channel_id === undefined || !CAN_ADD_HTLC.has(c.state)) return undefined
  const total = msat(c.total_msat)
  const toUs = msat(c.to_us_msat)
  let outgoing = 0n
  let incoming = 0n
  for (const h of c.htlcs ?? []) {
    if (h.direction === 'out') outgoing += msat(h.amount_msat)
    else if (h.direction === 'in') incoming += msat(h.amount_msat)
  }
  const local = toUs > outgoing ? toUs - outgoing : 0n
  const remoteAll = total > toUs ? total - toUs : 0n
  const remote = remoteAll > incoming ? remoteAll - incoming : 0n
  return {
    id: c.short_channel_id,
    localPublicKey,
    remotePublicKey: c.peer_id,
    capacity: floorSat(total),
    localBalance: floorSat(local),
    remoteBalance: ceilSat(remote),
    localReserve: ceilSat(msat(c.our_reserve_msat)),
    remoteReserve: ceilSat(msat(c.their_reserve_msat)),
    incomingHtlcTokens: ceilSat(incoming),
    outgoingHtlcTokens: ceilSat(outgoing),
    isActive: c.peer_connected === true && c.reestablished !== false
  }
}

/** getinfo's network name → the invoice network names the payer compares (network.ts). */
const NETWORKS: Record<string, string> = {
  bitcoin: 'bitcoin',
  testnet: 'testnet',
  testnet4: 'testnet',
  signet: 'signet',
  regtest: 'regtest'
}

export function networkOf(name: unknown): string | undefined {
  return typeof name === 'string' ? NETWORKS[name] : undefined
}

/** listinvoices' status; an invoice CLN no longer has was deleted by us (delinvoice): canceled. */
export function invoiceState(invoices: ReadonlyArray<{ status?: string }>): InvoiceState {
  const inv = invoices[0]
  if (inv === undefined) return 'canceled'
  if (inv.status === 'paid') return 'settled'
  if (inv.status === 'expired') return 'canceled'
  if (inv.status === 'unpaid') return 'open'
  return 'unknown'
}

/** A sendpay record (waitsendpay's answer, a listsendpays entry). */
export interface ClnSendPay {
  status?: string
  amount_msat?: number | string
  amount_sent_msat?: number | string
  payment_preimage?: string
}

/**
 * A completed payment. The fee is what left us beyond what arrived, rounded up so that even one
 * msat of fee shows (it must be 0: the one hop goes straight to the payee).
 */
export function succeeded(p: ClnSendPay, channelId: string): PaymentState {
  const sent = msat(p.amount_sent_msat)
  const amount = msat(p.amount_msat)
  return {
    status: 'succeeded',
    fee: sent > amount ? ceilSat(sent - amount) : 0,
    preimage: p.payment_preimage ?? '',
    channels: [channelId]
  }
}

/**
 * Where a payment stands from listsendpays (every part and attempt of one payment hash): none
 * is unknown (never sent), any complete is paid, any pending is in flight, else it failed.
 */
export function paymentStateOf(
  payments: ReadonlyArray<ClnSendPay & { short_channel_id?: string }>,
  channelId: string | undefined
): PaymentState {
  if (payments.length === 0) return { status: 'unknown' }
  const done = payments.find((p) => p.status === 'complete')
  if (done) return succeeded(done, channelId ?? '')
  if (payments.some((p) => p.status === 'pending')) return { status: 'pending' }
  return { status: 'failed', reason: 'PaymentFailed' }
}

/** sendpay/waitsendpay error codes that say the payment did not and will not happen (contract §3). */
const DEFINITE_FAILURES = new Set([202, 203, 204, 205, 206, 207, 210, 215, 216])

/**
 * What a sendpay/waitsendpay error means for the payment: 'pending' (200 from waitsendpay:
 * timed out, still in flight), a definite failure with its reason, or undefined (ask listsendpays).
 */
export function payErrorOutcome(
  code: number | null,
  message: string,
  data: unknown
): { status: 'failed'; reason: string } | { status: 'pending' } | undefined {
  if (code === null || !DEFINITE_FAILURES.has(code)) return undefined
  const name = (data as { failcodename?: unknown } | null)?.failcodename
  return { status: 'failed', reason: typeof name === 'string' && name !== '' ? name : `${code}: ${message}` }
}
