import { createHash } from 'node:crypto'
import type { ChannelView } from '../channel-view.js'
import type { InvoiceState, PaymentState } from '../types.js'

/**
 * CLN's answers (clnrest, contract §3) → Tightrope's node types. Pure. Amounts arrive in msat and
 * leave in sat, each rounded in the direction that never overstates what we may spend.
 */

/** More msat than there will ever be bitcoin (21e6 BTC): also keeps every sat count a safe integer. */
const MAX_MSAT = 21_000_000n * 100_000_000n * 1000n

/**
 * An msat amount as current CLN writes it (an integer), or as before v23.05 ("1000msat"); undefined
 * for anything else. A JSON number past 2^53 (CLN's u64 fields can be) lost its precision in
 * JSON.parse: not an amount either.
 */
export function msat(v: unknown): bigint | undefined {
  let m: bigint | undefined
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) m = BigInt(v)
  else if (typeof v === 'string' && /^\d{1,20}(msat)?$/.test(v)) m = BigInt(v.replace('msat', ''))
  return m !== undefined && m <= MAX_MSAT ? m : undefined
}

/** CLN's answer does not have the shape the contract gives it: refused, never read as 0 or NaN. */
export class ClnAnswerError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ClnAnswerError'
  }
}

/** An amount the caller cannot do without: throws a ClnAnswerError naming it. */
function needMsat(v: unknown, what: string): bigint {
  const m = msat(v)
  if (m === undefined) throw new ClnAnswerError(`${what} is not an msat amount: ${JSON.stringify(v)?.slice(0, 40)}`)
  return m
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
  to_us_msat?: unknown
  total_msat?: unknown
  our_reserve_msat?: unknown
  their_reserve_msat?: unknown
  htlcs?: Array<{ direction?: unknown; amount_msat?: unknown }>
  /** Who opened the channel: that side pays the commitment fee (and the anchors). */
  opener?: string
  /** The commitment's feerate, sat per 1000 weight units. */
  feerate?: { perkw?: number }
  channel_type?: { names?: unknown[] }
  dust_limit_msat?: unknown
  spendable_msat?: unknown
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
  // A channel CLN gives no type for is costed as the dearer anchor kind: never less fee than it is.
  const names = c.channel_type?.names
  const anchors = !Array.isArray(names) || names.some((n) => typeof n === 'string' && n.startsWith('anchors'))
  const dust = msat(c.dust_limit_msat) ?? DEFAULT_DUST_MSAT
  const nonDust = (c.htlcs ?? []).filter((h) => (msat(h.amount_msat) ?? 0n) >= dust).length
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
 * An amount or HTLC that is not as the contract says (missing, not an integer, past 2^53, an HTLC
 * of no direction) throws a ClnAnswerError: a balance read as 0 would overstate the other side.
 */
export function toChannelView(localPublicKey: string, c: ClnChannel): ChannelView | undefined {
  if (c.short_channel_id === undefined || !CAN_ADD_HTLC.has(c.state)) return undefined
  const where = `listpeerchannels ${String(c.short_channel_id).slice(0, 30)}`
  const total = needMsat(c.total_msat, `${where}: total_msat`)
  const toUs = needMsat(c.to_us_msat, `${where}: to_us_msat`)
  if (toUs > total) throw new ClnAnswerError(`${where}: to_us_msat ${toUs} is more than total_msat ${total}`)
  const ourReserve = needMsat(c.our_reserve_msat, `${where}: our_reserve_msat`)
  const theirReserve = needMsat(c.their_reserve_msat, `${where}: their_reserve_msat`)
  let outgoing = 0n
  let incoming = 0n
  for (const h of c.htlcs ?? []) {
    const amount = needMsat(h?.amount_msat, `${where}: an HTLC's amount_msat`)
    if (h.direction === 'out') outgoing += amount
    else if (h.direction === 'in') incoming += amount
    else throw new ClnAnswerError(`${where}: an HTLC's direction is not in or out`)
  }
  let local = minus(toUs, outgoing)
  let remote = minus(minus(total, toUs), incoming)
  const cost = openerCostMsat(c)
  if (c.opener === 'local') {
    if (cost !== undefined) local = minus(local, cost)
    else if (c.spendable_msat !== undefined && c.peer_connected === true) {
      const bound = needMsat(c.spendable_msat, `${where}: spendable_msat`) + ourReserve
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
    localReserve: ceilSat(ourReserve),
    remoteReserve: ceilSat(theirReserve),
    incomingHtlcTokens: ceilSat(incoming),
    outgoingHtlcTokens: ceilSat(outgoing),
    isActive: c.peer_connected === true && c.reestablished !== false
  }
}

/**
 * Why the one-hop route must not be sent, or undefined: the pinned channel is not a channel with
 * the invoice's payee that can carry an HTLC now. sendpay is not trusted to refuse it: with
 * deprecated APIs on, CLN takes any channel with the first hop's peer when the scid is not one of
 * its channels (find_channel_for_htlc_add), so a closed or foreign scid would pay over another one.
 */
export function pinnedChannelProblem(
  channels: ReadonlyArray<Pick<ClnChannel, 'peer_id' | 'short_channel_id' | 'state' | 'peer_connected'>>,
  payee: string,
  channelId: string
): string | undefined {
  const c = channels.find((ch) => ch.short_channel_id === channelId)
  if (c === undefined) return `unknownChannel: no channel ${channelId} with the payee ${payee}`
  if (c.peer_id !== payee) return `notChannelPartner: channel ${channelId} does not lead to the payee ${payee}`
  if (!CAN_ADD_HTLC.has(c.state) || c.peer_connected !== true)
    return `channelInactive: channel ${channelId} cannot carry an HTLC now (${String(c.state).slice(0, 40)})`
  return undefined
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
  status?: unknown
  groupid?: unknown
  amount_msat?: unknown
  amount_sent_msat?: unknown
  payment_preimage?: unknown
}

/** The preimage is the proof of payment: 32 bytes whose SHA-256 is the payment hash. */
export function provesPayment(preimage: unknown, paymentHash: string): preimage is string {
  return (
    typeof preimage === 'string' &&
    /^[0-9a-f]{64}$/i.test(preimage) &&
    createHash('sha256').update(Buffer.from(preimage, 'hex')).digest('hex') === paymentHash.toLowerCase()
  )
}

/**
 * A completed payment, or undefined when the record is not one: not 'complete', or without a
 * preimage that proves it (reported succeeded, it would be booked paid on CLN's word alone). The
 * fee is what left us beyond what arrived, rounded up so that even one msat of fee shows (it must
 * be 0: the one hop goes straight to the payee).
 */
export function succeeded(
  p: ClnSendPay,
  paymentHash: string,
  channelId: string
): Extract<PaymentState, { status: 'succeeded' }> | undefined {
  if (p.status !== 'complete' || !provesPayment(p.payment_preimage, paymentHash)) return undefined
  const sent = msat(p.amount_sent_msat) ?? 0n
  const amount = msat(p.amount_msat) ?? 0n
  return {
    status: 'succeeded',
    fee: sent > amount ? ceilSat(sent - amount) : 0,
    preimage: p.payment_preimage.toLowerCase(),
    channels: [channelId]
  }
}

/**
 * Where a payment stands from listsendpays (every part and attempt of one payment hash): none is
 * unknown (never sent); a complete part with its proof is paid; failed only when every record says
 * failed. Anything else (a part in flight, a complete one without a valid preimage, a status this
 * code does not know) may still move money: pending, so it is asked again and never retried.
 */
export function paymentStateOf(
  payments: ReadonlyArray<ClnSendPay>,
  paymentHash: string,
  channelId: string | undefined
): PaymentState {
  if (payments.length === 0) return { status: 'unknown' }
  for (const p of payments) {
    const paid = succeeded(p, paymentHash, channelId ?? '')
    if (paid) return { ...paid, channels: channelId !== undefined ? [channelId] : [] }
  }
  if (payments.every((p) => p.status === 'failed')) return { status: 'failed', reason: 'PaymentFailed' }
  return { status: 'pending' }
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
