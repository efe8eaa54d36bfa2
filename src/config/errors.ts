/** Every problem found in a config, one line each: `path: what was expected`. */
export class ConfigError extends Error {
  constructor (readonly problems: string[], source?: string) {
    super(`${source ? `invalid configuration (${source}):` : 'invalid configuration:'}\n${problems.map((p) => `  ${p}`).join('\n')}`)
  }
}

export function formatPath (path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>((acc, p) => typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p), '')
}
