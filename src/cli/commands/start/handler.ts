import { loadConfigFromFlags } from '../../config-flags.js'
import { startInstance } from '../../../app/instance.js'
import { onShutdown } from '../../shutdown.js'
import type { StartOptions } from './options.js'

export async function start (opts: StartOptions): Promise<void> {
  const config = loadConfigFromFlags(opts)
  // Every file the daemon creates (the Corestore seed and history, api.json, the swarm key) is
  // readable by this user only, whatever library creates it.
  process.umask(0o077)
  // Signals are handled from the first moment: a SIGTERM while nodes are still connecting aborts
  // the start and stops what it started, instead of waiting for the start to finish.
  const aborting = new AbortController()
  const starting = startInstance(config, { dryRun: opts.dryRun, logFormat: opts.logFormat, signal: aborting.signal })
  onShutdown(async () => {
    aborting.abort()
    const instance = await starting.catch(() => undefined)
    await instance?.stop()
  })
  // Aborted by a signal: onShutdown exits once everything stopped.
  await starting.catch((err: unknown) => aborting.signal.aborted ? new Promise<never>(() => { /* never settles: onShutdown exits the process */ }) : Promise.reject(err))
}
