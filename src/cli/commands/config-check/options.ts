import { configFlags, parseFlags, type ConfigFlags } from '../../config-flags.js'

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

export interface ConfigCheckOptions extends ConfigFlags {
  offline: boolean
  json: boolean
}

export function parseConfigCheck(argv: string[]): ConfigCheckOptions | 'help' {
  const { values } = parseFlags(argv, { offline: { type: 'boolean' }, json: { type: 'boolean' } })
  if (values.help) return 'help'
  return { ...configFlags(values), offline: values.offline ?? false, json: values.json ?? false }
}
