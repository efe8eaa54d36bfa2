import type { ShareHistory } from './share-history.js'

export interface ShareSample {
  channelId: string
  node: string
  share: number
}

/** How often the live view is sampled (no RPC: the daemon's own latest balances). */
export const SAMPLE_MS = 10_000
/** How often the history is saved (and at stop). */
export const SAVE_MS = 60_000

/**
 * Feeds a ShareHistory from the daemon's live view every SAMPLE_MS and saves it every SAVE_MS.
 * Returns stop(), which takes a last sample and saves.
 */
export function startSampling(
  history: ShareHistory,
  sides: () => Iterable<ShareSample>,
  onSaveError: (err: Error) => void
): () => Promise<void> {
  const sample = (): void => {
    for (const s of sides()) history.record(s.channelId, s.node, s.share)
  }
  const save = (): Promise<void> => history.save().catch((err: Error) => onSaveError(err))
  const sampler = setInterval(sample, SAMPLE_MS)
  const saver = setInterval(() => {
    void save()
  }, SAVE_MS)
  sampler.unref()
  saver.unref()
  return async () => {
    clearInterval(sampler)
    clearInterval(saver)
    sample()
    await save()
  }
}
