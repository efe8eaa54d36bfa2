import type { NotificationKind } from '../config/notifications.js'
import type { TightropeEvent } from '../core/events.js'

/**
 * A daemon event read field by field, as the sentence and the lost-node watch read it (they print
 * or look up fields by name). What the daemon emits is a TightropeEvent, which is one of these.
 */
export interface DaemonEvent {
  type: string
  at: number
  [field: string]: unknown
}

export interface Notification {
  kind: NotificationKind
  at: number
  /** Notifications with the same kind and key within THROTTLE_MS are sent once. */
  key: string
  /** The amount it is about, when there is one (for a target's minTokens). */
  tokens?: number
  /** The daemon event it comes from, as is. */
  event: DaemonEvent
}

/** Refusals that are a payer's limit at work (an operator may want to raise one). */
export const LIMIT_REASONS: ReadonlySet<string> = new Set([
  'maxTransactionSize',
  'minTimeBetweenPayments',
  'maxTransactionsPerPeriod',
  'maxAmountPerPeriod',
  'maxNetOutflowPerPeriod'
])

const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined ? '' : JSON.stringify(v))
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined)

/**
 * Which notification, if any, a daemon event is. Pure; node_lost and peer_lost are not here: they
 * need time to pass without a reconnection (lost-watch.ts).
 */
export function classify(event: TightropeEvent): Notification | undefined {
  // The fields are typed by the catalogue; their values are still read defensively (str, num):
  // some came from a peer (a refusal's reason), and a notification must never throw.
  const make = (kind: NotificationKind, key: string, amount?: unknown): Notification => {
    const tokens = num(amount)
    return tokens === undefined ? { kind, at: event.at, key, event } : { kind, at: event.at, key, tokens, event }
  }
  switch (event.type) {
    case 'started':
    case 'stopped':
      return make(event.type, '')
    case 'rebalanced':
      return make('rebalanced', str(event.paymentHash), event.tokens)
    case 'payment_failed':
      return make('rebalance_failed', `${str(event.channelId)}:${str(event.reason)}`)
    case 'rebalance_not_done':
      if (event.status === 'refused')
        return LIMIT_REASONS.has(str(event.reason))
          ? make('payer_refused_limit', `${str(event.channelId)}:${str(event.reason)}`)
          : undefined
      return make('rebalance_failed', `${str(event.channelId)}:${str(event.reason)}`)
    case 'payment_refused':
      return LIMIT_REASONS.has(str(event.reason))
        ? make('payer_refused_limit', `${str(event.channelId)}:${str(event.reason)}`)
        : undefined
    case 'statement_disagreement':
      return make('statement_disagreement', str(event.counterparty))
    default:
      return undefined
  }
}
