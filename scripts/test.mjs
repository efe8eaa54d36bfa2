// Runs every compiled test file with node's test runner. Listing the files ourselves keeps the
// behaviour identical on Node 20, 22 and 24 (whose default globs and directory handling differ).
// Usage: node scripts/test.mjs [substring filter...]
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { spawnSync } from 'node:child_process'

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name)
    return statSync(p).isDirectory() ? walk(p) : [p]
  })
}
const filters = process.argv.slice(2)
const files = walk('dist/test')
  .filter((f) => f.endsWith('.test.js'))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort()
if (files.length === 0) {
  console.error('no test files matched')
  process.exit(1)
}
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=2', '--test-timeout=300000', ...files], {
  stdio: 'inherit'
})
process.exit(r.status ?? 1)
