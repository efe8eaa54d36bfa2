/**
 * CLN has no `wait` index for channels opened, closed or reconnected, nor for an HTLC held on its
 * way to us, so the adapter looks at listpeerchannels on a timer. Every 10 s regardless, that poll
 * was 6 of an idle CLN node's calls a minute (LND's streams cost none). It now backs off while
 * nothing happens and looks again soon after any sign of activity: a change the poll saw, or one a
 * `wait` long-poll reported (payments and forwards come with HTLC and channel changes).
 */

/** The interval after activity: what the poll was before it backed off. */
export const CHANNEL_POLL_MIN_MS = 10_000
/** The longest an idle node goes between looks: a channel opened to it is seen within this. */
export const CHANNEL_POLL_MAX_MS = 30_000

/** The wait before the next look, from the last one and whether anything happened since. */
export function nextChannelPollMs(previousMs: number, activity: boolean): number {
  if (activity) return CHANNEL_POLL_MIN_MS
  return Math.min(CHANNEL_POLL_MAX_MS, Math.max(CHANNEL_POLL_MIN_MS, previousMs * 2))
}
