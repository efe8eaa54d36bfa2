import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { SimCluster } from '../../src/sim/cluster.js'
import { validateConfig } from '../../src/config/load.js'
import { lightningNodeEntry } from '../../src/demo/node-entry.js'
import type { TightropeConfig } from '../../src/config/schema.js'

export interface ConfigOverrides {
  secret?: string
  baseSettings?: Record<string, unknown>
  idSettings?: unknown[]
  storage?: string
  verbose?: boolean
  apiHost?: string
  apiToken?: string
  /** Config `counterparties` (src/accounts). */
  counterparties?: unknown[]
}

/**
 * A config directory for a Tightrope instance managing some simulated nodes: the repository's
 * default.json plus a local.json, exactly as an operator would write them. Tests default to no
 * minimum time between payments and a 1 s safety-net poll.
 */
export async function writeConfigDir(
  dir: string,
  cluster: SimCluster,
  aliases: string[],
  o: ConfigOverrides = {}
): Promise<string> {
  const configDir = join(dir, 'config')
  await mkdir(configDir, { recursive: true })
  await writeFile(join(configDir, 'default.json'), await readFile(join(process.cwd(), 'config', 'default.json')))
  await writeFile(
    join(configDir, 'local.json'),
    JSON.stringify(
      {
        ...(o.secret ? { secret: o.secret } : {}),
        lightningNodes: aliases.map((a) => lightningNodeEntry(cluster.nodeConnection(a))),
        audit: { storage: { path: o.storage ?? join(dir, 'storage') }, verboseScreenLogging: o.verbose ?? true },
        limits: {
          baseSettings: { minTimeBetweenPayments: '0s', refreshRate: 1, ...o.baseSettings },
          idSettings: o.idSettings ?? []
        },
        swarm: { bootstrap: cluster.bootstrap },
        api: {
          host: '127.0.0.1',
          port: 0,
          ...(o.apiToken ? { token: o.apiToken } : {}),
          ...(o.apiHost ? { host: o.apiHost } : {})
        },
        ...(o.counterparties ? { counterparties: o.counterparties } : {})
      },
      null,
      2
    )
  )
  return configDir
}

/** Settings for in-process test instances: no minimum time between payments, a 1 s poll. */
export const TEST_SETTINGS = {
  maxTransactionSize: 1000000,
  minTimeBetweenPayments: '0s',
  limitsPeriod: '4h',
  useRollingLimitsPeriod: true,
  maxTransactionsPerPeriod: 50,
  maxAmountPerPeriod: 100000000,
  balancePoint: 0.5,
  deadzone: 0.1,
  refreshRate: 1
}

/** A validated config for an in-process instance managing some simulated nodes (API on a free port). */
export function instanceConfig(
  cluster: SimCluster,
  aliases: string[],
  storage: string,
  o: {
    secret?: string
    settings?: Record<string, unknown>
    api?: Record<string, unknown>
    verbose?: boolean
    shouldMask?: string[]
    notifications?: unknown[]
  } = {}
): TightropeConfig {
  return validateConfig({
    secret: o.secret ?? 'secret',
    lightningNodes: aliases.map((a) => lightningNodeEntry(cluster.nodeConnection(a))),
    audit: {
      storage: { path: storage },
      verboseScreenLogging: o.verbose ?? false,
      ...(o.shouldMask ? { shouldMask: o.shouldMask } : {})
    },
    limits: { baseSettings: { ...TEST_SETTINGS, ...o.settings } },
    swarm: { bootstrap: cluster.bootstrap },
    api: { host: '127.0.0.1', port: 0, ...o.api },
    ...(o.notifications ? { notifications: o.notifications } : {})
  })
}
