import type { Notification } from './classify.js'

/** Peer-supplied text goes into a chat message: keep it to one printable line of bounded length. */
const clean = (v: unknown, max = 200): string => {
  const s = typeof v === 'string' ? v : v === undefined ? '?' : JSON.stringify(v)
  // eslint-disable-next-line no-control-regex
  const one = s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ')
  return one.length > max ? `${one.slice(0, max)}…` : one
}
const sats = (v: unknown): string => (typeof v === 'number' ? `${v.toLocaleString('en-US')} sat` : 'an amount')

/** A short sentence for a person (the Telegram message, the webhook's `text`). */
export function sentence(n: Notification, instance: string): string {
  const e = n.event
  const where = `channel ${clean(e.channelId)}${e.node !== undefined ? ` (${clean(e.node)})` : ''}`
  const body = ((): string => {
    switch (n.kind) {
      case 'started':
        return 'started.'
      case 'stopped':
        return 'stopped.'
      case 'rebalanced':
        return `${where} was rebalanced: ${sats(e.tokens)} received.`
      case 'rebalance_failed':
        return e.type === 'payment_failed'
          ? `a payment of ours on ${where} failed: ${clean(e.reason)}.`
          : `a rebalance of ${where} was not done (${clean(e.status)}): ${clean(e.reason)}.`
      case 'payer_refused_limit':
        return e.type === 'payment_refused'
          ? `we refused to pay on ${where} because of our limit ${clean(e.reason)}: ${clean(e.detail, 300)}`
          : `the payer refused to rebalance ${where} because of its limit ${clean(e.reason)}: ${clean(e.detail, 300)}`
      case 'node_lost':
        return `node ${clean(e.node)} has not answered for over a minute${e.error ? `: ${clean(e.error)}` : ''}.`
      case 'peer_lost':
        return `peer instance ${clean(e.peer)} has been gone for over a minute.`
      case 'statement_disagreement':
        return `the statement of counterparty ${clean(e.counterparty)} disagrees with our ledger: ${clean(e.detail, 300)}`
    }
  })()
  return `Tightrope ${clean(instance, 60)}: ${body}`
}
