/** One benchmark figure: printed as a JSON line (for machines) and kept for the closing table. */
export interface Figure {
  name: string
  value: number
  unit: string
  params?: Record<string, unknown>
}

const figures: Figure[] = []

export function report(figure: Figure): void {
  figures.push(figure)
  console.log(JSON.stringify(figure))
}

export function printTable(): void {
  const rows = figures.map((f) => [
    f.name,
    String(Math.round(f.value * 1000) / 1000),
    f.unit,
    f.params ? JSON.stringify(f.params) : ''
  ])
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => (r[i] as string).length), 6))
  for (const r of rows) console.error(r.map((c, i) => c.padEnd(widths[i] as number)).join('  '))
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number
}
