/**
 * One simulated channel with LND's accounting for anchor channels.
 *
 * Funds are kept in millisatoshis per side, as "funds" that are not yet charged the commitment fee:
 * funds[0] + funds[1] + Σ in-flight HTLCs == capacity * 1000, always (conservation).
 * Side 0 is always the opener: LND charges the commitment fee and the two anchors to the opener,
 * so the opener's local_balance is funds[0] - commit fee - anchors.
 */
export const FEE_PER_KW = 2500
export const ANCHORS_SAT = 660
export const DUST_LIMIT_SAT = 354
export const BASE_COMMIT_WEIGHT = 1124
export const HTLC_WEIGHT = 172
export const MAX_ACCEPTED_HTLCS = 483
export const CSV_DELAY = 144

export type Side = 0 | 1

export interface RoutingPolicy {
  feeBaseMsat: number
  feeRatePpm: number
  timeLockDelta: number
  minHtlcMsat: number
  maxHtlcMsat: number
  disabled: boolean
  lastUpdate: number
}

export interface Htlc {
  index: number
  /** The side that offered (sent) the HTLC. */
  from: Side
  amountMsat: number
  paymentHash: string
  expirationHeight: number
}

export interface ChannelInit {
  chanId: string
  txid: string
  vout: number
  capacity: number
  nodes: [string, string]
  /** The opener's local_balance as LND would report it at open (after commit fee and anchors). */
  openerBalance: number
  policies: [RoutingPolicy, RoutingPolicy]
  openedAt: number
}

export class ChannelError extends Error {
  constructor(
    readonly code: 'insufficientBalance' | 'tooManyHtlcs' | 'belowMinHtlc' | 'inactive',
    message: string
  ) {
    super(message)
  }
}

export function reserveFor(capacity: number): number {
  return Math.max(Math.floor(capacity / 100), DUST_LIMIT_SAT)
}

export function commitFeeFor(nonDustHtlcs: number): number {
  return Math.floor((FEE_PER_KW * (BASE_COMMIT_WEIGHT + HTLC_WEIGHT * nonDustHtlcs)) / 1000)
}

export class SimChannel {
  readonly chanId: string
  readonly txid: string
  readonly vout: number
  readonly capacity: number
  readonly nodes: [string, string]
  readonly policies: [RoutingPolicy, RoutingPolicy]
  readonly reserve: number
  readonly openedAt: number
  readonly funds: [number, number]
  readonly htlcs = new Map<number, Htlc>()
  readonly sent: [number, number] = [0, 0]
  readonly received: [number, number] = [0, 0]
  numUpdates = 0
  active = true
  closed = false
  private nextHtlcIndex = 0

  constructor(init: ChannelInit) {
    this.chanId = init.chanId
    this.txid = init.txid
    this.vout = init.vout
    this.capacity = init.capacity
    this.nodes = init.nodes
    this.policies = init.policies
    this.reserve = reserveFor(init.capacity)
    this.openedAt = init.openedAt
    const opener = (init.openerBalance + commitFeeFor(0) + ANCHORS_SAT) * 1000
    if (init.openerBalance < 0 || opener > init.capacity * 1000) {
      throw new RangeError(
        `channel ${init.chanId}: opener balance ${init.openerBalance} does not fit ` +
          `capacity ${init.capacity} after commit fee ${commitFeeFor(0)} and anchors ${ANCHORS_SAT}`
      )
    }
    this.funds = [opener, init.capacity * 1000 - opener]
  }

  get channelPoint(): string {
    return `${this.txid}:${this.vout}`
  }

  sideOf(publicKey: string): Side {
    if (this.nodes[0] === publicKey) return 0
    if (this.nodes[1] === publicKey) return 1
    throw new Error(`node ${publicKey} is not on channel ${this.chanId}`)
  }

  peerOf(publicKey: string): string {
    return this.nodes[1 - this.sideOf(publicKey)] as string
  }

  nonDustHtlcs(): number {
    let n = 0
    for (const h of this.htlcs.values()) if (h.amountMsat >= DUST_LIMIT_SAT * 1000) n++
    return n
  }

  commitFee(): number {
    return commitFeeFor(this.nonDustHtlcs())
  }
  commitWeight(): number {
    return BASE_COMMIT_WEIGHT + HTLC_WEIGHT * this.nonDustHtlcs()
  }

  /** LND's local_balance for a side, in sats. */
  balance(side: Side): number {
    const sat = Math.floor(this.funds[side] / 1000)
    return side === 0 ? sat - this.commitFee() - ANCHORS_SAT : sat
  }

  /** Sum of HTLCs offered by a side, msat. */
  offeredMsat(side: Side): number {
    let sum = 0
    for (const h of this.htlcs.values()) if (h.from === side) sum += h.amountMsat
    return sum
  }

  pendingMsat(): number {
    let sum = 0
    for (const h of this.htlcs.values()) sum += h.amountMsat
    return sum
  }

  /**
   * What a side can add as a new outgoing HTLC, msat (LND's availableCommitmentBalance):
   * the opener keeps a buffer for the fee of a commitment with two more HTLCs at twice the fee rate.
   */
  spendableMsat(side: Side): number {
    let avail = this.funds[side] - this.reserve * 1000
    if (side === 0) {
      avail -= ANCHORS_SAT * 1000
      avail -= 2 * FEE_PER_KW * (this.commitWeight() + 2 * HTLC_WEIGHT)
    }
    return Math.max(0, avail)
  }

  addHtlc(from: Side, amountMsat: number, paymentHash: string, expirationHeight: number): Htlc {
    if (!this.active || this.closed) throw new ChannelError('inactive', `channel ${this.chanId} is not active`)
    if (!Number.isSafeInteger(amountMsat) || amountMsat <= 0) throw new RangeError(`invalid HTLC amount ${amountMsat}`)
    if (amountMsat < this.policies[from].minHtlcMsat)
      throw new ChannelError('belowMinHtlc', `HTLC ${amountMsat} msat below min_htlc`)
    if (this.htlcs.size >= MAX_ACCEPTED_HTLCS)
      throw new ChannelError('tooManyHtlcs', `channel ${this.chanId} has ${this.htlcs.size} HTLCs in flight`)
    if (amountMsat > this.spendableMsat(from)) {
      throw new ChannelError(
        'insufficientBalance',
        `channel ${this.chanId}: ${amountMsat} msat exceeds spendable ${this.spendableMsat(from)} msat`
      )
    }
    const htlc: Htlc = { index: this.nextHtlcIndex++, from, amountMsat, paymentHash, expirationHeight }
    this.funds[from] -= amountMsat
    this.htlcs.set(htlc.index, htlc)
    this.numUpdates++
    return htlc
  }

  /** The receiving side claims the HTLC: its amount moves to the other side. */
  settleHtlc(index: number): Htlc {
    const htlc = this.takeHtlc(index)
    const to = (1 - htlc.from) as Side
    this.funds[to] += htlc.amountMsat
    this.sent[htlc.from] += htlc.amountMsat
    this.received[to] += htlc.amountMsat
    return htlc
  }

  /** The HTLC is failed back: its amount returns to the side that offered it. */
  failHtlc(index: number): Htlc {
    const htlc = this.takeHtlc(index)
    this.funds[htlc.from] += htlc.amountMsat
    return htlc
  }

  private takeHtlc(index: number): Htlc {
    const htlc = this.htlcs.get(index)
    if (!htlc) throw new Error(`channel ${this.chanId} has no HTLC ${index}`)
    this.htlcs.delete(index)
    this.numUpdates++
    return htlc
  }

  /** Conservation: what the channel holds never changes. */
  checkInvariants(): void {
    const total = this.funds[0] + this.funds[1] + this.pendingMsat()
    if (total !== this.capacity * 1000)
      throw new Error(`channel ${this.chanId} conservation broken: ${total} != ${this.capacity * 1000}`)
    if (this.funds[0] < 0 || this.funds[1] < 0)
      throw new Error(`channel ${this.chanId} negative funds ${this.funds.join(',')}`)
  }
}

/** Short channel id: height << 40 | tx index << 16 | output index, as a decimal string. */
export function shortChannelId(height: number, txIndex: number, vout: number): string {
  return ((BigInt(height) << 40n) | (BigInt(txIndex) << 16n) | BigInt(vout)).toString()
}

/** The "HxTxO" form that the `lightning` client (and so Tightrope and its config) uses. */
export function formatChannelId(chanId: string): string {
  const n = BigInt(chanId)
  return `${n >> 40n}x${(n >> 16n) & 0xffffffn}x${n & 0xffffn}`
}

/** Accepts either the decimal chan_id or the "HxTxO" form; returns the decimal chan_id. */
export function parseChannelId(id: string): string {
  const m = /^(\d+)x(\d+)x(\d+)$/.exec(id)
  if (m) return shortChannelId(Number(m[1]), Number(m[2]), Number(m[3]))
  if (/^\d+$/.test(id)) return BigInt(id).toString()
  throw new Error(`invalid channel id "${id}": expected "HEIGHTxTXxVOUT" or a decimal chan_id`)
}
