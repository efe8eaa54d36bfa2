import { resolve } from 'node:path'
import { SimCluster } from '../../../sim/cluster.js'
import { loadScenario } from '../../../sim/scenario.js'
import { onShutdown } from '../../shutdown.js'
import type { SimStartOptions } from './options.js'

export async function simStart(opts: SimStartOptions): Promise<void> {
  const scenario = loadScenario(opts.scenario)
  const dir = resolve(opts.dir)
  const started = Date.now()
  const cluster = await SimCluster.start({ scenario, dir, dht: opts.dht })
  const nodes = cluster.connections()
  console.log(
    `simulator ready in ${Date.now() - started} ms: ${nodes.length} nodes, ${cluster.channels().length} channels`
  )
  for (const n of nodes) {
    const where = n.implementation === 'lnd' ? n.socket : `${n.url} (cln)`
    console.log(`  ${n.alias.padEnd(8)} ${where.padEnd(16)} ${n.publicKey}`)
  }
  console.log(`control API  ${cluster.controlUrl}`)
  if (cluster.bootstrap.length) console.log(`DHT bootstrap ${cluster.bootstrap.join(', ')}`)
  console.log(`wrote ${dir}/nodes.json, control.json, swarm.json`)
  onShutdown(async () => {
    await cluster.stop()
  })
}
