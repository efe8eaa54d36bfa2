import type { DaemonEvent, Notification } from './classify.js'

/** How long a node or peer must stay gone before an operator is told. */
export const LOST_AFTER_MS = 60_000

/** Which events start and end an absence, per kind. Node events carry `node`, peer events `peer`. */
const GONE: Record<string, { kind: 'node_lost' | 'peer_lost'; field: string }> = {
  node_disconnected: { kind: 'node_lost', field: 'node' },
  node_lost: { kind: 'node_lost', field: 'node' },
  peer_disconnected: { kind: 'peer_lost', field: 'peer' }
}
const BACK: Record<string, string> = { node_reconnected: 'node', node_connected: 'node', peer_authenticated: 'peer' }

/**
 * Turns "gone" events into node_lost / peer_lost notifications once the node or peer has stayed
 * gone for `afterMs` (a restart of the peer or a blip of the node is not worth a message).
 */
export class LostWatch {
  private readonly timers = new Map<string, NodeJS.Timeout>()

  constructor(
    private readonly notify: (n: Notification) => void,
    private readonly afterMs = LOST_AFTER_MS
  ) {}

  handle(event: DaemonEvent): void {
    const gone = GONE[event.type]
    if (gone) {
      const who = String(event[gone.field] ?? '')
      const id = `${gone.kind}:${who}`
      if (this.timers.has(id)) return
      const timer = setTimeout(() => {
        this.timers.delete(id)
        this.notify({ kind: gone.kind, at: Date.now(), key: who, event })
      }, this.afterMs)
      timer.unref()
      this.timers.set(id, timer)
      return
    }
    const field = BACK[event.type]
    if (field === undefined) return
    const id = `${field === 'node' ? 'node_lost' : 'peer_lost'}:${String(event[field] ?? '')}`
    clearTimeout(this.timers.get(id))
    this.timers.delete(id)
  }

  stop(): void {
    for (const t of this.timers.values()) clearTimeout(t)
    this.timers.clear()
  }
}
