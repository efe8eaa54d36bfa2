import { configFlags, parseFlags, type ConfigFlags } from '../../config-flags.js'

export const help = `Usage: tightrope start [--config DIR] [--instance NAME] [--dry-run]

Runs the Tightrope daemon for the Lightning nodes in the config: watches their channels and keeps
the ones shared with cluster nodes in balance. Stops cleanly on SIGINT/SIGTERM (work in flight
finishes and every log entry is written).

Options:
  --config DIR      config directory (default: $NODE_CONFIG_DIR or ./config); default.json, then
                    local.json and local-{instance}.json, as the original Tightrope read them
  --instance NAME   load local-NAME.json too (like NODE_APP_INSTANCE)
  --dry-run         decide and log everything, but never create invoices and never pay
  -h, --help        this help

Environment: TIGHTROPE_SECRET overrides the config's secret.
`

export interface StartOptions extends ConfigFlags { dryRun: boolean }

export function parseStart (argv: string[]): StartOptions | 'help' {
  const { values } = parseFlags(argv, { 'dry-run': { type: 'boolean' } })
  if (values.help) return 'help'
  return { ...configFlags(values), dryRun: values['dry-run'] ?? false }
}
