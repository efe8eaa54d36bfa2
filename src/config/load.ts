import { existsSync, readdirSync, statSync } from 'node:fs'
import { delimiter, parse, resolve } from 'node:path'
import { loadConfigFiles } from './config-package.js'
import { ConfigError } from './errors.js'
import { checkConfig } from './validate.js'
import type { TightropeConfig } from './types.js'

export { validateConfig, checkConfig } from './validate.js'
export type { TightropeConfig }

export interface LoadOptions {
  /** The config directory (or several joined with ':'); default $NODE_CONFIG_DIR, else ./config. */
  dir?: string
  /** Adds local-{instance}.json etc.; default $NODE_APP_INSTANCE. */
  instance?: string
  /** The environment the files are loaded with; default process.env. */
  env?: NodeJS.ProcessEnv
  /** Receives each warning line; default: printed on stderr. */
  onWarning?: (line: string) => void
}

/**
 * Loads and validates the configuration, the way the original Tightrope's `config` package did:
 * default.json, then {NODE_ENV}.json, local.json, local-{NODE_APP_INSTANCE}.json and the package's
 * other files (see config-package.ts), merged with objects key by key and arrays replaced (a
 * lightningNodes in local.json replaces default.json's). Then the environment overrides:
 *
 *   TIGHTROPE_SECRET     replaces `secret`, so the secret need not sit in a file
 *   TIGHTROPE_API_TOKEN  replaces `api.token`
 *
 * No global state: each call reads its own directory and environment. Throws a ConfigError with
 * every problem found.
 */
export function loadConfig(opts: LoadOptions = {}): TightropeConfig {
  const env = opts.env ?? process.env
  const onWarning =
    opts.onWarning ??
    ((line: string) => {
      console.error(`tightrope: config warning: ${line}`)
    })
  const dirs = configDirs(opts.dir ?? env.NODE_CONFIG_DIR)
  const source = dirs.join(delimiter)
  const missing = dirs.filter((d) => !existsSync(d) || !statSync(d).isDirectory())
  if (missing.length > 0) {
    throw new ConfigError(
      missing.map((d) => `config directory ${d} does not exist (set NODE_CONFIG_DIR or pass --config DIR)`)
    )
  }
  const instance = opts.instance ?? env.NODE_APP_INSTANCE
  const problems: string[] = []
  if (env.NODE_CONFIG !== undefined) {
    try {
      JSON.parse(env.NODE_CONFIG)
    } catch (err) {
      problems.push(
        `NODE_CONFIG: expected JSON (it overrides the config files), got an error: ${withoutQuotedText((err as Error).message)}`
      )
    }
  }
  if (problems.length > 0) throw new ConfigError(problems, source)

  let raw: Record<string, unknown>
  try {
    raw = loadConfigFiles(source, { ...env, NODE_APP_INSTANCE: instance || undefined })
  } catch (err) {
    throw new ConfigError(
      [`cannot read the config files in ${source}: ${withoutQuotedText((err as Error).message)}`],
      source
    )
  }
  if (instance && !hasInstanceFile(dirs, instance)) {
    onWarning(
      `instance "${instance}": no file for it in ${source} (e.g. local-${instance}.json), so it loads the same files as no instance`
    )
  }

  const fromEnv = applyEnvOverrides(raw, env, problems)
  const r = checkConfig(raw)
  for (const w of r.warnings) onWarning(w)
  if (!r.ok) problems.push(...r.problems.map((p) => annotateEnv(p, fromEnv)))
  if (problems.length > 0 || !r.ok) throw new ConfigError(problems, source)
  return r.config
}

/** The directories to read, absolute; relative ones are from the current directory. */
export function configDirs(dir: string | undefined): string[] {
  return (dir || 'config')
    .split(delimiter)
    .filter((d) => d !== '')
    .map((d) => resolve(d))
}

const ENV_OVERRIDES = [
  { name: 'TIGHTROPE_SECRET', path: ['secret'] },
  { name: 'TIGHTROPE_API_TOKEN', path: ['api', 'token'] }
] as const

/** Puts the env overrides into `raw`; returns the names of the fields they set. */
function applyEnvOverrides(
  raw: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
  problems: string[]
): Map<string, string> {
  const set = new Map<string, string>()
  for (const { name, path } of ENV_OVERRIDES) {
    const value = env[name]
    if (value === undefined) continue
    // An empty variable is almost always a templating slip; using the file's value would hide it.
    if (value === '') {
      problems.push(`${name}: expected a value (unset it to use the config file's ${path.join('.')})`)
      continue
    }
    let obj: Record<string, unknown> | undefined = raw
    for (const key of path.slice(0, -1)) {
      if (obj[key] === undefined) obj[key] = {}
      const next: unknown = obj[key]
      // Not an object: leave it for validation to report ("api: expected an object ...").
      obj =
        typeof next === 'object' && next !== null && !Array.isArray(next)
          ? (next as Record<string, unknown>)
          : undefined
      if (!obj) break
    }
    if (!obj) continue
    obj[path[path.length - 1] as string] = value
    set.set(path.join('.'), name)
  }
  return set
}

/** "secret: expected ..." → "secret (from TIGHTROPE_SECRET): expected ..." when the env set it. */
function annotateEnv(line: string, fromEnv: Map<string, string>): string {
  for (const [field, name] of fromEnv) {
    if (line.startsWith(`${field}: `)) return `${field} (from ${name}): ${line.slice(field.length + 2)}`
  }
  return line
}

/** Whether any file in the directories is for this instance ({anything}-{instance}.{ext}). */
function hasInstanceFile(dirs: string[], instance: string): boolean {
  return dirs.some((d) => readdirSync(d).some((f) => parse(f).name.endsWith(`-${instance}`)))
}

/**
 * A JSON syntax error quotes the text around the error (`Unexpected token 'a', ..."secret": abc"...
 * is not valid JSON`), which may be part of a secret or macaroon: these messages reach the audit
 * log (a refused reload) and the terminal, so only the error's kind and position are kept.
 */
export function withoutQuotedText(message: string): string {
  return message
    .replace(/, "[\s\S]*" is not valid JSON/, ' (the text around it is not shown)')
    .replace(/\.\.\."[\s\S]*?"\.\.\./g, '...')
}
