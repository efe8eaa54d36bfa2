import type { StatementEntry, StatementProblem } from './types.js'

/** How long a payment of ours may be absent from their synced statement before it counts as missing. */
export const STATEMENT_GRACE_MS = 60_000

export interface CompareInput {
  /** Our concluded payments with this counterparty (concludedPayments), from our side. */
  ours: readonly StatementEntry[]
  /** Hashes of payments with it still in flight or requested on our side: not judged yet. */
  open: ReadonlySet<string>
  /** Their statement's entries, from their side. */
  theirs: readonly StatementEntry[]
  /** When their statement was last brought up to date from them (ms); undefined: never. */
  syncedAt?: number
  graceMs?: number
}

const flip = (d: StatementEntry['direction']): StatementEntry['direction'] => (d === 'paid' ? 'received' : 'paid')
const describe = (e: StatementEntry): string => `${e.direction} ${e.tokens} sat on ${e.channelId}, ${e.outcome}`

/**
 * Where their statement disagrees with our ledger. Each of their entries is read from our side
 * (their 'paid' is our 'received'). A succeeded payment they list that we never had is 'unknown';
 * the same hash with another channel, amount, direction, or a success against our failure, is a
 * 'mismatch'; a payment we have as succeeded that they do not list, although their statement was
 * synced more than graceMs after it concluded, is 'missing'. Failures only they know of are not
 * judged (a request we never saw costs us nothing).
 */
export function compareStatement(input: CompareInput): StatementProblem[] {
  const grace = input.graceMs ?? STATEMENT_GRACE_MS
  const ours = new Map(input.ours.map((e) => [e.paymentHash, e]))
  const seen = new Map<string, StatementEntry>()
  const problems: StatementProblem[] = []
  for (const raw of input.theirs) {
    const e = { ...raw, direction: flip(raw.direction) }
    const before = seen.get(e.paymentHash)
    if (before !== undefined) {
      if (describe(before) !== describe(e))
        problems.push({
          kind: 'mismatch',
          paymentHash: e.paymentHash,
          detail: `listed twice: ${describe(before)}, then ${describe(e)}`
        })
      continue
    }
    seen.set(e.paymentHash, e)
    const mine = ours.get(e.paymentHash)
    if (mine === undefined) {
      if (e.outcome === 'succeeded' && !input.open.has(e.paymentHash))
        problems.push({
          kind: 'unknown',
          paymentHash: e.paymentHash,
          detail: `they list a payment we have no record of (${describe(e)} from our side)`
        })
      continue
    }
    const differs =
      mine.channelId !== e.channelId ||
      mine.tokens !== e.tokens ||
      mine.direction !== e.direction ||
      (mine.outcome !== e.outcome && (mine.outcome === 'succeeded' || e.outcome === 'succeeded'))
    if (differs)
      problems.push({
        kind: 'mismatch',
        paymentHash: e.paymentHash,
        detail: `ours: ${describe(mine)}; theirs: ${describe(e)}`
      })
  }
  if (input.syncedAt !== undefined) {
    for (const mine of input.ours) {
      if (mine.outcome !== 'succeeded' || seen.has(mine.paymentHash)) continue
      if (input.syncedAt - mine.at > grace)
        problems.push({
          kind: 'missing',
          paymentHash: mine.paymentHash,
          detail: `their statement does not list our ${describe(mine)} at ${new Date(mine.at).toISOString()}`
        })
    }
  }
  return problems
}

/** A statement entry as read from a peer's core: exactly these fields, each within its bounds. */
export function parseStatementEntry(v: unknown): StatementEntry | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined
  const o = v as Record<string, unknown>
  if (Object.keys(o).length !== 6) return undefined
  const ok =
    typeof o.paymentHash === 'string' &&
    /^[0-9a-f]{64}$/.test(o.paymentHash) &&
    typeof o.channelId === 'string' &&
    /^\d{1,10}x\d{1,10}x\d{1,5}$/.test(o.channelId) &&
    Number.isSafeInteger(o.tokens) &&
    (o.tokens as number) > 0 &&
    (o.direction === 'paid' || o.direction === 'received') &&
    Number.isSafeInteger(o.at) &&
    (o.at as number) >= 0 &&
    (o.outcome === 'succeeded' || o.outcome === 'failed')
  return ok
    ? {
        paymentHash: o.paymentHash as string,
        channelId: o.channelId as string,
        tokens: o.tokens as number,
        direction: o.direction as StatementEntry['direction'],
        at: o.at as number,
        outcome: o.outcome as StatementEntry['outcome']
      }
    : undefined
}
