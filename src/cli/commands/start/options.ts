import { configFlags, parseFlags, type ConfigFlags } from '../../config-flags.js'
import { LOG_FORMATS, type LogFormat } from '../../../daemon/log-line.js'
import { UsageError } from '../../usage-error.js'

export const help = `Usage: tightrope start [--config DIR] [--instance NAME] [--dry-run] [--log-format text|json]

Runs the Tightrope daemon for the Lightning nodes in the config: watches their channels and keeps
the ones shared with cluster nodes in balance. Stops cleanly on SIGINT/SIGTERM (work in flight
finishes and every log entry is written).

Options:
  --config DIR      config directory (default: $NODE_CONFIG_DIR or ./config); default.json, then
                    local.json and local-{instance}.json, as the original Tightrope read them
  --instance NAME   load local-NAME.json too (like NODE_APP_INSTANCE)
  --dry-run         decide and log everything, but never create invoices and never pay
  --log-format F    text (default): one 'time type key=value...' line per event; json: one JSON
                    object per line ({"time", "type", ...fields}), for log collectors and scripts
  -h, --help        this help

Environment: TIGHTROPE_SECRET overrides the config's secret.
`

export interface StartOptions extends ConfigFlags {
  dryRun: boolean
  logFormat: LogFormat
}

export function parseStart(argv: string[]): StartOptions | 'help' {
  const { values } = parseFlags(argv, { 'dry-run': { type: 'boolean' }, 'log-format': { type: 'string' } })
  if (values.help) return 'help'
  const logFormat = values['log-format'] ?? 'text'
  if (!(LOG_FORMATS as readonly string[]).includes(logFormat))
    throw new UsageError(`--log-format must be one of ${LOG_FORMATS.join(', ')}, got ${JSON.stringify(logFormat)}`)
  return { ...configFlags(values), dryRun: values['dry-run'] ?? false, logFormat: logFormat as LogFormat }
}
