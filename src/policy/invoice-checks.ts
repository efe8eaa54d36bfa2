import { sameHex } from './history.js'
import { refuse, type PayCheck } from './payer-types.js'

/**
 * An invoice must stay valid at least this long when we decide to pay it: the payment still
 * has to be handed to LND and cross the channel, and an HTLC arriving after expiry is failed by
 * the payee anyway. Payment over a direct channel takes well under a second, so 10 s is room
 * for a slow node, not a guess at network latency.
 */
export const MIN_INVOICE_VALIDITY_MS = 10_000

const HASH_HEX = /^[0-9a-f]{64}$/i

/** The decoded invoice has the fields every later check relies on. */
export const invoiceWellFormed: PayCheck = ({ invoice }) => {
  if (typeof invoice.paymentHash !== 'string' || !HASH_HEX.test(invoice.paymentHash)) {
    return refuse('invalidInvoice', `payment hash ${String(invoice.paymentHash)} is not 32 bytes of hex`)
  }
  if (typeof invoice.destination !== 'string' || invoice.destination.length === 0) {
    return refuse('invalidInvoice', 'invoice has no destination')
  }
  if (!Number.isFinite(invoice.expiresAt)) {
    return refuse('invalidInvoice', `invoice expiry ${String(invoice.expiresAt)} is not a time`)
  }
  if (invoice.tokens !== undefined && !(Number.isSafeInteger(invoice.tokens) && invoice.tokens >= 0)) {
    return refuse('invalidInvoice', `invoice amount ${String(invoice.tokens)} is not a whole number of sats`)
  }
  return undefined
}

/** Only checked when we know our own network; an invoice that does not say which is refused. */
export const invoiceNetwork: PayCheck = ({ invoice, network }) => {
  if (network === undefined || invoice.network === network) return undefined
  return refuse('wrongNetwork', `invoice is for ${invoice.network ?? 'an unknown network'}, our node is on ${network}`)
}

/** A zero-amount invoice would let the payer's amount be set by whoever sends the message. */
export const invoiceHasAmount: PayCheck = ({ invoice }) => {
  if (invoice.tokens !== undefined && invoice.tokens > 0) return undefined
  return refuse('zeroAmountInvoice', 'invoice does not fix an amount; only fixed-amount invoices are paid')
}

/** The invoice is what the message says was requested: no quiet substitution of the amount. */
export const invoiceMatchesRequest: PayCheck = ({ invoice, requestedTokens }) => {
  if (invoice.tokens === requestedTokens) return undefined
  return refuse(
    'amountMismatch',
    `invoice is for ${String(invoice.tokens)} sats but ${String(requestedTokens)} were requested`
  )
}

/** Paying anyone but the partner on this channel would move funds out of the cluster. */
export const invoiceForPartner: PayCheck = ({ invoice, channel }) => {
  if (sameHex(invoice.destination, channel.remotePublicKey)) return undefined
  return refuse(
    'wrongDestination',
    `invoice pays ${invoice.destination}, but the partner on channel ${channel.id} is ${channel.remotePublicKey}`
  )
}

export const invoiceNotExpired: PayCheck = ({ invoice, now }) => {
  const left = invoice.expiresAt - now
  if (left >= MIN_INVOICE_VALIDITY_MS) return undefined
  return refuse(
    'invoiceExpired',
    left <= 0
      ? `invoice expired ${-left} ms ago`
      : `invoice expires in ${left} ms, less than the ${MIN_INVOICE_VALIDITY_MS} ms needed to pay it safely`
  )
}

/**
 * LND adds 3 blocks of padding to the invoice's final CLTV delta and refuses a cltv_limit that is
 * not above the sum ('cltv limit X should be greater than Y'). Checking it here refuses, with the
 * numbers, an invoice that would lock our HTLC longer than we allow, before anything is recorded
 * as pending or sent to LND.
 */
export const LND_BLOCK_PADDING = 3

export const invoiceCltvWithinLimit: PayCheck = ({ invoice, settings }) => {
  const delta = invoice.cltvDelta ?? 18
  if (Number.isSafeInteger(delta) && delta >= 0 && delta + LND_BLOCK_PADDING < settings.cltvLimit) return undefined
  return refuse(
    'invoiceCltvTooLong',
    `invoice asks for a final CLTV delta of ${String(delta)} blocks (+${LND_BLOCK_PADDING} padding); our cltvLimit is ${settings.cltvLimit}`
  )
}
