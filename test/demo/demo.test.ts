import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { runToEnd } from '../helpers/process.js'
import { channelBar, summarize } from '../../src/demo/render.js'

describe('tightrope demo --duration', () => {
  it("runs the spec's story and ends with every watched channel inside its deadzone and no fee paid", async () => {
    const r = await runToEnd(['demo', '--duration', '40s', '--json'], {}, 120_000)
    assert.equal(r.code, 0, r.output)
    const summary = JSON.parse(r.output.slice(r.output.indexOf('{'))) as ReturnType<typeof summarize>
    assert.equal(summary.ok, true)
    assert.equal(summary.feesPaidSats, 0)
    assert.ok(summary.rebalances > 0, 'something was rebalanced')
    assert.deepEqual(
      summary.channels.map((c) => c.channel).sort(),
      ['A-B', 'A-C', 'C-D', 'D-E', 'E-B'],
      'E-B opened at runtime is watched too'
    )
    assert.ok(summary.channels.every((c) => c.inside))
  })

  it('refuses a bad duration', async () => {
    const r = await runToEnd(['demo', '--duration', 'soon'])
    assert.equal(r.code, 2)
    assert.match(r.output, /--duration: expected a duration/)
  })
})

describe('demo rendering', () => {
  it('draws the share with the deadzone band', () => {
    assert.equal(channelBar(0.5, 0.4, 0.6, 10), '[▓▓▓▓█·    ]')
    assert.equal(channelBar(0, 0.4, 0.6, 10), '[    ··    ]')
  })
  it('a summary is ok only with all channels inside, no fee and some rebalance', () => {
    const inside = { id: '1x1x0', a: 'A', b: 'B', share: 0.5, inside: true, active: true, operators: 'alice' }
    const rebalance = { at: 0, from: 'A', to: 'B', channelId: '1x1x0', tokens: 10, feeMsat: 0 }
    assert.equal(summarize(1, [inside], [rebalance], 0).ok, true)
    assert.equal(summarize(1, [{ ...inside, inside: false }], [rebalance], 0).ok, false)
    assert.equal(summarize(1, [inside], [{ ...rebalance, feeMsat: 1000 }], 0).ok, false)
    assert.equal(summarize(1, [inside], [], 0).ok, false)
  })
})
