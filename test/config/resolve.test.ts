import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { resolveSettings, resolveWithSources, settingsSource, type SettingsLayer } from '../../src/config/resolve.js'
import { validateConfig } from '../../src/config/validate.js'
import type { Settings } from '../../src/config/types.js'
import { validConfig } from './fixtures.js'

const CH = '712345x1234x0'

// Each layer sets deadzone (so the winner is visible) plus one key of its own (so merging is).
const limits = validateConfig({
  ...validConfig(),
  limits: {
    baseSettings: { ...validConfig().limits.baseSettings, deadzone: 0.1, maxTransactionSize: 1_000_000 },
    idSettings: [
      { id: `Bob:${CH}`, deadzone: 0.05, balancePoint: 0.45 },
      { id: CH, deadzone: 0.2, maxTransactionSize: 250_000 },
      { id: 'Alice', deadzone: 0.3, minTimeBetweenPayments: '10m' },
      { id: 'Bob', deadzone: 0.25 },
      { id: 'Alice', deadzone: 0.45 } // a duplicate: ignored, the first 'Alice' counts
    ]
  }
}).limits

describe('settings resolution: base < alias < channel id < "alias:channelId"', () => {
  // [alias, channelId, expected values, expected sources]
  const cases: Array<[string, string, Partial<Settings>, Partial<Record<keyof Settings, SettingsLayer>>]> = [
    [
      'Carol',
      '999x1x0',
      { deadzone: 0.1, maxTransactionSize: 1_000_000, minTimeBetweenPayments: 60_000, balancePoint: 0.5 },
      { deadzone: 'base', maxTransactionSize: 'base' }
    ],
    [
      'Alice',
      '999x1x0',
      { deadzone: 0.3, minTimeBetweenPayments: 600_000, maxTransactionSize: 1_000_000 },
      { deadzone: 'alias', minTimeBetweenPayments: 'alias', maxTransactionSize: 'base' }
    ],
    [
      'Carol',
      CH,
      { deadzone: 0.2, maxTransactionSize: 250_000 },
      { deadzone: 'channel', maxTransactionSize: 'channel' }
    ],
    // channel id beats alias; the alias still supplies what the channel entry does not set
    [
      'Alice',
      CH,
      { deadzone: 0.2, maxTransactionSize: 250_000, minTimeBetweenPayments: 600_000, balancePoint: 0.5 },
      { deadzone: 'channel', minTimeBetweenPayments: 'alias', balancePoint: 'base' }
    ],
    // "alias:channelId" beats channel id, which beats alias
    [
      'Bob',
      CH,
      { deadzone: 0.05, balancePoint: 0.45, maxTransactionSize: 250_000, minTimeBetweenPayments: 60_000 },
      {
        deadzone: 'alias:channel',
        balancePoint: 'alias:channel',
        maxTransactionSize: 'channel',
        minTimeBetweenPayments: 'base'
      }
    ],
    ['Bob', '999x1x0', { deadzone: 0.25, balancePoint: 0.5 }, { deadzone: 'alias', balancePoint: 'base' }]
  ]
  for (const [alias, channelId, values, sources] of cases) {
    it(`${alias} on ${channelId}`, () => {
      const settings = resolveSettings(limits, { alias, channelId })
      const from = settingsSource(limits, { alias, channelId })
      for (const [k, v] of Object.entries(values)) assert.equal(settings[k as keyof Settings], v, `value of ${k}`)
      for (const [k, v] of Object.entries(sources)) assert.equal(from[k as keyof Settings], v, `source of ${k}`)
    })
  }

  it('every key has a value and a source', () => {
    const { settings, sources } = resolveWithSources(limits, { alias: 'Bob', channelId: CH })
    assert.deepEqual(Object.keys(settings).sort(), Object.keys(limits.baseSettings).sort())
    assert.deepEqual(Object.keys(sources).sort(), Object.keys(limits.baseSettings).sort())
  })

  it('"alias:channelId" sets one side only: the other side of the same channel is not affected', () => {
    assert.equal(resolveSettings(limits, { alias: 'Bob', channelId: CH }).balancePoint, 0.45)
    assert.equal(resolveSettings(limits, { alias: 'Alice', channelId: CH }).balancePoint, 0.5)
  })

  it('when two entries share an id, the first counts (as in the original)', () => {
    assert.equal(resolveSettings(limits, { alias: 'Alice', channelId: '1x1x1' }).deadzone, 0.3)
  })

  it('returns a fresh object: changing it does not change the config', () => {
    const s = resolveSettings(limits, { alias: 'Carol', channelId: '1x1x1' })
    s.deadzone = 0.49
    assert.equal(limits.baseSettings.deadzone, 0.1)
    assert.equal(resolveSettings(limits, { alias: 'Carol', channelId: '1x1x1' }).deadzone, 0.1)
  })
})
