/**
 * What reaches the audit log. Keys named in `shouldMask` are shortened so entries can still be
 * correlated but not read in full; secret material is never written, whatever the config says.
 */
const SECRET_KEYS = /^(secret|macaroon|cert|privatekey|secretkey|preimage|seed|token|password|authkey)$/i

export function maskValue (value: string): string {
  return value.length <= 12 ? '…' : `${value.slice(0, 6)}…${value.slice(-4)}`
}

export function maskEntry<T> (entry: T, shouldMask: readonly string[]): T {
  const masked = new Set(shouldMask)
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(walk)
    if (value === null || typeof value !== 'object') return value
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) {
      if (SECRET_KEYS.test(k)) continue
      out[k] = masked.has(k) && typeof v === 'string' ? maskValue(v) : walk(v)
    }
    return out
  }
  return walk(entry) as T
}
