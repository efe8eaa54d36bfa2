import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { clusterOf, soakScenario } from '../../soak/scenario.js'

/** The soak's networks (npm run soak -- --cln | --scenario FILE), without running one. */
describe('soak scenarios', () => {
  it('by default: two operators of five LND nodes, the outside nodes not ours', () => {
    const s = soakScenario({})
    const c = clusterOf(s)
    assert.deepEqual(c.operators, ['alice', 'bob'])
    assert.equal(c.ours.size, 10)
    assert.ok(!c.ours.has('x') && !c.ours.has('y'))
    assert.ok(s.nodes.every((n) => c.implementationOf(n.alias) === 'lnd'))
  })

  it('--cln: every other node on Core Lightning, so channels run LND-CLN, CLN-CLN and LND-LND', () => {
    const s = soakScenario({ cln: true })
    const c = clusterOf(s)
    const cln = s.nodes.filter((n) => c.implementationOf(n.alias) === 'cln').map((n) => n.alias)
    assert.deepEqual(cln, ['a1', 'a3', 'b1', 'b3', 'x'])
    const kinds = new Set(
      s.channels
        .filter((ch) => c.ours.has(ch.from) && c.ours.has(ch.to))
        .map((ch) => [c.implementationOf(ch.from), c.implementationOf(ch.to)].sort().join('-'))
    )
    assert.deepEqual([...kinds].sort(), ['cln-cln', 'cln-lnd', 'lnd-lnd'])
  })

  it('--scenario scenarios/mixed.json: the nodes with an operator are the cluster, B and C on CLN', () => {
    const s = soakScenario({ file: 'scenarios/mixed.json' })
    const c = clusterOf(s)
    assert.deepEqual([...c.ours].sort(), ['A', 'B', 'C', 'D', 'E'])
    assert.deepEqual(c.operators, ['alice', 'bob'])
    assert.deepEqual(
      ['A', 'B', 'C', 'D', 'E'].map((a) => c.implementationOf(a)),
      ['lnd', 'cln', 'cln', 'lnd', 'lnd']
    )
    assert.throws(() => soakScenario({ file: 'scenarios/no-such-file.json' }), /ENOENT/)
  })
})
