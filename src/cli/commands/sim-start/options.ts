import { parseArgs } from 'node:util'
import { UsageError } from '../../usage-error.js'
import { DEFAULT_SCENARIO } from '../../../package-root.js'

export const help = `Usage: tightrope sim start [--scenario FILE] [--dir DIR] [--no-dht]

Starts a simulated Lightning network that LND clients cannot tell from LND: one gRPC server per
node on 127.0.0.1 (TLS + macaroon), a local Hyperswarm DHT bootstrap node and a control HTTP API.
When everything is ready it writes, atomically:
  DIR/nodes.json    [{ alias, publicKey, socket, cert, macaroon }] for lightningNodes[]
  DIR/control.json  { url } of the control API
  DIR/swarm.json    { bootstrap: ["127.0.0.1:PORT"] } for swarm.bootstrap
Runs until SIGINT/SIGTERM, then stops everything.

Options:
  --scenario FILE   scenario JSON (default: the package's scenarios/readme-example.json)
  --dir DIR         where to write the files above (default: .sim)
  --no-dht          do not start the DHT bootstrap node
  -h, --help        this help
`

export interface SimStartOptions {
  scenario: string
  dir: string
  dht: boolean
}

export function parseSimStart(argv: string[]): SimStartOptions | 'help' {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        scenario: { type: 'string' },
        dir: { type: 'string' },
        'no-dht': { type: 'boolean' },
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
    scenario: parsed.values.scenario ?? DEFAULT_SCENARIO,
    dir: parsed.values.dir ?? '.sim',
    dht: !parsed.values['no-dht']
  }
}
