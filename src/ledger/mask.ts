import { DEFAULTS } from '../config/defaults.js'
import { isSecretKey } from '../core/secret-keys.js'

export { isSecretKey }

/**
 * What reaches the audit log. The log is append-only and may be replicated to an auditor, so
 * whatever is written stays forever: configured identifiers are shortened (still correlatable),
 * and secret material is never written, whatever the config says.
 */

/** The original's `audit.shouldMask` default. */
export const DEFAULT_SHOULD_MASK: readonly string[] = DEFAULTS.audit.shouldMask

/** Stands in for a secret so an operator sees a field was there, never its value. */
export const REDACTED = '[redacted]'

/**
 * First 6 and last 4 characters: enough to tell two public keys apart and grep for one, not enough
 * to use it. Values shorter than 20 characters would be mostly revealed, so they are hidden whole.
 */
export function maskValue(value: string): string {
  return value.length < 20 ? '…' : `${value.slice(0, 6)}…${value.slice(-4)}`
}

/**
 * A copy of `entry` ready for JSON on disk: secrets redacted at any depth, strings under a key in
 * `shouldMask` (at any depth, including inside arrays and objects under it) masked, and values JSON
 * cannot carry faithfully made explicit (bytes as hex, bigint as string, errors as their message).
 */
export function maskEntry<T>(entry: T, shouldMask: readonly string[]): T {
  const masked = new Set(shouldMask)
  const seen = new WeakSet<object>()
  const walk = (value: unknown, mask: boolean): unknown => {
    if (typeof value === 'string') return mask ? maskValue(value) : value
    if (typeof value === 'bigint') return walk(value.toString(), mask)
    if (typeof value === 'function' || typeof value === 'symbol') return undefined
    if (value === null || typeof value !== 'object') return value
    if (value instanceof Uint8Array) return walk(Buffer.from(value).toString('hex'), mask)
    if (value instanceof Error) return walk(`${value.name}: ${value.message}`, mask)
    if (value instanceof Date) return walk(value.toISOString(), mask)
    if (seen.has(value)) return '[circular]'
    seen.add(value)
    try {
      if (Array.isArray(value)) return value.map((v) => walk(v, mask))
      const out: Record<string, unknown> = {}
      for (const [k, v] of Object.entries(value)) {
        out[k] = isSecretKey(k) ? REDACTED : walk(v, mask || masked.has(k))
      }
      return out
    } finally {
      seen.delete(value)
    }
  }
  return walk(entry, false) as T
}
