import { resolve } from 'node:path'
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { loadConfig } from '../config/load.js'
import type { TightropeConfig } from '../config/schema.js'
import { UsageError } from './usage-error.js'

/** The flags every command that reads the config shares. */
export const CONFIG_FLAGS = {
  config: { type: 'string' },
  instance: { type: 'string' },
  help: { type: 'boolean', short: 'h' }
} as const

export interface ConfigFlags {
  config?: string
  instance?: string
}

/** parseArgs with our usage errors; the command's own options on top of the shared ones. */
export function parseFlags<O extends NonNullable<ParseArgsConfig['options']>>(
  argv: string[],
  options: O,
  positionals = false
) {
  try {
    return parseArgs({
      args: argv,
      options: { ...CONFIG_FLAGS, ...options },
      strict: true,
      allowPositionals: positionals
    })
  } catch (err) {
    throw new UsageError((err as Error).message)
  }
}

/** The shared flags' values, as options. */
export function configFlags(values: { config?: string | boolean; instance?: string | boolean }): ConfigFlags {
  return {
    ...(typeof values.config === 'string' ? { config: values.config } : {}),
    ...(typeof values.instance === 'string' ? { instance: values.instance } : {})
  }
}

export function loadConfigFromFlags(flags: ConfigFlags): TightropeConfig {
  return loadConfig({
    ...(flags.config ? { dir: resolve(flags.config) } : {}),
    ...(flags.instance ? { instance: flags.instance } : {})
  })
}
