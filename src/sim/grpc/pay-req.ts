import { decodeInvoice, type DecodedInvoice } from '../crypto/bolt11.js'
import { INVOICE_FEATURES } from './mappers.js'
import { unknown } from './rpc-error.js'

/** Decodes a BOLT11 request as LND does for this regtest node, or fails with LND's kind of message. */
export function decodeForNode(payReq: string): DecodedInvoice {
  let decoded: DecodedInvoice
  try {
    decoded = decodeInvoice(payReq)
  } catch (err) {
    throw unknown((err as Error).message)
  }
  if (decoded.network !== 'regtest') throw unknown("invoice not for current active network 'regtest'")
  return decoded
}

export function decodePayReq(payReq: string) {
  const d = decodeForNode(payReq)
  const msat = BigInt(d.mtokens)
  return {
    destination: d.destination,
    payment_hash: d.paymentHash,
    num_satoshis: String(msat / 1000n),
    timestamp: String(Math.floor(d.createdAt.getTime() / 1000)),
    expiry: String(d.expirySeconds),
    description: d.description ?? '',
    description_hash: d.descriptionHash ?? '',
    fallback_addr: '',
    cltv_expiry: String(d.cltvDelta),
    route_hints: [],
    payment_addr: Buffer.from(d.paymentAddr, 'hex'),
    num_msat: String(msat),
    features: INVOICE_FEATURES
  }
}

/** LND takes a payment hash as bytes, or as hex in the deprecated string field. */
export function paymentHashFrom(bytes: Buffer, str?: string): string {
  const hash = bytes.length ? bytes : Buffer.from(str ?? '', 'hex')
  if (hash.length !== 32) throw unknown(`payment hash must be exactly 32 bytes, is ${hash.length}`)
  return hash.toString('hex')
}
