import type { SimCluster } from '../sim/cluster.js'

/**
 * Background payments between random nodes of the simulated network, as its users would make
 * them: they take any route and pay fees, pushing channels out of balance. Seeded: the same seed
 * gives the same sequence of attempts.
 */
export class Traffic {
  readonly hashes = new Set<string>()
  attempts = 0
  succeeded = 0
  private timer: NodeJS.Timeout | undefined
  private state: number

  constructor(
    private readonly cluster: SimCluster,
    seed = 1,
    private readonly intervalMs = 1200
  ) {
    this.state = seed >>> 0
  }

  private random(): number {
    this.state = (Math.imul(this.state, 1664525) + 1013904223) >>> 0
    return this.state / 4294967296
  }

  start(): void {
    if (this.timer) return
    this.timer = setInterval(() => {
      void this.once()
    }, this.intervalMs)
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = undefined
  }

  async once(): Promise<void> {
    const aliases = [...this.cluster.network.nodes.values()].filter((n) => n.online).map((n) => n.alias)
    if (aliases.length < 2) return
    const from = aliases[Math.floor(this.random() * aliases.length)] as string
    let to = from
    while (to === from) to = aliases[Math.floor(this.random() * aliases.length)] as string
    const tokens = 100_000 + Math.floor(this.random() * 500_000)
    this.attempts++
    try {
      const truth = await this.cluster.pay({ from, to, tokens, timeoutMs: 120_000 })
      this.hashes.add(truth.paymentHash)
      if (truth.status === 'SUCCEEDED') this.succeeded++
    } catch {
      // A payment that cannot be made is part of real traffic too.
    }
  }
}
