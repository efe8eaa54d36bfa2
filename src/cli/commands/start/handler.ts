import { loadConfigFromFlags } from '../../config-flags.js'
import { startInstance } from '../../../daemon/instance.js'
import { onShutdown } from '../../shutdown.js'
import type { StartOptions } from './options.js'

export async function start (opts: StartOptions): Promise<void> {
  const config = loadConfigFromFlags(opts)
  // Every file the daemon creates (the Corestore seed and history, api.json, the swarm key) is
  // readable by this user only, whatever library creates it.
  process.umask(0o077)
  const instance = await startInstance(config, { dryRun: opts.dryRun })
  onShutdown(() => instance.stop())
}
