import { createHash } from 'node:crypto'
import { secp256k1 } from '@noble/curves/secp256k1.js'
import { createSignedRequest, createUnsignedRequest, parsePaymentRequest, type ParsedPaymentRequest } from 'invoices'

/**
 * BOLT11 payment requests as LND's AddInvoice writes them (lnrpc/invoicesrpc/addinvoice.go), built
 * with the `invoices` package that the `lightning` client itself parses them with:
 *   hrp `ln` + network + amount (only when > 0, shortest unit), fields p, s, d (or h instead),
 *   x and c always, features 9 = var_onion (8) and payment_secret (14) required, MPP (17)
 *   optional, no `n` (the payer recovers the node key from the signature over SHA256(hrp||data)).
 * LND v0.20.1 also sets route blinding (25) optional by default; callers choose with `features`.
 */
export const INVOICE_FEATURE_BITS = [8, 14, 17]

export type InvoiceNetwork = 'regtest' | 'testnet' | 'bitcoin' | 'signet'
/** chaincfg's names, which LND puts in its wrong-network error. */
const LND_NETWORK_NAME: Record<InvoiceNetwork, string> = {
  regtest: 'regtest',
  testnet: 'testnet3',
  bitcoin: 'mainnet',
  signet: 'signet'
}

export interface EncodeInvoiceArgs {
  privateKey: Uint8Array
  network?: InvoiceNetwork
  paymentHash: string
  paymentAddr: string
  /** Millisatoshis; 0 makes a zero-amount invoice (no amount in the human-readable part). */
  mtokens: bigint | number
  description?: string
  descriptionHash?: string
  expirySeconds: number
  cltvDelta: number
  createdAt: Date
  /** Feature bits to advertise; INVOICE_FEATURE_BITS by default. */
  features?: number[]
}

export interface DecodedInvoice {
  destination: string
  paymentHash: string
  /** The `s` field as hex; '' when the invoice has none (LND decodes such invoices but will not pay them). */
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

const TIMESTAMP_WORDS = 7
const SIGNATURE_WORDS = 104
const TAG = { DESTINATION: 19, DESCRIPTION: 13, DESCRIPTION_HASH: 23 }
/** zpay32 writeTaggedFields: p d h m c x f r b n s 9 (as 5-bit type codes). */
const LND_FIELD_ORDER = [1, 13, 23, 27, 24, 6, 9, 3, 20, 19, 16, 5]
const BECH32 = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l'

/** 5-bit words to bytes, zero-padding the last byte, as BOLT11 hashes them. */
function wordsToBytes(words: number[]): Buffer {
  const out: number[] = []
  let acc = 0
  let bits = 0
  for (const w of words) {
    acc = ((acc << 5) | w) & 0xfff
    bits += 5
    if (bits >= 8) {
      bits -= 8
      out.push((acc >> bits) & 0xff)
    }
  }
  if (bits > 0) out.push((acc << (8 - bits)) & 0xff)
  return Buffer.from(out)
}

/** Splits the words after the timestamp into tagged fields: type, 10-bit length, data. */
function taggedFields(words: number[]): Array<{ type: number; words: number[] }> {
  const fields = []
  for (let i = TIMESTAMP_WORDS; i + 3 <= words.length;) {
    const len = (words[i + 1] as number) * 32 + (words[i + 2] as number)
    fields.push({ type: words[i] as number, words: words.slice(i + 3, i + 3 + len) })
    i += 3 + len
  }
  return fields
}

export function encodeInvoice(args: EncodeInvoiceArgs): string {
  const destination = Buffer.from(secp256k1.getPublicKey(args.privateKey, true)).toString('hex')
  const mtokens = BigInt(args.mtokens)
  const unsigned = createUnsignedRequest({
    cltv_delta: args.cltvDelta,
    created_at: args.createdAt.toISOString(),
    ...(args.descriptionHash ? { description_hash: args.descriptionHash } : { description: args.description ?? '' }),
    destination,
    expires_at: new Date(args.createdAt.getTime() + args.expirySeconds * 1000).toISOString(),
    features: (args.features ?? INVOICE_FEATURE_BITS).map((bit) => ({ bit })),
    id: args.paymentHash,
    ...(mtokens > 0n ? { mtokens: mtokens.toString() } : {}),
    network: args.network ?? 'regtest',
    payment: args.paymentAddr
  })
  // The package always writes the payee key as an `n` field; LND never does, so drop it, put the
  // fields in the order LND's zpay32 writes them, and hash the result ourselves.
  const tags = unsigned.tags.slice(0, TIMESTAMP_WORDS)
  const fields = taggedFields(unsigned.tags).filter((f) => f.type !== TAG.DESTINATION)
  fields.sort((a, b) => LND_FIELD_ORDER.indexOf(a.type) - LND_FIELD_ORDER.indexOf(b.type))
  for (const f of fields) tags.push(f.type, f.words.length >> 5, f.words.length & 31, ...f.words)
  const hash = createHash('sha256')
    .update(Buffer.concat([Buffer.from(unsigned.hrp, 'ascii'), wordsToBytes(tags)]))
    .digest()
  const sig = secp256k1.sign(hash, args.privateKey, { prehash: false, lowS: true, format: 'compact' })
  return createSignedRequest({ destination, hrp: unsigned.hrp, signature: Buffer.from(sig).toString('hex'), tags })
    .request
}

/**
 * Decodes as the `lightning` client does, then applies the checks LND's zpay32.Decode adds, with
 * LND's messages: the node's network, an `n` field must match the signer, exactly one of d and h.
 * Anything the `invoices` parser refuses (checksum, prefix, signature, lengths) throws
 * `invalid payment request: <its reason>`.
 */
export function decodeInvoice(request: string, opts: { network?: InvoiceNetwork } = {}): DecodedInvoice {
  const network = opts.network ?? 'regtest'
  if (typeof request !== 'string' || request.length === 0) throw new Error('invalid payment request: empty')
  if (request.length > 7089) throw new Error('invoice is too large') // zpay32.ErrInvoiceTooLarge
  let parsed: ParsedPaymentRequest
  try {
    parsed = parsePaymentRequest({ request })
  } catch (err) {
    throw new Error(`invalid payment request: ${(err as Error).message}`)
  }
  if (parsed.network !== network)
    throw new Error(`invoice not for current active network '${LND_NETWORK_NAME[network]}'`)
  // The checksum held, so the data part can be read straight from the string.
  const lower = request.toLowerCase()
  const words = [...lower.slice(lower.lastIndexOf('1') + 1, -6)].map((c) => BECH32.indexOf(c))
  const fields = taggedFields(words.slice(0, -SIGNATURE_WORDS))
  const has = (type: number): boolean => fields.some((f) => f.type === type)
  const n = fields.find((f) => f.type === TAG.DESTINATION && f.words.length === 53)
  if (n && wordsToBytes(n.words).subarray(0, 33).toString('hex') !== parsed.destination)
    throw new Error('invalid invoice signature')
  if (has(TAG.DESCRIPTION) && has(TAG.DESCRIPTION_HASH)) throw new Error('both description and description hash set')
  if (!has(TAG.DESCRIPTION) && !has(TAG.DESCRIPTION_HASH))
    throw new Error('neither description nor description hash set')
  const createdAt = new Date(parsed.created_at)
  const expiresAt = new Date(parsed.expires_at)
  return {
    destination: parsed.destination,
    paymentHash: parsed.id,
    paymentAddr: parsed.payment ?? '',
    mtokens: parsed.mtokens ?? '0',
    createdAt,
    expiresAt,
    expirySeconds: Math.round((expiresAt.getTime() - createdAt.getTime()) / 1000),
    ...(parsed.description_hash
      ? { descriptionHash: parsed.description_hash }
      : { description: parsed.description ?? '' }),
    cltvDelta: parsed.cltv_delta,
    features: parsed.features.map((f) => f.bit).sort((a, b) => a - b),
    network: parsed.network
  }
}

/** The request's 65-byte signature field: r, s (64 bytes) and the recovery id. The request must have decoded. */
export function invoiceSignature(request: string): Uint8Array {
  const lower = request.toLowerCase()
  const words = [...lower.slice(lower.lastIndexOf('1') + 1, -6)].map((c) => BECH32.indexOf(c))
  return new Uint8Array(wordsToBytes(words.slice(-SIGNATURE_WORDS)))
}
