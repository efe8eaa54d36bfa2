import { isBareDuration, parseDuration } from './duration.js'
import { formatPath } from './errors.js'
import { PLACEHOLDER_SECRET } from './defaults.js'
import type { TightropeConfig } from './types.js'

/**
 * Things that are valid, and behave as they did in the original, but are probably not what the
 * operator meant. They do not stop anything; loadConfig prints them.
 */
export function configWarnings(raw: unknown, config: TightropeConfig): string[] {
  const warnings: string[] = []
  const limits = field(raw, 'limits')
  const layers: Array<[Array<string | number>, unknown]> = [[['limits', 'baseSettings'], field(limits, 'baseSettings')]]
  const entries = field(limits, 'idSettings')
  if (Array.isArray(entries)) entries.forEach((e, i) => layers.push([['limits', 'idSettings', i], e]))

  // A bare number is milliseconds, as in the original; a small one was most likely meant as seconds
  // (older versions of the original wrote "minTimeBetweenPayments": 60).
  const suspicious: Array<[string, number]> = [
    ['minTimeBetweenPayments', 1000],
    ['limitsPeriod', 60_000]
  ]
  for (const [path, layer] of layers) {
    for (const [key, below] of suspicious) {
      const v = field(layer, key)
      if (!isBareDuration(v)) continue
      const r = parseDuration(v)
      if (r.ok && r.ms > 0 && r.ms < below) {
        warnings.push(
          `${formatPath([...path, key])}: ${JSON.stringify(v)} is read as ${r.ms} ms (a ` +
            `number without a unit is milliseconds, as in the original Tightrope); write ` +
            `"${String(v)}s" if you meant seconds`
        )
      }
    }
  }

  // The original used the first entry with a given id and ignored the rest; so do we.
  const firstIndex = new Map<string, number>()
  config.limits.idSettings.forEach((e, i) => {
    const first = firstIndex.get(e.id)
    if (first === undefined) firstIndex.set(e.id, i)
    else
      warnings.push(
        `limits.idSettings[${i}].id: ${JSON.stringify(e.id)} is also the id of limits.idSettings[${first}]; only that first entry is used`
      )
  })

  // The topic is derived from the secret and visible on the DHT: a short secret can be guessed offline.
  if (config.secret !== PLACEHOLDER_SECRET && config.secret.length < 16) {
    warnings.push(
      `secret: only ${config.secret.length} characters; anyone watching the DHT could ` +
        `guess it. Use a long random value (e.g. openssl rand -hex 32)`
    )
  }
  return warnings
}

function field(obj: unknown, key: string): unknown {
  return typeof obj === 'object' && obj !== null && !Array.isArray(obj)
    ? (obj as Record<string, unknown>)[key]
    : undefined
}
