import { loadConfigFromFlags } from '../../config-flags.js'
import { startInstance } from '../../../daemon/instance.js'
import { onShutdown } from '../../shutdown.js'
import type { StartOptions } from './options.js'

export async function start (opts: StartOptions): Promise<void> {
  const config = loadConfigFromFlags(opts)
  const instance = await startInstance(config, { dryRun: opts.dryRun })
  onShutdown(() => instance.stop())
}
