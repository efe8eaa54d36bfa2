import { join, resolve } from 'node:path'
import { rename, rm, writeFile } from 'node:fs/promises'
import { hostname } from 'node:os'
import type { TightropeConfig } from '../config/schema.js'
import type { Settings } from '../config/types.js'
import { resolveSettings } from '../config/resolve.js'
import { settingsForCounterparty } from '../accounts/settings.js'
import { startAccounts, type AccountsService } from '../accounts/service.js'
import { DEFAULT_API_PORT, PLACEHOLDER_SECRET } from '../config/defaults.js'
import { AuditLog } from '../ledger/audit-log.js'
import { storagePermissionProblems } from '../ledger/open-store.js'
import { ClusterSwarm } from '../swarm/cluster-swarm.js'
import { Daemon } from '../daemon/daemon.js'
import { ApiServer, type ApiOptions } from '../api/server.js'
import { Notifier } from '../notify/notifier.js'
import { swarmHost } from './swarm-host.js'
import { eventLine, type LogFormat } from '../daemon/log-line.js'
import { EVENT_CATALOGUE, type EventSink } from '../core/events.js'
import { inForceAfterReload, planReload, type ReloadPlan } from '../config/changes.js'
import { ShareHistory } from '../history/share-history.js'
import { startSampling } from '../history/sampler.js'

export interface Instance {
  daemon: Daemon
  notifier: Notifier
  swarm?: ClusterSwarm
  api?: ApiServer
  /**
   * Takes over a new, already validated config: limits (base and id settings, refreshRate
   * included), notifications and the list of nodes apply at once; what only start reads (secret,
   * swarm, api, audit, counterparties) is reported as needing a restart and left as it is. Requests in flight
   * finish under the settings they started with. Recorded as a `config_reloaded` event.
   */
  reload(next: TightropeConfig): Promise<ReloadPlan>
  accounts: AccountsService
  stop(): Promise<void>
}

/** In the storage directory while the daemon runs: { url, pid } of its API. */
export const API_FILE = 'api.json'
/** In the storage directory: each channel side's share over time (the dashboard's charts). */
export const HISTORY_FILE = 'share-history.json'

/**
 * The composition root: config → audit ledger → notifier → daemon (nodes connect in the
 * background, each on its own) → API and api.json at once → swarm once every node answered or
 * failed its first attempt (bounded by the connect timeout), because the swarm's hello proves the
 * nodes we have. Stops in reverse order: API, swarm (no new requests), the daemon, which flushes
 * the ledger, then the notifier (which delivers 'stopped'). `signal` aborts a start under way
 * (SIGTERM while starting): what was started is stopped.
 */
export async function startInstance(
  config: TightropeConfig,
  opts: {
    dryRun?: boolean
    log?: (line: string) => void
    logFormat?: LogFormat
    swarm?: boolean
    api?: boolean
    signal?: AbortSignal
    pollOnly?: boolean
  } = {}
): Promise<Instance> {
  const storagePath = resolve(config.audit.storage.path)
  // Checked before opening: a directory we create is private, one that already existed may not be.
  const tooOpen = await storagePermissionProblems(storagePath)
  const ledger = await AuditLog.open({
    storagePath,
    eventLogName: config.audit.eventLog,
    transactionLogName: config.audit.transactionHistory,
    shouldMask: config.audit.shouldMask
  })
  const print = opts.log ?? ((line: string) => console.log(line))
  const verbose = config.audit.verboseScreenLogging
  // Said now, not once the nodes answer (the daemon may wait for them for a long time).
  const format = opts.logFormat ?? 'text'
  for (const problem of tooOpen)
    print(
      eventLine(
        { type: 'storage_permissions_too_open', at: Date.now(), problem, fix: `chmod -R go-rwx ${storagePath}` },
        format
      )
    )
  // What is in force: a reload replaces it (settingsFor reads it on every decision).
  let current = config
  // Created first, so it sees 'started'; its own failures become events once the daemon exists.
  // Always there (with no targets it sends nothing), so a reload can add targets.
  let emit: EventSink = () => {
    /* until the daemon exists: the notifier fails no delivery before 'starting' */
  }
  const notifier = new Notifier({
    targets: config.notifications,
    instance: hostname(),
    emit: (type, fields) => emit(type, fields)
  })
  // What the payer applies to a request: the channel side's settings, a counterparty's own cap.
  const settingsFor = (alias: string, channelId: string, counterparty?: string): Settings =>
    settingsForCounterparty(resolveSettings(current.limits, { alias, channelId }), current.counterparties, counterparty)
  const daemon = await Daemon.start({
    nodes: config.lightningNodes,
    ledger,
    settingsFor,
    refreshRateMs: config.limits.baseSettings.refreshRate,
    ...(opts.dryRun ? { dryRun: true } : {}),
    ...(opts.pollOnly ? { pollOnly: true } : {}), // benchmark only
    // Without verboseScreenLogging, the terminal shows what an operator acts on (the catalogue says which).
    log: (event) => {
      if (verbose || EVENT_CATALOGUE[event.type].screen) print(eventLine(event, format))
    },
    onEvent: (event) => notifier.handle(event)
  }).catch(async (err: unknown) => {
    await notifier.stop()
    throw err
  })
  emit = daemon.emit
  const accounts = await startAccounts({
    config,
    ledger,
    daemon,
    storagePath,
    // The accounts report shows the cap the payer applies on each channel with the counterparty.
    settingsFor: (counterparty, side) =>
      side === undefined
        ? settingsForCounterparty(current.limits.baseSettings, current.counterparties, counterparty)
        : settingsFor(daemon.nodes.get(side.localPublicKey)?.identity.alias ?? '', side.channelId, counterparty)
  }).catch(async (err: unknown) => {
    await daemon.stop()
    await notifier.stop()
    throw err
  })
  const history = await ShareHistory.open(join(storagePath, HISTORY_FILE))
  const stopSampling = startSampling(
    history,
    () =>
      [...daemon.rebalancer.sides.values()].map((s) => ({
        channelId: s.channelId,
        node: s.localAlias,
        share: s.share
      })),
    (err) => daemon.emit('history_save_error', { error: err.message })
  )
  // A decision carries the share it was made on: a point at once, not at the next sample.
  daemon.events.on('event', (e: { type: string; channelId?: unknown; node?: unknown; share?: unknown; at: number }) => {
    if (
      e.type === 'decision' &&
      typeof e.channelId === 'string' &&
      typeof e.node === 'string' &&
      typeof e.share === 'number'
    )
      history.record(e.channelId, e.node, e.share, e.at)
  })
  let api: ApiServer | undefined
  let swarm: ClusterSwarm | undefined
  let stopping: Promise<void> | undefined
  const stopAll = (): Promise<void> => {
    stopping ??= (async () => {
      if (api) await rm(join(storagePath, API_FILE), { force: true })
      await api?.stop()
      await swarm?.stop()
      await accounts.stop()
      await stopSampling()
      await daemon.stop()
      await notifier.stop()
    })()
    return stopping
  }
  let apiOptions: ApiOptions | undefined
  if (opts.api !== false) {
    try {
      // The token comes from the config loader only (it applies TIGHTROPE_API_TOKEN and checks it).
      const token = config.api.token
      // A port the operator chose is that port or an error; the default gives way to a free port,
      // so two instances from configs without an api section can share a host.
      apiOptions = {
        host: config.api.host,
        port: config.api.port ?? DEFAULT_API_PORT,
        fallbackToFreePort: config.api.port === undefined,
        daemon,
        ledger,
        ...(token ? { token } : {}),
        notifications: () => notifier.stats(),
        history,
        accounts
      }
      api = await ApiServer.start(apiOptions)
      if (api.portTaken !== undefined)
        daemon.emit('api_port_taken', {
          port: api.portTaken,
          listening: api.url,
          detail: `port ${api.portTaken} is in use (another instance?), so the API listens on ${api.url}; set api.port to choose one`
        })
      daemon.emit('api_listening', { url: api.url, dashboard: `${api.url}/` })
      // Where the CLI (status, audit) finds this daemon, whatever port it got.
      // Written whole, then renamed: a reader never sees it empty or half written.
      const tmp = join(storagePath, `${API_FILE}.${process.pid}.tmp`)
      await writeFile(tmp, JSON.stringify({ url: api.url, pid: process.pid }) + '\n', { mode: 0o600 })
      await rename(tmp, join(storagePath, API_FILE))
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
        daemon.emit('swarm_disabled', {
          reason:
            'secret is still the placeholder "secret": set a long random secret ' +
            '(config/local.json or TIGHTROPE_SECRET) to join other instances'
        })
      } else {
        swarm = await ClusterSwarm.start({
          secret: config.secret,
          bootstrap: config.swarm.bootstrap,
          keyFile: join(storagePath, 'swarm-key'),
          host: swarmHost(daemon),
          accounts
        })
        if (apiOptions) apiOptions.swarm = swarm // the API reads it on each request
      }
    }
    if (opts.signal?.aborted) throw new Error('start aborted')
  } catch (err) {
    await stopAll()
    throw err
  }
  let reloading: Promise<unknown> = Promise.resolve()
  const reload = (next: TightropeConfig): Promise<ReloadPlan> => {
    const run = reloading.then(async () => {
      const plan = planReload(current, next)
      current = inForceAfterReload(current, next)
      daemon.setRefreshRate(current.limits.baseSettings.refreshRate)
      notifier.setTargets(current.notifications)
      const nodes = daemon.setNodes(current.lightningNodes)
      daemon.emit('config_reloaded', { applied: plan.applied, needsRestart: plan.needsRestart })
      await nodes
      daemon.reevaluateAll() // decisions made under the old settings are made again
      return plan
    })
    reloading = run.catch(() => {
      /* the caller of this reload gets its error; the next one still runs */
    })
    return run
  }
  return {
    daemon,
    notifier,
    ...(swarm ? { swarm } : {}),
    ...(api ? { api } : {}),
    reload,
    accounts,
    stop: stopAll
  }
}

/** The daemon's first connection attempts, cut short by `signal` (a stop while starting). */
async function untilSettledOrAborted(daemon: Daemon, signal: AbortSignal | undefined): Promise<void> {
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
