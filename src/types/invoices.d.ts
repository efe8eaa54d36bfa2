// Minimal types for the `invoices` package (BOLT11), which ships none: what Tightrope uses.
declare module 'invoices' {
  export interface ParsedPaymentRequest {
    chain_addresses?: string[]
    cltv_delta: number
    created_at: string
    description?: string
    description_hash?: string
    destination: string
    expires_at: string
    features: Array<{ bit: number; is_required: boolean; type?: string }>
    id: string
    is_expired: boolean
    metadata?: string
    mtokens?: string
    network: string
    payment?: string
    routes?: unknown[]
    safe_tokens?: number
    tokens?: number
  }
  export function parsePaymentRequest(args: { request: string }): ParsedPaymentRequest
  export function createUnsignedRequest(args: {
    cltv_delta?: number
    created_at?: string
    description?: string
    description_hash?: string
    destination: string
    expires_at?: string
    features: Array<{ bit: number }>
    id: string
    mtokens?: string
    network: string
    payment?: string
  }): { hash: string; hrp: string; preimage: string; tags: number[] }
  export function createSignedRequest(args: { destination: string; hrp: string; signature: string; tags: number[] }): {
    request: string
  }
}
