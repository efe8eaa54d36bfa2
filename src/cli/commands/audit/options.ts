import { configFlags, parseFlags, type ConfigFlags } from '../../config-flags.js'
import { UsageError } from '../../usage-error.js'
import { parseDuration } from '../../../config/duration.js'

export const help = `Usage: tightrope audit events|transactions [--since WHEN] [--type T] [--channel ID]
                        [--limit N] [--json|--csv] [--verify] [--config DIR] [--instance NAME]

Reads the Hypercore audit logs: through the running daemon if there is one, otherwise directly
from the storage directory (read only, nothing is written).

Options:
  --since WHEN     an ISO 8601 date, or a duration back from now ("1h", "2d")
  --type T         events of this type only (events)
  --channel ID     entries of this channel only (transactions)
  --limit N        at most N entries, the newest (default 1000)
  --json | --csv   output format (default: a line per entry)
  --verify         check both logs' integrity (Merkle tree and every entry); exit 1 on a problem
  -h, --help       this help
`

export interface AuditOptions extends ConfigFlags {
  log: 'events' | 'transactions'
  since?: number
  type?: string
  channel?: string
  limit: number
  format: 'lines' | 'json' | 'csv'
  verify: boolean
}

export function parseAudit(argv: string[], now = Date.now()): AuditOptions | 'help' {
  const { values, positionals } = parseFlags(
    argv,
    {
      since: { type: 'string' },
      type: { type: 'string' },
      channel: { type: 'string' },
      limit: { type: 'string' },
      json: { type: 'boolean' },
      csv: { type: 'boolean' },
      verify: { type: 'boolean' }
    },
    true
  )
  if (values.help) return 'help'
  const log = positionals[0]
  if (log !== 'events' && log !== 'transactions')
    throw new UsageError(`expected "events" or "transactions", got ${log ? `"${log}"` : 'nothing'}`)
  if (positionals.length > 1) throw new UsageError(`unexpected argument "${positionals[1]}"`)
  if (values.json && values.csv) throw new UsageError('--json and --csv: choose one')
  const since = values.since !== undefined ? parseSince(values.since, now) : undefined
  const limit = values.limit === undefined ? 1000 : Number(values.limit)
  if (!Number.isInteger(limit) || limit < 1 || limit > 100_000)
    throw new UsageError(`--limit: expected a whole number from 1 to 100000, got "${values.limit}"`)
  return {
    log,
    limit,
    verify: values.verify ?? false,
    format: values.json ? 'json' : values.csv ? 'csv' : 'lines',
    ...(since !== undefined ? { since } : {}),
    ...(values.type ? { type: values.type } : {}),
    ...(values.channel ? { channel: values.channel } : {}),
    ...configFlags(values)
  }
}

/** --since: an ISO 8601 date, or a duration back from now ("1h", "2d"); ms since epoch. */
export function parseSince(value: string, now: number): number {
  const back = parseDuration(value, 1000)
  const at = Date.parse(value)
  if (/[smhd]$/.test(value) && back.ok) return now - back.ms
  if (Number.isFinite(at)) return at
  throw new UsageError(`--since: expected an ISO 8601 date or a duration like "1h", got "${value}"`)
}
