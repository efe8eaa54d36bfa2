import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { generateScenario } from '../../src/sim/generate-scenario.js'
import { parseScenario } from '../../src/sim/scenario.js'

describe('generateScenario', () => {
  it('clnEvery makes every n-th node a CLN node; the scenario still validates', () => {
    const s = generateScenario({ nodes: 10, channels: 15, seed: 3, clnEvery: 3 })
    assert.deepEqual(
      s.nodes.filter((n) => n.implementation === 'cln').map((n) => n.alias),
      ['n000', 'n003', 'n006', 'n009']
    )
    assert.equal(parseScenario(s).nodes.length, 10)
  })

  it('without clnEvery every node is LND, as before', () => {
    const s = generateScenario({ nodes: 5, channels: 5 })
    assert.equal(
      s.nodes.some((n) => 'implementation' in n),
      false
    )
  })

  it('refuses a clnEvery that is not a positive integer', () => {
    assert.throws(() => generateScenario({ nodes: 5, channels: 5, clnEvery: 0 }), /clnEvery/)
  })
})
