/** What a target's queue has done since start (for /metrics). */
export interface DeliveryStats {
  sent: number
  failed: number
  dropped: number
  retries: number
  queued: number
}

export interface DeliveryQueueOptions<T> {
  send: (item: T) => Promise<void>
  /** Items waiting beyond this are dropped (oldest first): a dead receiver must not grow memory. */
  maxQueued?: number
  /** Tries per item before it counts as failed. */
  maxAttempts?: number
  /** Backoff before retry n (1-based). */
  retryDelayMs?: (attempt: number) => number
  onFailure?: (item: T, error: unknown) => void
}

const DEFAULT_RETRY = (attempt: number): number => Math.min(1000 * 2 ** (attempt - 1), 60_000)

/**
 * Delivers items one at a time, in order, with retries and backoff, in the background: push()
 * never waits and never throws, so a slow or dead receiver cannot hold up the daemon.
 */
export class DeliveryQueue<T> {
  readonly stats: DeliveryStats = { sent: 0, failed: 0, dropped: 0, retries: 0, queued: 0 }
  private readonly items: T[] = []
  private running: Promise<void> | undefined
  private stopping = false
  private wakeRetry: (() => void) | undefined

  constructor(private readonly opts: DeliveryQueueOptions<T>) {}

  push(item: T): void {
    if (this.stopping) return
    this.items.push(item)
    const max = this.opts.maxQueued ?? 100
    while (this.items.length > max) {
      this.items.shift()
      this.stats.dropped++
    }
    this.stats.queued = this.items.length
    this.running ??= this.drain().finally(() => {
      this.running = undefined
    })
  }

  private async drain(): Promise<void> {
    for (let item = this.items.shift(); item !== undefined; item = this.items.shift()) {
      this.stats.queued = this.items.length
      await this.deliver(item)
    }
  }

  private async deliver(item: T): Promise<void> {
    const maxAttempts = this.opts.maxAttempts ?? 5
    for (let attempt = 1; ; attempt++) {
      try {
        await this.opts.send(item)
        this.stats.sent++
        return
      } catch (err) {
        if (attempt >= maxAttempts || this.stopping) {
          this.stats.failed++
          this.opts.onFailure?.(item, err)
          return
        }
        this.stats.retries++
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, (this.opts.retryDelayMs ?? DEFAULT_RETRY)(attempt))
          this.wakeRetry = () => {
            clearTimeout(timer)
            resolve()
          }
        })
        this.wakeRetry = undefined
      }
    }
  }

  /** Delivers what is queued for up to graceMs (no more retries once stopping), then gives up. */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true
    this.wakeRetry?.()
    if (!this.running) return
    let timer: NodeJS.Timeout | undefined
    await Promise.race([
      this.running,
      new Promise((resolve) => {
        timer = setTimeout(resolve, graceMs)
      })
    ])
    clearTimeout(timer)
    this.stats.dropped += this.items.length
    this.items.length = 0
    this.stats.queued = 0
  }
}
