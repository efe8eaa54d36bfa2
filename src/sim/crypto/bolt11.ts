import { secp256k1 } from '@noble/curves/secp256k1.js'
import { createSignedRequest, createUnsignedRequest, parsePaymentRequest } from 'invoices'

/**
 * BOLT11 payment requests as LND's AddInvoice writes them (lnrpc/invoicesrpc/addinvoice.go): the
 * payment hash, payment secret, description (or its hash), expiry and CLTV delta always present,
 * features var_onion + payment_secret required and MPP optional, signed by the node key.
 */
export const INVOICE_FEATURE_BITS = [8, 14, 17]

export interface EncodeInvoiceArgs {
  privateKey: Uint8Array
  network?: 'regtest'
  paymentHash: string
  paymentAddr: string
  /** Millisatoshis; 0 makes a zero-amount invoice (no amount in the human-readable part). */
  mtokens: bigint | number
  description?: string
  descriptionHash?: string
  expirySeconds: number
  cltvDelta: number
  createdAt: Date
}

export interface DecodedInvoice {
  destination: string
  paymentHash: string
  paymentAddr: string
  /** Millisatoshis as a decimal string; '0' for a zero-amount invoice. */
  mtokens: string
  createdAt: Date
  expiresAt: Date
  expirySeconds: number
  description?: string
  descriptionHash?: string
  cltvDelta: number
  features: number[]
  network: string
}

export function encodeInvoice (args: EncodeInvoiceArgs): string {
  const destination = Buffer.from(secp256k1.getPublicKey(args.privateKey, true)).toString('hex')
  const mtokens = BigInt(args.mtokens)
  const unsigned = createUnsignedRequest({
    cltv_delta: args.cltvDelta,
    created_at: args.createdAt.toISOString(),
    ...(args.descriptionHash ? { description_hash: args.descriptionHash } : { description: args.description ?? '' }),
    destination,
    expires_at: new Date(args.createdAt.getTime() + args.expirySeconds * 1000).toISOString(),
    features: INVOICE_FEATURE_BITS.map((bit) => ({ bit })),
    id: args.paymentHash,
    ...(mtokens > 0n ? { mtokens: mtokens.toString() } : {}),
    network: args.network ?? 'regtest',
    payment: args.paymentAddr
  })
  // BOLT11 signs SHA256(hrp || data) once; the `invoices` package hands us that hash.
  const sig = secp256k1.sign(Buffer.from(unsigned.hash, 'hex'), args.privateKey, { prehash: false, format: 'compact' })
  return createSignedRequest({ destination, hrp: unsigned.hrp, signature: Buffer.from(sig).toString('hex'), tags: unsigned.tags }).request
}

/** Decodes and checks the signature (the destination is recovered from it); throws on anything invalid. */
export function decodeInvoice (request: string): DecodedInvoice {
  if (typeof request !== 'string' || request.length === 0 || request.length > 7089) throw new Error('invalid payment request: expected a BOLT11 string')
  let parsed
  try {
    parsed = parsePaymentRequest({ request })
  } catch (err) {
    throw new Error(`invalid payment request: ${(err as Error).message}`)
  }
  if (!parsed.payment) throw new Error('invalid payment request: no payment secret')
  const createdAt = new Date(parsed.created_at)
  const expiresAt = new Date(parsed.expires_at)
  return {
    destination: parsed.destination,
    paymentHash: parsed.id,
    paymentAddr: parsed.payment,
    mtokens: parsed.mtokens ?? '0',
    createdAt,
    expiresAt,
    expirySeconds: Math.round((expiresAt.getTime() - createdAt.getTime()) / 1000),
    ...(parsed.description !== undefined ? { description: parsed.description } : {}),
    ...(parsed.description_hash ? { descriptionHash: parsed.description_hash } : {}),
    cltvDelta: parsed.cltv_delta,
    features: parsed.features.map((f) => f.bit),
    network: parsed.network
  }
}
