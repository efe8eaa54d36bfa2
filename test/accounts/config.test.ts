import { test } from 'node:test'
import assert from 'node:assert/strict'
import { validateConfig } from '../../src/config/load.js'
import { resolveSettings } from '../../src/config/resolve.js'
import { node, problemsOf } from '../config/fixtures.js'

const BOB = 'b'.repeat(64)

test('maxNetOutflowPerPeriod: unset by default (no cap), a whole number of sats where set', () => {
  const plain = validateConfig({ lightningNodes: [node()] })
  assert.equal(plain.limits.baseSettings.maxNetOutflowPerPeriod, undefined)
  assert.deepEqual(plain.counterparties, [])
  const c = validateConfig({
    lightningNodes: [node()],
    limits: { baseSettings: { maxNetOutflowPerPeriod: '500000' }, idSettings: [{ id: 'A', maxNetOutflowPerPeriod: 0 }] }
  })
  assert.equal(c.limits.baseSettings.maxNetOutflowPerPeriod, 500_000)
  assert.equal(resolveSettings(c.limits, { alias: 'A', channelId: '1x1x1' }).maxNetOutflowPerPeriod, 0)
  for (const bad of [-1, 1.5, 'lots', true]) {
    assert.deepEqual(
      problemsOf({ lightningNodes: [node()], limits: { baseSettings: { maxNetOutflowPerPeriod: bad } } }),
      ['limits.baseSettings.maxNetOutflowPerPeriod: expected a whole number of satoshis, 0 or more'],
      String(bad)
    )
  }
})

test('counterparties: a name, a swarm key, an optional cap; each key and name once', () => {
  const c = validateConfig({
    lightningNodes: [node()],
    counterparties: [{ name: 'bob', swarmKey: BOB, maxNetOutflowPerPeriod: 100_000 }]
  })
  assert.deepEqual(c.counterparties, [{ name: 'bob', swarmKey: BOB, maxNetOutflowPerPeriod: 100_000 }])
  const cases: Array<[unknown, string[]]> = [
    [
      { name: 'bob' },
      [
        'counterparties[0].swarmKey: expected a swarm public key: 64 lowercase hex characters (tightrope accounts shows them)'
      ]
    ],
    [
      { name: 'bob', swarmKey: BOB.toUpperCase() },
      [
        'counterparties[0].swarmKey: expected a swarm public key: 64 lowercase hex characters (tightrope accounts shows them)'
      ]
    ],
    [{ name: '', swarmKey: BOB }, ['counterparties[0].name: expected a name']],
    [{ name: 'bob', swarmKey: BOB, cap: 1 }, ['counterparties[0]: unknown key "cap"']]
  ]
  for (const [entry, problems] of cases) {
    const got = problemsOf({ lightningNodes: [node()], counterparties: [entry] })
    assert.equal(got.length, problems.length, `${JSON.stringify(entry)}: ${got.join('; ')}`)
    assert.ok(got[0]?.startsWith((problems[0] as string).split(':')[0] as string), got.join('; '))
  }
  assert.ok(
    problemsOf({
      lightningNodes: [node()],
      counterparties: [
        { name: 'bob', swarmKey: BOB },
        { name: 'bob2', swarmKey: BOB }
      ]
    }).some((p) => p.includes('expected each swarmKey once'))
  )
})
