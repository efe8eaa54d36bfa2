import { refill, type NodeBucket } from './budget.js'

/**
 * How many new member sessions we accept: every session costs a SignMessage per node of ours (the
 * proofs are bound to the session, so they cannot be reused), a VerifyMessage per claim on one of
 * our channel partners, and audit entries. A member reconnecting in a loop, or cycling swarm keys,
 * is held to these token buckets: a session over them is closed right after its hello verified,
 * before any RPC or ledger write (counted as `sessionRate`, like a stranger's close).
 */
export interface SessionLimits {
  /** Per remote swarm key: at most `burst` at once, refilled at `perMinute`. */
  perKey: { burst: number; perMinute: number }
  /** All remote keys together (a member can make new keys at will). */
  perInstance: { burst: number; perMinute: number }
}

/** Hyperswarm may open two connections between a pair at once (both dial); restarts add one each. */
export const DEFAULT_SESSION_LIMITS: SessionLimits = {
  perKey: { burst: 6, perMinute: 6 },
  perInstance: { burst: 60, perMinute: 60 }
}

/** The decision (pure): both buckets already refilled to now. */
export function admitSession(key: NodeBucket, instance: NodeBucket): 'ok' | 'perKey' | 'perInstance' {
  if (key.tokens < 1) return 'perKey'
  if (instance.tokens < 1) return 'perInstance'
  return 'ok'
}

export class SessionRate {
  private instance: NodeBucket
  private readonly keys = new Map<string, NodeBucket>()

  constructor(
    private readonly limits: SessionLimits = DEFAULT_SESSION_LIMITS,
    private readonly now: () => number = Date.now
  ) {
    this.instance = { tokens: limits.perInstance.burst, at: now(), inFlight: 0 }
  }

  /** Takes a session for `remoteKey` if both buckets allow it. */
  take(remoteKey: string): boolean {
    const now = this.now()
    const fresh = { tokens: this.limits.perKey.burst, at: now, inFlight: 0 }
    const key = refill(this.limits.perKey, this.keys.get(remoteKey) ?? fresh, now)
    this.instance = refill(this.limits.perInstance, this.instance, now)
    const verdict = admitSession(key, this.instance)
    if (verdict === 'ok') {
      key.tokens -= 1
      this.instance.tokens -= 1
    }
    this.keys.set(remoteKey, key)
    this.prune(now)
    return verdict === 'ok'
  }

  /** Forgets full buckets (a full bucket is what a new one starts as): bounded by the instance rate. */
  private prune(now: number): void {
    if (this.keys.size < 256) return
    for (const [k, b] of this.keys)
      if (refill(this.limits.perKey, b, now).tokens >= this.limits.perKey.burst) this.keys.delete(k)
  }
}
