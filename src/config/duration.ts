/**
 * Durations as the original Tightrope wrote them: a number with an optional unit, "60s", "10m",
 * "4h", "1d", decimals allowed ("1.5h", ".5m"). We also accept "ms" (explicit, harmless).
 *
 * A bare number or numeric string ("250", 250) has no unit. The original read it as milliseconds
 * for minTimeBetweenPayments and limitsPeriod (its time-to-milliseconds helper) but as seconds for
 * refreshRate (it multiplied refreshRate by 1000), so the caller says which: `bareUnitMs` is 1 for
 * milliseconds, 1000 for seconds. A copied config then behaves exactly as it did.
 *
 * Where the original turned anything it could not read ("soon", "-5s", "4H") into 0 — which means
 * "no wait at all" — we refuse it with the reason. Results are whole milliseconds, rounded down
 * like the original's.
 */
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }
const PATTERN = /^(\d+(?:\.\d+)?|\.\d+)(ms|s|m|h|d)?$/

export const DURATION_EXPECTED = 'expected a duration like "60s", "10m", "4h" or "1d"'

export type DurationResult = { ok: true; ms: number } | { ok: false; error: string }

export function parseDuration(value: unknown, bareUnitMs = 1): DurationResult {
  const refuse = (): DurationResult => ({ ok: false, error: `${DURATION_EXPECTED}, got ${describe(value)}` })
  let amount: number
  let unitMs = bareUnitMs
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) return refuse()
    amount = value
  } else if (typeof value === 'string') {
    const m = PATTERN.exec(value)
    if (!m) return refuse()
    amount = Number(m[1])
    if (m[2] !== undefined) unitMs = UNIT_MS[m[2]] as number
  } else {
    return refuse()
  }
  const ms = Math.floor(amount * unitMs)
  // Beyond 2^53 ms (285,000 years) arithmetic on timestamps stops being exact.
  if (!Number.isSafeInteger(ms)) return { ok: false, error: `${DURATION_EXPECTED}, got ${describe(value)} (too long)` }
  return { ok: true, ms }
}

/** True when the value has no unit, i.e. its meaning depends on the field (see above). */
export function isBareDuration(value: unknown): boolean {
  return typeof value === 'number' || (typeof value === 'string' && /^(\d+(?:\.\d+)?|\.\d+)$/.test(value))
}

/** The shortest exact form: 60000 → "1m", 1500 → "1500ms". For showing settings to people. */
export function formatDuration(ms: number): string {
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000]
  ] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`
  }
  return ms === 0 ? '0s' : `${ms}ms`
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing'
  if (typeof value === 'number') return String(value)
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}
