import { parseArgs } from 'node:util'
import { UsageError } from '../../usage-error.js'
import { parseDuration } from '../../../config/duration.js'

export const help = `Usage: tightrope demo [--scenario FILE] [--duration 60s] [--seed N] [--json]

Runs the spec's story on this machine with nothing to configure: the simulated Lightning network
(scenarios/readme-example.json) with a local DHT, Alice's instance (A, B) and Bob's (C, D, E) as
separate processes with generated configs and a shared secret, background traffic that pushes
channels out of balance, and after a while Bob's new channel E-B. The terminal shows each
channel's balance and each rebalance as it happens, and the dashboards' URLs. Ctrl-C stops
everything cleanly.

Options:
  --scenario FILE  another scenario (e.g. scenarios/mixed.json: B and C on Core Lightning);
                 its nodes' "operator" fields say whose instance runs them
  --duration D   run for D ("60s", "5m") without the live view, then print a summary and exit:
                 0 when every watched channel is inside its deadzone and no fee was paid
  --seed N       traffic seed (default 20261124): the same seed, the same traffic
  --json         with --duration: print the summary as JSON
  -h, --help     this help
`

export interface DemoOptions {
  scenarioFile?: string
  durationMs?: number
  seed: number
  json: boolean
}

export function parseDemo(argv: string[]): DemoOptions | 'help' {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        scenario: { type: 'string' },
        duration: { type: 'string' },
        seed: { type: 'string' },
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
  let durationMs: number | undefined
  if (parsed.values.duration !== undefined) {
    const d = parseDuration(parsed.values.duration, 1000)
    if (!d.ok) throw new UsageError(`--duration: ${d.error}`)
    if (d.ms < 30_000) throw new UsageError('--duration: at least 30s (the instances need time to start and settle)')
    durationMs = d.ms
  }
  const seed = parsed.values.seed === undefined ? 20261124 : Number(parsed.values.seed)
  if (!Number.isSafeInteger(seed) || seed < 0)
    throw new UsageError(`--seed: expected a whole number, got "${parsed.values.seed}"`)
  const scenarioFile = parsed.values.scenario
  if (scenarioFile === '') throw new UsageError('--scenario: expected a file')
  return {
    ...(scenarioFile !== undefined ? { scenarioFile } : {}),
    ...(durationMs !== undefined ? { durationMs } : {}),
    seed,
    json: parsed.values.json ?? false
  }
}
