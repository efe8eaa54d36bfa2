import type { Settings } from './types.js'
import type { Limits } from './schema.js'

export type SettingsLayer = 'base' | 'alias' | 'channel' | 'alias:channel'

/**
 * The settings in force for one side of a channel. Later layers override only the keys they set:
 * baseSettings < node alias < channel id < "alias:channelId" (each side of a channel can differ).
 */
export function resolveSettings (limits: Limits, side: { alias: string; channelId: string }): Settings {
  return resolveWithSources(limits, side).settings
}

/** The same, with the layer each setting came from (for `tightrope config check` and the status API). */
export function resolveWithSources (limits: Limits, side: { alias: string; channelId: string }): { settings: Settings; sources: Record<keyof Settings, SettingsLayer> } {
  const settings = { ...limits.baseSettings } as Settings
  const sources = Object.fromEntries(Object.keys(settings).map((k) => [k, 'base'])) as Record<keyof Settings, SettingsLayer>
  const layers: Array<[SettingsLayer, string]> = [['alias', side.alias], ['channel', side.channelId], ['alias:channel', `${side.alias}:${side.channelId}`]]
  for (const [layer, id] of layers) {
    for (const entry of limits.idSettings) {
      if (entry.id !== id) continue
      for (const [k, v] of Object.entries(entry)) {
        if (k === 'id' || v === undefined) continue
        ;(settings as unknown as Record<string, unknown>)[k] = v
        sources[k as keyof Settings] = layer
      }
    }
  }
  return { settings, sources }
}
