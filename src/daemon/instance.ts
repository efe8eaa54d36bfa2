import { join, resolve } from 'node:path'
import { rename, rm, writeFile } from 'node:fs/promises'
import type { TightropeConfig } from '../config/schema.js'
import { resolveSettings } from '../config/resolve.js'
import { AuditLog } from '../ledger/audit-log.js'
import { ClusterSwarm } from '../swarm/cluster-swarm.js'
import { Daemon } from './daemon.js'
import { ApiServer, type ApiOptions } from '../api/server.js'

/** Events shown on the terminal when verboseScreenLogging is off: what an operator acts on. */
const QUIET_EVENTS = /^(starting|started|stopped|api_listening|node_|rebalanced|rebalance_not_done|payment_(refused|failed|succeeded)|peer_(authenticated|dropped|disconnected)|swarm_joined|.*error|.*unreachable)/

export interface Instance {
  daemon: Daemon
  swarm?: ClusterSwarm
  api?: ApiServer
  stop (): Promise<void>
}

export const PLACEHOLDER_SECRET = 'secret'
/** In the storage directory while the daemon runs: { url, pid } of its API. */
export const API_FILE = 'api.json'

/**
 * The composition root: config → audit ledger → daemon (nodes connect in the background, each on
 * its own) → API and api.json at once → swarm once every node answered or failed its first
 * attempt (bounded by the connect timeout), because the swarm's hello proves the nodes we have.
 * Stops in reverse order: API, swarm (no new requests), then the daemon, which flushes the ledger.
 * `signal` aborts a start under way (SIGTERM while starting): what was started is stopped.
 */
export async function startInstance (config: TightropeConfig, opts: { dryRun?: boolean; log?: (line: string) => void; swarm?: boolean; api?: boolean; signal?: AbortSignal } = {}): Promise<Instance> {
  const storagePath = resolve(config.audit.storage.path)
  const ledger = await AuditLog.open({
    storagePath,
    eventLogName: config.audit.eventLog,
    transactionLogName: config.audit.transactionHistory,
    shouldMask: config.audit.shouldMask
  })
  const print = opts.log ?? ((line: string) => console.log(line))
  const verbose = config.audit.verboseScreenLogging
  const daemon = await Daemon.start({
    nodes: config.lightningNodes,
    ledger,
    settingsFor: (alias, channelId) => resolveSettings(config.limits, { alias, channelId }),
    refreshRateMs: config.limits.baseSettings.refreshRate,
    ...(opts.dryRun ? { dryRun: true } : {}),
    log: (line) => { if (verbose || QUIET_EVENTS.test(line.split(' ')[1] ?? '')) print(line) }
  })
  let api: ApiServer | undefined
  let swarm: ClusterSwarm | undefined
  let stopping: Promise<void> | undefined
  const stopAll = (): Promise<void> => {
    stopping ??= (async () => {
      if (api) await rm(join(storagePath, API_FILE), { force: true })
      await api?.stop()
      await swarm?.stop()
      await daemon.stop()
    })()
    return stopping
  }
  let apiOptions: ApiOptions | undefined
  if (opts.api !== false) {
    try {
      const token = config.api.token ?? process.env.TIGHTROPE_API_TOKEN
      apiOptions = { host: config.api.host, port: config.api.port, daemon, ledger, ...(token ? { token } : {}) }
      api = await ApiServer.start(apiOptions)
      daemon.emit('api_listening', { url: api.url, dashboard: `${api.url}/` })
      // Where the CLI (status, audit) finds this daemon, whatever port it got.
      // Written whole then renamed: a reader never sees it half written.
      await writeFile(join(storagePath, `${API_FILE}.tmp`), JSON.stringify({ url: api.url, pid: process.pid }) + '\n', { mode: 0o600 })
      await rename(join(storagePath, `${API_FILE}.tmp`), join(storagePath, API_FILE))
    } catch (err) {
      await stopAll()
      throw err
    }
  }
  try {
    // Callers (and the swarm's hello) get an instance whose nodes each had their first attempt.
    await untilSettledOrAborted(daemon, opts.signal)
    if (opts.swarm !== false) {
      if (config.secret === PLACEHOLDER_SECRET) {
        daemon.emit('swarm_disabled', { reason: 'secret is still the placeholder "secret": set a long random secret (config/local.json or TIGHTROPE_SECRET) to join other instances' })
      } else {
        swarm = await ClusterSwarm.start({ secret: config.secret, bootstrap: config.swarm.bootstrap, keyFile: join(storagePath, 'swarm-key'), daemon })
        if (apiOptions) apiOptions.swarm = swarm // the API reads it on each request
      }
    }
    if (opts.signal?.aborted) throw new Error('start aborted')
  } catch (err) {
    await stopAll()
    throw err
  }
  return {
    daemon,
    ...(swarm ? { swarm } : {}),
    ...(api ? { api } : {}),
    stop: stopAll
  }
}

/** The daemon's first connection attempts, cut short by `signal` (a stop while starting). */
async function untilSettledOrAborted (daemon: Daemon, signal: AbortSignal | undefined): Promise<void> {
  if (signal?.aborted) throw new Error('start aborted')
  let onAbort: (() => void) | undefined
  try {
    await Promise.race([
      daemon.settled(),
      new Promise<never>((_resolve, reject) => {
        onAbort = () => reject(new Error('start aborted'))
        signal?.addEventListener('abort', onAbort, { once: true })
      })
    ])
  } finally {
    if (onAbort) signal?.removeEventListener('abort', onAbort)
  }
}
