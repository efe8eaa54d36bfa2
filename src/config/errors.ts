/**
 * A configuration that cannot be used. `problems` holds every problem found, one line each, in
 * the form `field.path[index].name: what was expected` (e.g.
 * `limits.idSettings[2].deadzone: expected a number between 0 and 0.5`), so an operator can fix
 * them all in one go instead of one restart per typo.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError'

  constructor(
    readonly problems: string[],
    readonly source?: string
  ) {
    super(`invalid configuration${source ? ` (${source})` : ''}:\n${problems.map((p) => `  ${p}`).join('\n')}`)
  }
}

/** ['limits', 'idSettings', 2, 'deadzone'] → "limits.idSettings[2].deadzone". */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>((acc, p) => {
    if (typeof p === 'number') return `${acc}[${p}]`
    return acc ? `${acc}.${String(p)}` : String(p)
  }, '')
}

/** One problem line. An empty path means the file as a whole. */
export function problemLine(path: ReadonlyArray<PropertyKey>, message: string): string {
  return `${formatPath(path) || '(config)'}: ${message}`
}
