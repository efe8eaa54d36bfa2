import { resolve } from 'node:path'
import { loadConfig } from '../../../config/load.js'
import { startInstance } from '../../../daemon/instance.js'
import { onShutdown } from '../../shutdown.js'
import type { StartOptions } from './options.js'

export async function start (opts: StartOptions): Promise<void> {
  const config = loadConfig({ ...(opts.configDir ? { dir: resolve(opts.configDir) } : {}), ...(opts.instance ? { instance: opts.instance } : {}) })
  const instance = await startInstance(config, { dryRun: opts.dryRun })
  onShutdown(() => instance.stop())
}
