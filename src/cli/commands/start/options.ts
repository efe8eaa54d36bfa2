import { parseArgs } from 'node:util'
import { UsageError } from '../../usage-error.js'

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

export interface StartOptions {
  configDir?: string
  instance?: string
  dryRun: boolean
}

export function parseStart (argv: string[]): StartOptions | 'help' {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        config: { type: 'string' },
        instance: { type: 'string' },
        'dry-run': { type: 'boolean' },
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
    dryRun: parsed.values['dry-run'] ?? false
  }
}
