/**
 * The safety-net poll (config `refreshRate`) is for nodes whose event streams cannot be trusted
 * yet. LND's channel, invoice and HTLC streams report every balance change, so a node whose
 * streams are live is evaluated on its events, plus a slow backstop in case a stream went silent
 * without an error; polling every node at `refreshRate` regardless was most of an idle daemon's
 * LND load. A stream that fails with an error makes the node lost: it is re-subscribed when it is
 * back, and polled again at `refreshRate` until the new streams have settled.
 */

/**
 * Streams younger than this many refresh periods may have missed a change while they were being
 * set up: the first tick after (re)subscribing evaluates the node (ticks are one period apart).
 */
export const SETTLE_PERIODS = 1
/** The longest a node with live streams goes without an evaluation (unless refreshRate is longer). */
export const BACKSTOP_MS = 10 * 60_000

export interface PollInput {
  now: number
  refreshRateMs: number
  /** When the node's current event streams were opened; undefined when it has none. */
  streamsSince?: number
  /** When the node's channels were last evaluated, for any reason. */
  lastEvaluatedAt?: number
}

/** Should this tick of the safety-net poll evaluate the node? */
export function pollDue(i: PollInput): boolean {
  if (i.streamsSince === undefined) return true
  if (i.now - i.streamsSince < SETTLE_PERIODS * i.refreshRateMs) return true
  return i.lastEvaluatedAt === undefined || i.now - i.lastEvaluatedAt >= Math.max(BACKSTOP_MS, i.refreshRateMs)
}
