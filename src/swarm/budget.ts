/**
 * How many payment requests peers may have us work on: per requesting Lightning node (the
 * invoice's destination, whichever connection it arrives on) and for the whole instance. A request
 * refused here costs nothing: no RPC, no ledger entry. Pure decision plus a small state holder.
 */
export { DEFAULT_BUDGET, type BudgetLimits }
import { DEFAULT_BUDGET, type BudgetLimits } from '../core/budget-limits.js'

/** How long a `busy` requester should wait before asking again. */
export const BUSY_RETRY_MS = 2000

export interface NodeBucket {
  tokens: number
  at: number
  inFlight: number
}

export type Admission = { ok: true } | { ok: false; reason: 'busy' | 'rate'; detail: string; retryAt: number }

/** Decides one request (pure): the bucket is already refilled to `now`. */
export function admit(limits: BudgetLimits, instanceInFlight: number, bucket: NodeBucket, now: number): Admission {
  if (instanceInFlight >= limits.inFlightPerInstance) {
    return {
      ok: false,
      reason: 'busy',
      detail: `${limits.inFlightPerInstance} requests from peers are being handled already`,
      retryAt: now + BUSY_RETRY_MS
    }
  }
  if (bucket.inFlight >= limits.inFlightPerNode) {
    return {
      ok: false,
      reason: 'busy',
      detail: `${limits.inFlightPerNode} requests for this node are being handled already`,
      retryAt: now + BUSY_RETRY_MS
    }
  }
  if (bucket.tokens < 1) {
    const wait = Math.ceil(((1 - bucket.tokens) * 60_000) / limits.perMinute)
    return {
      ok: false,
      reason: 'rate',
      detail: `more than ${limits.perMinute} requests a minute for this node`,
      retryAt: now + wait
    }
  }
  return { ok: true }
}

/** A bucket refilled to `now` (pure). */
export function refill(limits: Pick<BudgetLimits, 'burst' | 'perMinute'>, b: NodeBucket, now: number): NodeBucket {
  const tokens = Math.min(limits.burst, b.tokens + ((now - b.at) * limits.perMinute) / 60_000)
  return { tokens, at: now, inFlight: b.inFlight }
}

export class RequestBudget {
  private instanceInFlight = 0
  private readonly buckets = new Map<string, NodeBucket>()

  constructor(
    private readonly limits: BudgetLimits = DEFAULT_BUDGET,
    private readonly now: () => number = Date.now
  ) {}

  /** Takes a slot for a request to pay `node`'s invoice; call `release` once it is answered. */
  take(node: string): { ok: true; release: () => void } | Exclude<Admission, { ok: true }> {
    const now = this.now()
    const bucket = refill(
      this.limits,
      this.buckets.get(node) ?? { tokens: this.limits.burst, at: now, inFlight: 0 },
      now
    )
    const verdict = admit(this.limits, this.instanceInFlight, bucket, now)
    if (!verdict.ok) {
      this.buckets.set(node, bucket)
      return verdict
    }
    bucket.tokens -= 1
    bucket.inFlight++
    this.instanceInFlight++
    this.buckets.set(node, bucket)
    let released = false
    return {
      ok: true,
      release: () => {
        if (released) return
        released = true
        this.instanceInFlight--
        const b = this.buckets.get(node)
        if (b) b.inFlight--
        this.prune()
      }
    }
  }

  /** Forgets full, idle buckets (a full bucket is what a new one starts as). */
  private prune(): void {
    if (this.buckets.size < 256) return
    const now = this.now()
    for (const [k, b] of this.buckets)
      if (b.inFlight === 0 && refill(this.limits, b, now).tokens >= this.limits.burst) this.buckets.delete(k)
  }
}
