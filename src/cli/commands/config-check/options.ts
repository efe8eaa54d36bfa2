import { parseArgs } from 'node:util'
import { UsageError } from '../../usage-error.js'

export const help = `Usage: tightrope config check [--config DIR] [--instance NAME] [--offline] [--json]

Validates the configuration (every problem on its own line, naming the field) and prints the
settings in force for every node and channel, with the layer each value comes from
(base < alias < channel < alias:channel). Connects to each node to list its channels.

Options:
  --config DIR      config directory (default: $NODE_CONFIG_DIR or ./config)
  --instance NAME   load local-NAME.json too (like NODE_APP_INSTANCE)
  --offline         only validate and print the base settings and overrides; connect to nothing
  --json            machine-readable output
  -h, --help        this help

Exit codes: 0 valid (and every node reachable), 1 invalid or a node unreachable, 2 bad usage.
`

export interface ConfigCheckOptions { configDir?: string; instance?: string; offline: boolean; json: boolean }

export function parseConfigCheck (argv: string[]): ConfigCheckOptions | 'help' {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        config: { type: 'string' },
        instance: { type: 'string' },
        offline: { type: 'boolean' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' }
      },
      strict: true,
      allowPositionals: false
    })
  } catch (err) {
    throw new UsageError((err as Error).message)
  }
  if (parsed.values.help) return 'help'
  return {
    ...(parsed.values.config ? { configDir: parsed.values.config } : {}),
    ...(parsed.values.instance ? { instance: parsed.values.instance } : {}),
    offline: parsed.values.offline ?? false,
    json: parsed.values.json ?? false
  }
}
