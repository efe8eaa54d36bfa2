import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parseAccounts } from '../../src/cli/commands/accounts/options.js'
import { UsageError } from '../../src/cli/usage-error.js'

test('tightrope accounts: options', () => {
  const now = Date.UTC(2026, 0, 10)
  const cases: Array<[string[], unknown]> = [
    [[], { format: 'table' }],
    [['--json'], { format: 'json' }],
    [['--csv', '--since', '7d'], { format: 'csv', since: now - 7 * 86_400_000 }],
    [
      ['--since', '2026-01-01T00:00:00Z', '--url', 'http://127.0.0.1:8470'],
      { format: 'table', since: Date.UTC(2026, 0, 1), url: 'http://127.0.0.1:8470' }
    ]
  ]
  for (const [argv, expected] of cases) {
    const got = parseAccounts(argv, now)
    assert.notEqual(got, 'help')
    const { format, since, url } = got as { format: string; since?: number; url?: string }
    assert.deepEqual(
      { format, ...(since !== undefined ? { since } : {}), ...(url !== undefined ? { url } : {}) },
      expected,
      argv.join(' ')
    )
  }
  assert.equal(parseAccounts(['--help']), 'help')
  assert.throws(() => parseAccounts(['--json', '--csv']), UsageError)
  assert.throws(() => parseAccounts(['--since', 'yesterday']), UsageError)
})
