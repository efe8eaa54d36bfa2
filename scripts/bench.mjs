// Runs every compiled benchmark (or those whose path contains an argument) one after another.
// Each prints one JSON line per figure on stdout and a human table on stderr.
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { spawnSync } from 'node:child_process'

const filters = process.argv.slice(2)
const files = readdirSync('dist/bench')
  .filter((f) => f.endsWith('.bench.js'))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort()
let failed = 0
for (const f of files) {
  console.error(`# ${f}`)
  const r = spawnSync(process.execPath, [join('dist/bench', f)], { stdio: 'inherit' })
  if (r.status !== 0) failed++
}
process.exit(failed ? 1 : 0)
