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
  /** Who opened the channel: that side pays the commitment fee (and the anchors). */
  opener?: string
  /** The commitment's feerate, sat per 1000 weight units. */
  feerate?: { perkw?: number }
  channel_type?: { names?: string[] }
  dust_limit_msat?: number | string
  spendable_msat?: number | string
}

/** BOLT 3: commitment weights (anchor outputs, or the legacy format), per-HTLC weight, anchors. */
const ANCHOR_COMMIT_WEIGHT = 1124
const LEGACY_COMMIT_WEIGHT = 724
const HTLC_OUTPUT_WEIGHT = 172
const ANCHORS_MSAT = 660_000n
const DEFAULT_DUST_MSAT = 354_000n

/**
 * What the opener's side carries beyond what LND shows as its balance: the commitment fee at the
 * channel's feerate (with its non-dust HTLCs) and, for anchor channels, the two anchors. CLN's
 * to_us_msat includes it; LND's local_balance does not. Undefined when CLN did not give the feerate.
 */
export function openerCostMsat(c: ClnChannel): bigint | undefined {
  const perkw = c.feerate?.perkw
  if (typeof perkw !== 'number' || !Number.isSafeInteger(perkw) || perkw < 0) return undefined
  const anchors = (c.channel_type?.names ?? []).some((n) => n.startsWith('anchors'))
  const dust = c.dust_limit_msat !== undefined ? msat(c.dust_limit_msat) : DEFAULT_DUST_MSAT
  const nonDust = (c.htlcs ?? []).filter((h) => msat(h.amount_msat) >= dust).length
  const weight = (anchors ? ANCHOR_COMMIT_WEIGHT : LEGACY_COMMIT_WEIGHT) + HTLC_OUTPUT_WEIGHT * nonDust
  return BigInt(Math.floor((perkw * weight) / 1000)) * 1000n + (anchors ? ANCHORS_MSAT : 0n)
}

const minus = (a: bigint, b: bigint): bigint => (a > b ? a - b : 0n)

/** States in which HTLCs can be added (lightningd/channel.h channel_state_can_add_htlc). */
const CAN_ADD_HTLC = new Set(['CHANNELD_NORMAL', 'CHANNELD_AWAITING_SPLICE'])

/**
 * A channel as LND's getChannels would show it, or undefined when it is not an open channel yet
 * (no short_channel_id) or any more (closing): LND lists neither among its channels.
 * CLN's to_us_msat still holds our outgoing HTLCs (it changes only when one is removed), so they
 * are taken out, as LND's local_balance has them out; and the opener's commitment fee and anchors
 * are taken off the opener's side, as LND does (openerCostMsat). Without a feerate from CLN, our
 * side as opener is at most what we can spend plus our reserve, and theirs keeps the fee in: each
 * errs towards less for us. Balances are rounded down on both sides, as LND rounds them, so the two
 * ends of a mixed channel see the same sats (one rounded up would make the requester ask a sat
 * more than the payer's view allows); HTLCs in flight and reserves are rounded up.
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
  let local = minus(toUs, outgoing)
  let remote = minus(minus(total, toUs), incoming)
  const cost = openerCostMsat(c)
  if (c.opener === 'local') {
    if (cost !== undefined) local = minus(local, cost)
    else if (c.spendable_msat !== undefined && c.peer_connected === true) {
      const bound = msat(c.spendable_msat) + msat(c.our_reserve_msat)
      if (bound < local) local = bound
    }
  } else if (c.opener === 'remote' && cost !== undefined) remote = minus(remote, cost)
  return {
    id: c.short_channel_id,
    localPublicKey,
    remotePublicKey: c.peer_id,
    capacity: floorSat(total),
    localBalance: floorSat(local),
    remoteBalance: floorSat(remote),
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
export function succeeded(p: ClnSendPay, channelId: string): Extract<PaymentState, { status: 'succeeded' }> {
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
  if (done) return { ...succeeded(done, channelId ?? ''), channels: channelId !== undefined ? [channelId] : [] }
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
