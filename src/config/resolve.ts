import { SETTING_KEYS } from './schema.js'
import type { IdSettings, LimitsConfig, Settings } from './types.js'

/**
 * Which settings apply to one side of one channel. Layers, lowest first:
 *
 *   base           limits.baseSettings
 *   alias          the idSettings entry whose id is this side's node alias
 *   channel        the entry whose id is the channel id (both sides of the channel)
 *   alias:channel  the entry whose id is "alias:channelId" (this side only)
 *
 * Each layer overrides only the keys it sets. This is the original Tightrope's order; like it, when
 * two entries share an id only the first counts (validation warns about that).
 */
export type SettingsLayer = 'base' | 'alias' | 'channel' | 'alias:channel'

export interface ChannelSide {
  /** The alias of the node on this side (what GetInfo reports). */
  alias: string
  /** The channel id as Tightrope shows it ("712345x1234x0"). */
  channelId: string
}

export function resolveSettings(limits: LimitsConfig, side: ChannelSide): Settings {
  return resolveWithSources(limits, side).settings
}

/** For each setting, the layer its value in force comes from (for `tightrope config check`). */
export function settingsSource(limits: LimitsConfig, side: ChannelSide): Record<keyof Settings, SettingsLayer> {
  return resolveWithSources(limits, side).sources
}

export function resolveWithSources(
  limits: LimitsConfig,
  side: ChannelSide
): { settings: Settings; sources: Record<keyof Settings, SettingsLayer> } {
  const settings: Settings = { ...limits.baseSettings }
  // A setting that may be unset (maxNetOutflowPerPeriod) has a source only where it is set.
  const sources = Object.fromEntries(
    SETTING_KEYS.filter((k) => settings[k] !== undefined).map((k) => [k, 'base'])
  ) as Record<keyof Settings, SettingsLayer>
  for (const [layer, entry] of layersFor(limits.idSettings, side)) {
    for (const key of SETTING_KEYS) {
      const value = entry[key]
      if (value === undefined) continue
      ;(settings as unknown as Record<string, unknown>)[key] = value
      sources[key] = layer
    }
  }
  return { settings, sources }
}

/** The idSettings entries that apply to this side, lowest layer first. */
function layersFor(idSettings: IdSettings[], side: ChannelSide): Array<[SettingsLayer, IdSettings]> {
  const ids: Array<[SettingsLayer, string]> = [
    ['alias', side.alias],
    ['channel', side.channelId],
    ['alias:channel', `${side.alias}:${side.channelId}`]
  ]
  const out: Array<[SettingsLayer, IdSettings]> = []
  for (const [layer, id] of ids) {
    const entry = idSettings.find((e) => e.id === id)
    if (entry) out.push([layer, entry])
  }
  return out
}
