import { ConfigError } from './errors.js'
import { PLACEHOLDER_SECRET } from './defaults.js'
import type { TightropeConfig } from './types.js'

/**
 * The placeholder secret from default.json is a valid config value (the demo, tests and
 * `tightrope config check` use configs that never join a real swarm), but a daemon started for
 * real with it would share its topic with every other unconfigured install. So validation accepts
 * it, and `tightrope start` runs with it but stays off the swarm (the `swarm_disabled` event, in
 * src/app/instance.ts). assertReadyToStart is for a caller that must refuse such a config outright;
 * the daemon itself does not call it.
 */
export function secretProblem(secret: string): string | undefined {
  if (secret !== PLACEHOLDER_SECRET) return undefined
  return (
    `secret: expected your cluster's own long random secret, not the placeholder ` +
    `"${PLACEHOLDER_SECRET}" from default.json (set it in config/local.json or TIGHTROPE_SECRET)`
  )
}

/** Throws a ConfigError when the config must not be used to start a real daemon. */
export function assertReadyToStart(config: Pick<TightropeConfig, 'secret'>, source?: string): void {
  const problem = secretProblem(config.secret)
  if (problem !== undefined) throw new ConfigError([problem], source)
}
