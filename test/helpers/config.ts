import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { SimCluster } from '../../src/sim/cluster.js'

export interface ConfigOverrides {
  secret?: string
  baseSettings?: Record<string, unknown>
  idSettings?: unknown[]
  storage?: string
  verbose?: boolean
  apiHost?: string
  apiToken?: string
}

/**
 * A config directory for a Tightrope instance managing some simulated nodes: the repository's
 * default.json plus a local.json, exactly as an operator would write them. Tests default to no
 * minimum time between payments and a 1 s safety-net poll.
 */
export async function writeConfigDir (dir: string, cluster: SimCluster, aliases: string[], o: ConfigOverrides = {}): Promise<string> {
  const configDir = join(dir, 'config')
  await mkdir(configDir, { recursive: true })
  await writeFile(join(configDir, 'default.json'), await readFile(join(process.cwd(), 'config', 'default.json')))
  await writeFile(join(configDir, 'local.json'), JSON.stringify({
    ...(o.secret ? { secret: o.secret } : {}),
    lightningNodes: aliases.map((a) => { const c = cluster.connection(a); return { type: 'lnd', cert: c.cert, macaroon: c.macaroon, socket: c.socket } }),
    audit: { storage: { path: o.storage ?? join(dir, 'storage') }, verboseScreenLogging: o.verbose ?? true },
    limits: { baseSettings: { minTimeBetweenPayments: '0s', refreshRate: 1, ...o.baseSettings }, idSettings: o.idSettings ?? [] },
    swarm: { bootstrap: cluster.bootstrap },
    api: { host: '127.0.0.1', port: 0, ...(o.apiToken ? { token: o.apiToken } : {}), ...(o.apiHost ? { host: o.apiHost } : {}) }
  }, null, 2))
  return configDir
}
