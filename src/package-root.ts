import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * Where the installed package lives (this file compiles to dist/src/package-root.js), so files that
 * ship with it (scenarios/, config/default.json, bin/) are found from a global install as from a
 * clone, whatever the working directory.
 */
export const PACKAGE_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')

/** The CLI launcher, for the processes the demo starts. */
export const BIN_PATH = join(PACKAGE_ROOT, 'bin', 'tightrope.js')

/** The scenario the demo and `sim start` run when none is given. */
export const DEFAULT_SCENARIO = join(PACKAGE_ROOT, 'scenarios', 'readme-example.json')

/** The version in package.json, read once. */
export const VERSION: string = (
  JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }
).version
