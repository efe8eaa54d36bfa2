import { createRequire } from 'node:module'
import { randomBytes } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * The one place that touches the `config` package. We use its file loader, so the files, their
 * order and the merge (objects key by key, arrays replaced) are exactly what the original
 * Tightrope's users had, but not its process-wide singleton, so one process can load several
 * directories (tests, several instances).
 *
 * The loader reads its parameters (NODE_ENV, NODE_CONFIG_ENV, NODE_APP_INSTANCE, HOST/HOSTNAME,
 * NODE_CONFIG, custom-environment-variables, ...) from process.env. To load with another
 * environment we swap process.env for the duration of the call; the loader is synchronous, so
 * nothing else can observe the swap.
 */
const require = createRequire(import.meta.url)

interface ConfigUtil {
  loadFileConfigs: (dir?: string, options?: { skipConfigSources?: boolean }) => Record<string, unknown>
}

let util: ConfigUtil | undefined

function withProcessEnv<T>(env: NodeJS.ProcessEnv, fn: () => T): T {
  const saved = process.env
  process.env = env
  try {
    return fn()
  } finally {
    process.env = saved
  }
}

/**
 * Importing `config` builds its singleton at once from ./config (or $NODE_CONFIG_DIR): it warns
 * when that is empty, runs its NODE_ENV/NODE_APP_INSTANCE strictness checks, and throws if a file
 * there is broken. We never use the singleton, so it is built from a directory that does not exist
 * with a bare environment: no warning, no exception from an unrelated ./config.
 */
function configUtil(): ConfigUtil {
  if (!util) {
    const nowhere = join(tmpdir(), `tightrope-no-config-${randomBytes(8).toString('hex')}`)
    util = withProcessEnv(
      { SUPPRESS_NO_CONFIG_WARNING: 'y', NODE_CONFIG_DIR: nowhere },
      () => (require('config') as { util: ConfigUtil }).util
    )
  }
  return util
}

/**
 * Everything the `config` package would load from `dirs` (one directory, or several joined with
 * path.delimiter as NODE_CONFIG_DIR allows) given `env`, merged, not validated. Throws the
 * package's own error for a file it cannot parse.
 */
export function loadConfigFiles(dirs: string, env: NodeJS.ProcessEnv): Record<string, unknown> {
  const loader = configUtil()
  // Passing the directory through NODE_CONFIG_DIR rather than as an argument keeps the package's
  // full order: files, then $NODE_CONFIG, then custom-environment-variables, then runtime.json.
  return withProcessEnv({ ...env, NODE_CONFIG_DIR: dirs, SUPPRESS_NO_CONFIG_WARNING: 'y' }, () =>
    loader.loadFileConfigs(undefined, { skipConfigSources: true })
  )
}
