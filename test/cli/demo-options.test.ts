import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { parseDemo } from '../../src/cli/commands/demo/options.js'

describe('tightrope demo options', () => {
  it('--scenario FILE runs another scenario (e.g. the mixed LND/CLN one); without it, the readme story', () => {
    assert.deepEqual(parseDemo(['--scenario', 'scenarios/mixed.json', '--duration', '60s']), {
      scenarioFile: 'scenarios/mixed.json',
      durationMs: 60_000,
      seed: 20261124,
      json: false
    })
    assert.deepEqual(parseDemo([]), { seed: 20261124, json: false })
    assert.throws(() => parseDemo(['--scenario', '']), /--scenario: expected a file/)
  })
})
