/**
 * Counts things we refuse without writing each to the audit log (a peer could otherwise make us
 * append one entry per message): totals for the metrics, and at most one aggregated event per key
 * (a peer, or 'strangers') per window, listing the counts by reason since the last one.
 */
export const TALLY_WINDOW_MS = 60_000
/** Samples kept per key and window (the event stays small whatever the peer sends). */
export const MAX_SAMPLES = 8

interface Pending {
  counts: Map<string, number>
  samples: Set<string>
  timer?: NodeJS.Timeout
  lastAt: number
}

export class Tally {
  /** Totals since start, by reason (for the metrics). */
  readonly totals = new Map<string, number>()
  private readonly pending = new Map<string, Pending>()

  constructor(
    private readonly flush: (key: string, counts: Record<string, number>, samples: string[]) => void,
    private readonly windowMs = TALLY_WINDOW_MS
  ) {}

  /** Counts one; `sample` (e.g. the node a refused claim named) is kept, up to MAX_SAMPLES a window. */
  add(key: string, reason: string, sample?: string): void {
    this.totals.set(reason, (this.totals.get(reason) ?? 0) + 1)
    let p = this.pending.get(key)
    if (!p) {
      p = { counts: new Map(), samples: new Set(), lastAt: 0 }
      this.pending.set(key, p)
    }
    p.counts.set(reason, (p.counts.get(reason) ?? 0) + 1)
    if (sample !== undefined && p.samples.size < MAX_SAMPLES) p.samples.add(sample)
    if (p.timer) return
    const wait = Math.max(0, p.lastAt + this.windowMs - Date.now())
    const entry = p
    entry.timer = setTimeout(() => this.emit(key, entry), wait)
    entry.timer.unref()
  }

  private emit(key: string, p: Pending): void {
    delete p.timer
    if (p.counts.size === 0) {
      this.pending.delete(key)
      return
    }
    const counts = Object.fromEntries(p.counts)
    const samples = [...p.samples]
    p.counts.clear()
    p.samples.clear()
    p.lastAt = Date.now()
    this.flush(key, counts, samples)
    // Keep the entry for one more window so the next event waits for it; then forget the key.
    p.timer = setTimeout(() => this.emit(key, p), this.windowMs)
    p.timer.unref()
  }

  /** Writes what is pending now (at shutdown) and stops the timers. */
  stop(): void {
    for (const [key, p] of this.pending) {
      if (p.timer) clearTimeout(p.timer)
      delete p.timer
      if (p.counts.size > 0) this.flush(key, Object.fromEntries(p.counts), [...p.samples])
    }
    this.pending.clear()
  }
}
