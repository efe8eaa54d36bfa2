import type Hypercore from 'hypercore'

/** Blocks read in parallel: a sequential get() per block is ~4x slower than batches of this size. */
const CHUNK = 256

export type Slot<T> = { index: number; value: T } | { index: number; error: Error }

/**
 * Every local block in [start, end), in order, each either decoded or with the reason it could not
 * be (missing, or not the JSON we wrote). One bad block does not hide the others.
 */
export async function* readRange<T>(core: Hypercore<T>, start: number, end: number): AsyncGenerator<Slot<T>> {
  for (let from = start; from < end; from += CHUNK) {
    const to = Math.min(end, from + CHUNK)
    const reads: Array<Promise<Slot<T>>> = []
    for (let index = from; index < to; index++) reads.push(readSlot(core, index))
    for (const slot of await Promise.all(reads)) yield slot
  }
}

/** The blocks at `indexes` (a page's worth), read in parallel, in the order given. */
export function readAt<T>(core: Hypercore<T>, indexes: readonly number[]): Promise<Array<Slot<T>>> {
  return Promise.all(indexes.map((index) => readSlot(core, index)))
}

function readSlot<T>(core: Hypercore<T>, index: number): Promise<Slot<T>> {
  return core.get(index, { wait: false }).then(
    (value): Slot<T> =>
      value === null ? { index, error: new Error('block is not in local storage') } : { index, value },
    (err: unknown): Slot<T> => ({ index, error: err instanceof Error ? err : new Error(String(err)) })
  )
}

export interface Page<T> {
  /** How many entries match the filter (before offset and limit). */
  total: number
  /** Oldest first; `index` is the entry's position in its log. */
  entries: Array<T & { index: number }>
}

export interface PageQuery {
  offset?: number
  limit?: number
}

/** Negative or fractional paging makes no sense; treat it as the nearest sensible value. */
export function pageBounds(q: PageQuery): { offset: number; limit: number } {
  const offset = Math.max(0, Math.floor(q.offset ?? 0))
  const limit = Math.max(0, Math.floor(q.limit ?? Number.MAX_SAFE_INTEGER))
  return { offset, limit }
}
