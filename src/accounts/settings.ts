import type { CounterpartyConfig, Settings } from '../config/types.js'

/**
 * The settings for a request from a counterparty: the channel's own, with the counterparty's
 * maxNetOutflowPerPeriod (config `counterparties`) in place of the channel's when it sets one.
 */
export function settingsForCounterparty(
  settings: Settings,
  counterparties: readonly CounterpartyConfig[],
  key: string | undefined
): Settings {
  if (key === undefined) return settings
  const cap = counterparties.find((c) => c.swarmKey === key)?.maxNetOutflowPerPeriod
  return cap === undefined ? settings : { ...settings, maxNetOutflowPerPeriod: cap }
}
