import { createRequire } from 'node:module'
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { configSchema, type TightropeConfig } from './schema.js'
import { ConfigError, formatPath } from './errors.js'

const require = createRequire(import.meta.url)

export interface LoadOptions {
  /** The config directory; default $NODE_CONFIG_DIR or ./config, as the `config` package does. */
  dir?: string
  /** NODE_APP_INSTANCE for this load (local-{instance}.json); default from the environment. */
  instance?: string
  env?: NodeJS.ProcessEnv
}

/**
 * Reads the files the way the `config` package does (default.json, then {NODE_ENV}.json, local.json,
 * local-{NODE_APP_INSTANCE}.json, ...; objects merged, arrays replaced) from any directory, without
 * global state, so tests and several instances can each load their own. Then validates everything.
 */
export function loadConfig (opts: LoadOptions = {}): TightropeConfig {
  const env = opts.env ?? process.env
  const dir = resolve(opts.dir ?? env.NODE_CONFIG_DIR ?? join(process.cwd(), 'config'))
  if (!existsSync(dir)) throw new ConfigError([`config directory ${dir} does not exist`])
  const raw = readFiles(dir, opts.instance ?? env.NODE_APP_INSTANCE)
  if (env.TIGHTROPE_SECRET) raw.secret = env.TIGHTROPE_SECRET
  return validateConfig(raw, dir)
}

export function validateConfig (raw: unknown, source?: string): TightropeConfig {
  const result = configSchema.safeParse(raw)
  if (result.success) return result.data
  const problems = result.error.issues.map((issue) => {
    const path = formatPath(issue.path) || '(config)'
    if (issue.code === 'unrecognized_keys') return `${path}: unknown setting${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}${hint(issue.keys)}`
    return `${path}: ${issue.message}`
  })
  throw new ConfigError(problems, source)
}

function hint (keys: string[]): string {
  if (keys.includes('maxTransactionsPeriod')) return ' (did you mean "maxTransactionsPerPeriod"?)'
  return ''
}

/** The `config` package's own loader, with NODE_APP_INSTANCE set for just this call. */
function readFiles (dir: string, instance: string | undefined): Record<string, unknown> {
  const saved = { instance: process.env.NODE_APP_INSTANCE, warn: process.env.SUPPRESS_NO_CONFIG_WARNING }
  process.env.SUPPRESS_NO_CONFIG_WARNING = 'y'
  if (instance === undefined) delete process.env.NODE_APP_INSTANCE
  else process.env.NODE_APP_INSTANCE = instance
  try {
    const config = require('config') as { util: { loadFileConfigs: (dir: string) => Record<string, unknown> } }
    return structuredClone(config.util.loadFileConfigs(dir))
  } catch (err) {
    throw new ConfigError([`cannot read the config files in ${dir}: ${(err as Error).message}`])
  } finally {
    if (saved.instance === undefined) delete process.env.NODE_APP_INSTANCE
    else process.env.NODE_APP_INSTANCE = saved.instance
    if (saved.warn === undefined) delete process.env.SUPPRESS_NO_CONFIG_WARNING
    else process.env.SUPPRESS_NO_CONFIG_WARNING = saved.warn
  }
}
