/**
 * Every clnrest method the CLN adapter calls, and nothing more: the least-privilege rune allows
 * exactly these (one restriction of alternatives). No withdraw, close, fundchannel, pay or xpay.
 * - getinfo           identity, network; reconnect probe
 * - listpeerchannels  channels, balances, HTLCs in flight
 * - invoice, listinvoices, delinvoice   asking to be paid, its state, withdrawing it
 * - sendpay, waitsendpay, listsendpays  the one-hop zero-fee payment, its outcome, reconciliation
 * - signmessage, checkmessage           node proofs to peers
 * - wait              event long-polls (invoices, sendpays, forwards)
 */
export const CLN_METHODS = [
  'getinfo',
  'listpeerchannels',
  'invoice',
  'listinvoices',
  'delinvoice',
  'sendpay',
  'waitsendpay',
  'listsendpays',
  'signmessage',
  'checkmessage',
  'wait'
] as const

export type ClnMethod = (typeof CLN_METHODS)[number]

/** The counterpart of LND's bakemacaroon recipe (docs/configuration.md shows the same). */
export const CREATERUNE_COMMAND = `lightning-cli createrune restrictions='[[${CLN_METHODS.map((m) => `"method=${m}"`).join(',')}]]'`
