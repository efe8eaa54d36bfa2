import { isSecretKey } from '../core/secret-keys.js'
import { targetLabels, type NotificationTarget } from './notifications.js'
import { nodeEndpoint, type TightropeConfig } from './types.js'

/** One difference between two configs, with values as an operator may see them (never a secret). */
export interface ConfigChange {
  path: string
  from?: string
  to?: string
}

export interface ReloadPlan {
  /** Applied at once by a reload. */
  applied: ConfigChange[]
  /** Read only at start: kept as they are until the next restart. */
  needsRestart: ConfigChange[]
}

/** The parts of the config a running instance takes over on a reload; the rest needs a restart. */
const LIVE_SECTIONS = new Set(['limits', 'lightningNodes', 'notifications'])

/** A leaf: compared by its raw value, shown as `shown` (a secret is shown as '(secret)'). */
interface Leaf {
  raw: string
  shown: string
}

const leaf = (key: string, v: unknown): Leaf => {
  const raw = typeof v === 'string' ? v : (JSON.stringify(v) ?? 'undefined')
  return { raw, shown: isSecretKey(key) ? '(secret)' : raw }
}

function targetLabel(t: NotificationTarget, label: string): string {
  return `${label} (${t.events.join(', ')}${t.minTokens > 0 ? `; minTokens ${t.minTokens}` : ''})`
}

/** Leaves of a config by path. Lists become keyed entries so an edit is one change. */
function flatten(config: TightropeConfig): Map<string, Leaf> {
  const out = new Map<string, Leaf>()
  const walk = (prefix: string, v: unknown, key: string): void => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      for (const [k, child] of Object.entries(v)) walk(prefix ? `${prefix}.${k}` : k, child, k)
      return
    }
    if (v !== undefined) out.set(prefix, leaf(key, v))
  }
  const { lightningNodes, notifications, limits, ...rest } = config
  walk('', rest, '')
  walk('limits.baseSettings', limits.baseSettings, '')
  for (const s of limits.idSettings) {
    const { id, ...overrides } = s
    walk(`limits.idSettings[${id}]`, overrides, '')
  }
  // A node is known by its endpoint (LND's socket, clnrest's URL); new credentials for it are a
  // change, never shown.
  for (const n of lightningNodes)
    out.set(`lightningNodes[${nodeEndpoint(n)}]`, { raw: JSON.stringify(n), shown: `${n.type} (credentials)` })
  // A target is known by what it shows; its secret (or the URL's path) is compared, never shown.
  const labels = targetLabels(notifications)
  notifications.forEach((t, i) =>
    out.set(`notifications[${targetLabel(t, labels[i] ?? '')}]`, { raw: JSON.stringify(t), shown: 'on' })
  )
  return out
}

/** What a reload from `current` to `next` changes, and which of it waits for a restart. Pure. */
export function planReload(current: TightropeConfig, next: TightropeConfig): ReloadPlan {
  const a = flatten(current)
  const b = flatten(next)
  const plan: ReloadPlan = { applied: [], needsRestart: [] }
  for (const path of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    const from = a.get(path)
    const to = b.get(path)
    if (from?.raw === to?.raw) continue
    // The same shown value on both sides means a secret (or credentials) changed.
    const same = from !== undefined && to !== undefined && from.shown === to.shown
    const shownTo = to && same ? to.shown.replace(/\)$/, ', changed)') : to?.shown
    const change: ConfigChange = {
      path,
      ...(from ? { from: from.shown } : {}),
      ...(shownTo !== undefined ? { to: shownTo } : {})
    }
    const section = path.split(/[.[]/)[0] as string
    ;(LIVE_SECTIONS.has(section) ? plan.applied : plan.needsRestart).push(change)
  }
  return plan
}

/** `next` with the sections that need a restart kept from `current`: what a reload puts in force. */
export function inForceAfterReload(current: TightropeConfig, next: TightropeConfig): TightropeConfig {
  return { ...current, limits: next.limits, lightningNodes: next.lightningNodes, notifications: next.notifications }
}
