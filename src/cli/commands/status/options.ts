import { configFlags, parseFlags, type ConfigFlags } from '../../config-flags.js'

export const help = `Usage: tightrope status [--config DIR] [--instance NAME] [--url URL] [--json]

Shows what the running daemon is doing and why: its nodes (any not connected on its own line with
its state, socket and last error), peers, and every watched channel with
its local share, thresholds and next action ("waiting: minTimeBetweenPayments until 12:04:10").
The daemon is found through the api.json it keeps in its storage directory (or --url).

Options:
  --config DIR, --instance NAME   which config (and so which daemon)
  --url URL                       the daemon's API, e.g. http://127.0.0.1:8470
  --json                          the raw status
  -h, --help                      this help
`

export interface StatusOptions extends ConfigFlags {
  url?: string
  json: boolean
}

export function parseStatus(argv: string[]): StatusOptions | 'help' {
  const { values } = parseFlags(argv, { url: { type: 'string' }, json: { type: 'boolean' } })
  if (values.help) return 'help'
  return { ...configFlags(values), ...(values.url ? { url: values.url } : {}), json: values.json ?? false }
}
