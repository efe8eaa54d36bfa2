import type { Settings } from '../../src/config/types.js'
import type { TransactionRecord } from '../../src/ledger/types.js'
import type { ChannelView } from '../../src/lightning/channel-view.js'

export const MIN = 60_000
export const HOUR = 3_600_000
export const DAY = 86_400_000
/** 2024-03-10 12:00:00 UTC */
export const NOON = Date.UTC(2024, 2, 10, 12)

export const PAYER_KEY = '02' + 'a'.repeat(64)
export const REQUESTER_KEY = '03' + 'b'.repeat(64)

export function settings(over: Partial<Settings> = {}): Settings {
  return {
    maxTransactionSize: 100_000,
    minTimeBetweenPayments: MIN,
    limitsPeriod: DAY,
    useRollingLimitsPeriod: true,
    maxTransactionsPerPeriod: 10,
    maxAmountPerPeriod: 1_000_000,
    balancePoint: 0.5,
    deadzone: 0.1,
    refreshRate: 10_000,
    paymentTimeout: MIN,
    cltvLimit: 144,
    maxRetryWait: 4 * HOUR,
    ...over
  }
}

export function channel(over: Partial<ChannelView> = {}): ChannelView {
  return {
    id: '123x1x0',
    localPublicKey: PAYER_KEY,
    remotePublicKey: REQUESTER_KEY,
    capacity: 100_000,
    localBalance: 50_000,
    remoteBalance: 50_000,
    localReserve: 1_000,
    remoteReserve: 1_000,
    incomingHtlcTokens: 0,
    outgoingHtlcTokens: 0,
    isActive: true,
    ...over
  }
}

/** The same channel seen from the other end. */
export function mirror(ch: ChannelView): ChannelView {
  return {
    ...ch,
    localPublicKey: ch.remotePublicKey,
    remotePublicKey: ch.localPublicKey,
    localBalance: ch.remoteBalance,
    remoteBalance: ch.localBalance,
    localReserve: ch.remoteReserve,
    remoteReserve: ch.localReserve,
    incomingHtlcTokens: ch.outgoingHtlcTokens,
    outgoingHtlcTokens: ch.incomingHtlcTokens
  }
}

/** A distinct 32-byte hex payment hash per n. */
export function hash(n: number): string {
  return n.toString(16).padStart(64, '0')
}

/** A payer entry on the default channel. */
/** Like Partial, but a field may be set to undefined on purpose (a record or invoice missing it). */
export type Loose<T> = { [K in keyof T]?: T[K] | undefined }

export function rec(over: Partial<TransactionRecord> = {}): TransactionRecord {
  return {
    kind: 'transaction',
    at: NOON - HOUR,
    role: 'payer',
    status: 'succeeded',
    channelId: '123x1x0',
    localPublicKey: PAYER_KEY,
    remotePublicKey: REQUESTER_KEY,
    tokens: 10_000,
    paymentHash: hash(1),
    ...over
  }
}
