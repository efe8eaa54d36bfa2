/**
 * Durations as the original Tightrope wrote them: "60s", "10m", "4h", "1d", decimals allowed
 * ("1.5h"). A bare number (or numeric string) is milliseconds, as in the original, except where a
 * field says otherwise (refreshRate: seconds). Anything else is refused, never read as 0.
 */
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }
const PATTERN = /^(\d+(?:\.\d+)?|\.\d+)\s*(s|m|h|d)?$/

export type DurationResult = { ok: true; ms: number } | { ok: false; error: string }

export function parseDuration (value: unknown, bareUnitMs = 1): DurationResult {
  const expected = 'expected a duration like "60s", "10m", "4h" or "1d"'
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) return { ok: false, error: `${expected}, got ${value}` }
    return { ok: true, ms: Math.floor(value * bareUnitMs) }
  }
  if (typeof value !== 'string') return { ok: false, error: `${expected}, got ${JSON.stringify(value)}` }
  const m = PATTERN.exec(value.trim())
  if (!m) return { ok: false, error: `${expected}, got ${JSON.stringify(value)}` }
  const unit = m[2] ? UNIT_MS[m[2]] as number : bareUnitMs
  return { ok: true, ms: Math.floor(Number(m[1]) * unit) }
}

export function formatDuration (ms: number): string {
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`
  }
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`
}
