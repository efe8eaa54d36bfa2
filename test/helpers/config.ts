import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { SimCluster } from '../../src/sim/cluster.js'

/**
 * A config directory for a Tightrope instance managing some simulated nodes: the repository's
 * default.json plus a local.json, exactly as an operator would write them.
 */
export async function writeConfigDir (dir: string, cluster: SimCluster, aliases: string[], local: Record<string, unknown> = {}): Promise<string> {
  const configDir = join(dir, 'config')
  await mkdir(configDir, { recursive: true })
  await writeFile(join(configDir, 'default.json'), await readFile(join(process.cwd(), 'config', 'default.json')))
  const baseSettings = { minTimeBetweenPayments: '0s', refreshRate: 1, ...((local.baseSettings as object | undefined) ?? {}) }
  const { baseSettings: _ignored, ...rest } = local
  await writeFile(join(configDir, 'local.json'), JSON.stringify({
    lightningNodes: aliases.map((a) => { const c = cluster.connection(a); return { type: 'lnd', cert: c.cert, macaroon: c.macaroon, socket: c.socket } }),
    audit: { storage: { path: join(dir, 'storage') }, verboseScreenLogging: true },
    limits: { baseSettings },
    swarm: { bootstrap: cluster.bootstrap },
    ...rest
  }, null, 2))
  return configDir
}
