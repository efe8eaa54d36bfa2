/**
 * The first position of `sorted` (non-decreasing) holding a value at or after `from`
 * (sorted.length when none): a binary search.
 */
export function firstAtOrAfter(sorted: readonly number[], from: number): number {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if ((sorted[mid] as number) < from) lo = mid + 1
    else hi = mid
  }
  return lo
}
