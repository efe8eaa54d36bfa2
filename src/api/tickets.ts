import { randomBytes } from 'node:crypto'

/**
 * Stream tickets: the dashboard's live stream uses EventSource, which cannot send an Authorization
 * header. The page asks GET /api/stream-ticket with its bearer token and opens
 * /api/stream?ticket=... with the answer. A ticket is random, works once and only for TICKET_MS, so
 * the URL that may land in a log is worthless by the time anyone reads it.
 */
export const TICKET_MS = 30_000
/** Outstanding tickets at most (only authorized callers get one; this bounds even a buggy one). */
const MAX_TICKETS = 100

export class StreamTickets {
  private readonly tickets = new Map<string, number>()

  issue(now = Date.now()): { ticket: string; expiresInSeconds: number } {
    this.prune(now)
    if (this.tickets.size >= MAX_TICKETS) {
      const oldest = this.tickets.keys().next().value
      if (oldest !== undefined) this.tickets.delete(oldest)
    }
    const ticket = randomBytes(24).toString('base64url')
    this.tickets.set(ticket, now + TICKET_MS)
    return { ticket, expiresInSeconds: TICKET_MS / 1000 }
  }

  /** Spends the ticket: true once, while it is fresh. */
  redeem(ticket: string, now = Date.now()): boolean {
    const until = this.tickets.get(ticket)
    this.tickets.delete(ticket)
    return until !== undefined && now <= until
  }

  private prune(now: number): void {
    for (const [t, until] of this.tickets) if (until < now) this.tickets.delete(t)
  }
}
