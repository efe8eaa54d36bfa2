import { formatPath } from './errors.js'

/**
 * Keys the original Tightrope shipped in its config at one time or another, which its final
 * version ignored. Unknown keys are refused (to catch typos), but these are the original's own, so
 * a config/local.json copied from it must still load: we drop them, as the original did, and say
 * so (except announceInterval, which is in the original's current default.json and harmless).
 */
interface Legacy {
  key: string
  note?: string
}

const TOP: Legacy[] = [
  { key: 'announceInterval' },
  { key: 'balance', note: 'the deadzone is limits.baseSettings.deadzone' },
  { key: 'refreshRateSeconds', note: 'polling is limits.baseSettings.refreshRate' }
]
const AUDIT: Legacy[] = [{ key: 'transactionLog', note: 'the log name is audit.transactionHistory' }]
const LIMITS: Legacy[] = [
  { key: 'nodeSettings', note: 'overrides go in limits.idSettings' },
  { key: 'channelSettings', note: 'overrides go in limits.idSettings' }
]
// The README still lists maxTransactionsPeriod; both limits count over limitsPeriod.
const SETTINGS: Legacy[] = [
  { key: 'maxTransactionsPeriod', note: 'both limits count over limitsPeriod' },
  { key: 'maxAmountPeriod', note: 'both limits count over limitsPeriod' }
]

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)

/** A copy of `raw` without the legacy keys (the input is not modified), and a warning for each. */
export function stripLegacyKeys(raw: unknown): { raw: unknown; warnings: string[] } {
  const warnings: string[] = []
  const strip = (obj: Obj, legacy: Legacy[], path: Array<string | number>): Obj => {
    const copy = { ...obj }
    for (const { key, note } of legacy) {
      if (!(key in copy)) continue
      delete copy[key]
      if (note)
        warnings.push(
          `${formatPath([...path, key])}: ignored (an older setting of the original Tightrope, which ignored it too); ${note}`
        )
    }
    return copy
  }
  if (!isObj(raw)) return { raw, warnings }
  const top = strip(raw, TOP, [])
  if (isObj(top.audit)) top.audit = strip(top.audit, AUDIT, ['audit'])
  if (isObj(top.limits)) {
    const limits = strip(top.limits, LIMITS, ['limits'])
    if (isObj(limits.baseSettings))
      limits.baseSettings = strip(limits.baseSettings, SETTINGS, ['limits', 'baseSettings'])
    if (Array.isArray(limits.idSettings)) {
      limits.idSettings = limits.idSettings.map((e: unknown, i) =>
        isObj(e) ? strip(e, SETTINGS, ['limits', 'idSettings', i]) : e
      )
    }
    top.limits = limits
  }
  return { raw: top, warnings }
}
