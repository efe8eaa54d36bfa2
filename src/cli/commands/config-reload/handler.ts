import { loadConfigFromFlags } from '../../config-flags.js'
import { findDaemon } from '../../daemon-client.js'
import { safeJson, safeText } from '../../../daemon/log-line.js'
import type { ConfigChange } from '../../../config/changes.js'
import type { ConfigReloadOptions } from './options.js'

interface EventPage {
  total: number
  entries: Array<{ type: string; [field: string]: unknown }>
}
const OUTCOMES = new Set(['config_reloaded', 'config_reload_refused', 'config_reload_error'])

export async function configReload(opts: ConfigReloadOptions): Promise<void> {
  // Invalid here: every problem printed (by the CLI's error path), nothing sent.
  const config = loadConfigFromFlags(opts)
  const daemon = await findDaemon(config)
  if (!daemon)
    throw new Error(
      `no daemon answers for this config (storage ${config.audit.storage.path}): is \`tightrope start\` running?`
    )
  if (daemon.pid === undefined)
    throw new Error(`${daemon.url} did not say its process id (api.json): send it SIGHUP yourself`)
  // The daemon's answer is the first reload event after the ones already in its log.
  const before = ((await daemon.get('/api/events?limit=1')) as EventPage).total
  process.kill(daemon.pid, 'SIGHUP')
  const until = Date.now() + opts.timeoutMs
  for (let offset = before; Date.now() < until; await new Promise((resolve) => setTimeout(resolve, 200))) {
    const page = (await daemon.get(`/api/events?offset=${offset}&limit=1000`)) as EventPage
    offset += page.entries.length
    const outcome = page.entries.find((e) => OUTCOMES.has(e.type))
    if (outcome) return report(outcome, opts.json)
  }
  throw new Error(
    `the daemon (pid ${daemon.pid}) did not confirm a reload within ${opts.timeoutMs / 1000} s: see its log`
  )
}

function report(event: { type: string; [field: string]: unknown }, json: boolean): void {
  if (json) console.log(safeJson(event, 2))
  if (event.type !== 'config_reloaded') {
    process.exitCode = 1
    if (json) return
    const errors = Array.isArray(event.errors) ? event.errors.map(String) : [String(event.error ?? 'unknown error')]
    console.log(
      `reload refused; the config in force is unchanged:\n${errors.map((e) => `  ${safeText(e)}`).join('\n')}`
    )
    return
  }
  if (json) return
  const applied = (event.applied ?? []) as ConfigChange[]
  const restart = (event.needsRestart ?? []) as ConfigChange[]
  const line = (c: ConfigChange): string =>
    `  ${safeText(c.path)}: ${safeText(c.from ?? '(none)')} -> ${safeText(c.to ?? '(none)')}`
  console.log(
    applied.length === 0 && restart.length === 0
      ? 'reloaded: nothing changed'
      : `reloaded: ${applied.length} change(s) in force now`
  )
  for (const c of applied) console.log(line(c))
  if (restart.length > 0)
    console.log(
      `${restart.length} change(s) need a restart (kept as they are until then):\n${restart.map(line).join('\n')}`
    )
}
