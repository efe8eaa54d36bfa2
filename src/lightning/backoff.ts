/** Reconnect delay after `attempt` consecutive failures: 0.5 s doubling to at most 30 s, with jitter. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(30_000, 500 * 2 ** Math.max(0, attempt))
  return Math.round(base * (0.8 + 0.4 * random()))
}

/** Waits `ms`, or less if `signal` aborts first (a stop must not wait out a backoff). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve()
    const done = (): void => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal?.addEventListener('abort', done, { once: true })
  })
}

/** The endpoint answered, but as another node than the one this adapter was made for. */
export class NodeIdentityChanged extends Error {
  override name = 'NodeIdentityChanged'
}

/**
 * Throws NodeIdentityChanged unless `answered` is `expected`: an endpoint that now answers as
 * another node (a restore onto the wrong host, a port reused) must not get our payments, invoices
 * and signatures under the old node's name.
 */
export function assertSameNode(expected: string, answered: unknown, label: string): void {
  if (answered === expected) return
  const shown = typeof answered === 'string' ? answered.slice(0, 66) : typeof answered
  throw new NodeIdentityChanged(`${label} now answers as node ${shown}, not ${expected}: not used until it is again`)
}

/**
 * The reconnect loop both node adapters share: `probe` with backoff until the node answers (as the
 * same node) or the adapter stops, then `back()` (listen again, say connected). An endpoint that
 * answers as another node is reported once through `refused` and tried again like a silent one.
 * A listener that throws on what `back()` emits must not become an unhandled rejection (it would
 * end the daemon): the reconnect itself is done by then, so the throw is dropped here.
 */
export function reconnectWithBackoff(loop: {
  probe: () => Promise<unknown>
  stopped: () => boolean
  signal: AbortSignal
  back: () => void
  refused?: (reason: string) => void
}): void {
  let told = false
  const run = async (): Promise<void> => {
    for (let attempt = 0; !loop.stopped(); attempt++) {
      await sleep(backoffMs(attempt), loop.signal)
      if (loop.stopped()) return
      try {
        await loop.probe()
      } catch (err) {
        if (err instanceof NodeIdentityChanged && !told) {
          told = true
          loop.refused?.(err.message)
        }
        continue // not back yet: the next attempt waits longer
      }
      if (loop.stopped()) return
      return loop.back()
    }
  }
  run().catch(() => undefined)
}
