import { loadConfigFromFlags } from '../../config-flags.js'
import { startInstance, type Instance } from '../../../app/instance.js'
import { onShutdown } from '../../shutdown.js'
import type { StartOptions } from './options.js'

export async function start(opts: StartOptions): Promise<void> {
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
  // SIGHUP (or `tightrope config reload`) re-reads the config; a bad one changes nothing.
  process.on('SIGHUP', () => {
    void starting.then(
      (instance) => reloadFromDisk(instance, opts),
      () => {
        /* the start failed or was aborted: nothing to reload */
      }
    )
  })
  // Aborted by a signal: onShutdown exits once everything stopped.
  await starting.catch((err: unknown) =>
    aborting.signal.aborted
      ? new Promise<never>(() => {
          /* never settles: onShutdown exits the process */
        })
      : Promise.reject(err)
  )
}

/** Loads and validates the config again, as at start; refused (and recorded) when invalid. */
async function reloadFromDisk(instance: Instance, opts: StartOptions): Promise<void> {
  let next
  try {
    next = loadConfigFromFlags(opts)
  } catch (err) {
    // The same messages as at start, one per problem; the config in force stays.
    const errors = String((err as Error).message)
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
    instance.daemon.emit('config_reload_refused', { errors, detail: 'the config in force is unchanged' })
    return
  }
  await instance
    .reload(next)
    .catch((err: unknown) => instance.daemon.emit('config_reload_error', { error: (err as Error).message }))
}
