/**
 * Counts things we refuse without writing each to the audit log (a peer could otherwise make us
 * append one entry per message): totals for the metrics, and at most one aggregated event per key
 * (a peer, or 'strangers') per window, listing the counts by reason since the last one.
 */
export const TALLY_WINDOW_MS = 60_000

export class Tally {
  /** Totals since start, by reason (for the metrics). */
  readonly totals = new Map<string, number>()
  private readonly pending = new Map<string, { counts: Map<string, number>; timer?: NodeJS.Timeout; lastAt: number }>()

  constructor(
    private readonly flush: (key: string, counts: Record<string, number>) => void,
    private readonly windowMs = TALLY_WINDOW_MS
  ) {}

  add(key: string, reason: string): void {
    this.totals.set(reason, (this.totals.get(reason) ?? 0) + 1)
    let p = this.pending.get(key)
    if (!p) {
      p = { counts: new Map(), lastAt: 0 }
      this.pending.set(key, p)
    }
    p.counts.set(reason, (p.counts.get(reason) ?? 0) + 1)
    if (p.timer) return
    const wait = Math.max(0, p.lastAt + this.windowMs - Date.now())
    const entry = p
    entry.timer = setTimeout(() => this.emit(key, entry), wait)
    entry.timer.unref()
  }

  private emit(key: string, p: { counts: Map<string, number>; timer?: NodeJS.Timeout; lastAt: number }): void {
    delete p.timer
    if (p.counts.size === 0) {
      this.pending.delete(key)
      return
    }
    const counts = Object.fromEntries(p.counts)
    p.counts.clear()
    p.lastAt = Date.now()
    this.flush(key, counts)
    // Keep the entry for one more window so the next event waits for it; then forget the key.
    p.timer = setTimeout(() => this.emit(key, p), this.windowMs)
    p.timer.unref()
  }

  /** Writes what is pending now (at shutdown) and stops the timers. */
  stop(): void {
    for (const [key, p] of this.pending) {
      if (p.timer) clearTimeout(p.timer)
      delete p.timer
      if (p.counts.size > 0) this.flush(key, Object.fromEntries(p.counts))
    }
    this.pending.clear()
  }
}
