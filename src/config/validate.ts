import { configSchema } from './schema.js'
import { ConfigError } from './errors.js'
import { fallbackMessage, issueLines } from './format-issues.js'
import { stripLegacyKeys } from './legacy.js'
import { configWarnings } from './warnings.js'
import type { TightropeConfig } from './types.js'

export type CheckResult =
  { ok: true; config: TightropeConfig; warnings: string[] } | { ok: false; problems: string[]; warnings: string[] }

/**
 * Validates an already-merged config object (what the files add up to). Never throws: returns the
 * typed config, or every problem at once. Warnings come either way.
 */
export function checkConfig(input: unknown): CheckResult {
  const { raw, warnings } = stripLegacyKeys(input)
  const result = configSchema.safeParse(raw, { error: fallbackMessage })
  if (!result.success) return { ok: false, problems: issueLines(result.error.issues), warnings }
  return { ok: true, config: result.data, warnings: [...warnings, ...configWarnings(raw, result.data)] }
}

export interface ValidateOptions {
  /** Named in the error message, e.g. the config directory. */
  source?: string
  /** Receives each warning line; default: ignored (loadConfig prints them). */
  onWarning?: (line: string) => void
}

/** checkConfig, throwing a ConfigError with every problem. */
export function validateConfig(input: unknown, opts: ValidateOptions = {}): TightropeConfig {
  const r = checkConfig(input)
  for (const w of r.warnings) opts.onWarning?.(w)
  if (!r.ok) throw new ConfigError(r.problems, opts.source)
  return r.config
}
