import { parsePaymentRequest } from 'invoices'

/** What the payer reads from an invoice, decoded locally: nothing here comes from anyone's word. */
export interface InvoiceFacts {
  destination: string
  paymentHash: string
  /** Whole satoshis; undefined for a zero-amount (or sub-satoshi) invoice. */
  tokens?: number
  expiresAt: number
  network: string
  /** Blocks the final HTLC must stay locked at least (BOLT11 'c'; 18 when absent, as the spec says). */
  cltvDelta: number
}

/** BOLT11: min_final_cltv_expiry_delta when the invoice has no 'c' field. */
const DEFAULT_CLTV_DELTA = 18

/** Decodes a BOLT11 request and checks its signature; returns a reason instead of throwing. */
export function decodeInvoice(request: unknown): { ok: true; invoice: InvoiceFacts } | { ok: false; reason: string } {
  if (typeof request !== 'string' || request.length === 0 || request.length > 7089)
    return { ok: false, reason: 'not a BOLT11 string' }
  try {
    const p = parsePaymentRequest({ request })
    const mtokens = p.mtokens ? BigInt(p.mtokens) : 0n
    const tokens = mtokens > 0n && mtokens % 1000n === 0n ? Number(mtokens / 1000n) : undefined
    return {
      ok: true,
      invoice: {
        destination: p.destination,
        paymentHash: p.id,
        ...(tokens !== undefined ? { tokens } : {}),
        expiresAt: Date.parse(p.expires_at),
        network: p.network,
        cltvDelta: p.cltv_delta ?? DEFAULT_CLTV_DELTA
      }
    }
  } catch (err) {
    return { ok: false, reason: (err as Error).message }
  }
}
