import { configFlags, parseFlags, type ConfigFlags } from '../../config-flags.js'
import { UsageError } from '../../usage-error.js'
import { parseDuration } from '../../../config/duration.js'

export const help = `Usage: tightrope config reload [--config DIR] [--instance NAME] [--timeout 30s] [--json]

Makes the running daemon of this config read its config again, without a restart (the same as
sending it SIGHUP). The config is validated here first: if it is invalid, every problem is
printed, nothing is sent, and the daemon keeps the config in force. Limits (base and id settings),
notifications and the list of nodes apply at once; requests in flight finish under the settings
they started with. Changes to secret, swarm, api or audit need a restart and are reported as such.
Prints what changed, as the daemon recorded it (the event config_reloaded).

Options:
  --config DIR      config directory (default: $NODE_CONFIG_DIR or ./config)
  --instance NAME   load local-NAME.json too (like NODE_APP_INSTANCE)
  --timeout D       how long to wait for the daemon to confirm (default 30s)
  --json            print the daemon's event as JSON
  -h, --help        this help

Exit codes: 0 reloaded, 1 invalid config, no daemon, or no confirmation in time, 2 bad usage.
`

export interface ConfigReloadOptions extends ConfigFlags {
  json: boolean
  timeoutMs: number
}

export function parseConfigReload(argv: string[]): ConfigReloadOptions | 'help' {
  const { values } = parseFlags(argv, { json: { type: 'boolean' }, timeout: { type: 'string' } })
  if (values.help) return 'help'
  let timeoutMs = 30_000
  if (values.timeout !== undefined) {
    const d = parseDuration(values.timeout, 1000)
    if (!d.ok || d.ms < 1000 || d.ms > 600_000)
      throw new UsageError(`--timeout: expected a duration from 1s to 10m, got ${JSON.stringify(values.timeout)}`)
    timeoutMs = d.ms
  }
  return { ...configFlags(values), json: values.json ?? false, timeoutMs }
}
