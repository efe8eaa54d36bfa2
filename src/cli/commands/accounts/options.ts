import { configFlags, parseFlags, type ConfigFlags } from '../../config-flags.js'
import { UsageError } from '../../usage-error.js'
import { parseSince } from '../audit/options.js'

export const help = `Usage: tightrope accounts [--since WHEN] [--json|--csv] [--config DIR] [--instance NAME] [--url URL]

What this instance and each other operator (counterparty) paid each other, from our own ledger:
paid, received, net (positive: we paid more), per channel, the maxNetOutflowPerPeriod cap and how
much of it is used now, and whether the counterparty's statement agrees with our ledger.
Counterparties are shown by their name in config "counterparties", else by swarm key.
Asks the running daemon (found through the api.json in its storage directory, or --url).

Options:
  --since WHEN     payments concluded since: an ISO 8601 date, or a duration back ("1h", "7d")
  --json | --csv   output format (default: a table)
  --url URL        the daemon's API
  -h, --help       this help
`

export interface AccountsOptions extends ConfigFlags {
  since?: number
  url?: string
  format: 'table' | 'json' | 'csv'
}

export function parseAccounts(argv: string[], now = Date.now()): AccountsOptions | 'help' {
  const { values } = parseFlags(argv, {
    since: { type: 'string' },
    url: { type: 'string' },
    json: { type: 'boolean' },
    csv: { type: 'boolean' }
  })
  if (values.help) return 'help'
  if (values.json && values.csv) throw new UsageError('--json and --csv: choose one')
  return {
    ...configFlags(values),
    format: values.json ? 'json' : values.csv ? 'csv' : 'table',
    ...(values.since !== undefined ? { since: parseSince(values.since, now) } : {}),
    ...(values.url ? { url: values.url } : {})
  }
}
