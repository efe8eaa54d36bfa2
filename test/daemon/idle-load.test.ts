import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { SimCluster } from '../../src/sim/cluster.js'
import { BACKSTOP_MS, pollDue, SETTLE_PERIODS } from '../../src/daemon/poll.js'
import { eventually, lndCalls, readmeScenario } from '../helpers/sim.js'
import { push, shareOf, startDaemon, tempDir, type TestDaemon } from '../helpers/daemon.js'

describe('the safety-net poll only for nodes whose streams are not trusted', () => {
  it('polls a node without streams, with streams just opened, or not evaluated for the backstop; not otherwise', () => {
    const r = 1000
    assert.equal(pollDue({ now: 100_000, refreshRateMs: r }), true, 'no streams')
    assert.equal(
      pollDue({
        now: 100_000,
        refreshRateMs: r,
        streamsSince: 100_000 - SETTLE_PERIODS * r + 1,
        lastEvaluatedAt: 99_999
      }),
      true,
      'just (re)subscribed'
    )
    assert.equal(
      pollDue({ now: 100_000, refreshRateMs: r, streamsSince: 0, lastEvaluatedAt: 99_000 }),
      false,
      'live streams, evaluated lately'
    )
    assert.equal(
      pollDue({ now: BACKSTOP_MS + 1, refreshRateMs: r, streamsSince: 0, lastEvaluatedAt: 0 }),
      true,
      'silent for the backstop'
    )
    assert.equal(
      pollDue({
        now: 10 * BACKSTOP_MS,
        refreshRateMs: 2 * BACKSTOP_MS,
        streamsSince: 0,
        lastEvaluatedAt: 9 * BACKSTOP_MS - 1
      }),
      false,
      'a refreshRate longer than the backstop is the bound'
    )
    assert.equal(
      pollDue({
        now: 10 * BACKSTOP_MS,
        refreshRateMs: 2 * BACKSTOP_MS,
        streamsSince: 0,
        lastEvaluatedAt: 8 * BACKSTOP_MS
      }),
      true
    )
  })

  describe('an idle daemon against the simulator', () => {
    let cluster: SimCluster
    let storage: { path: string; remove: () => Promise<void> }
    let d: TestDaemon | undefined
    before(async () => {
      cluster = await SimCluster.start({ scenario: readmeScenario(), dht: false, control: false })
      storage = await tempDir()
    })
    after(async () => {
      await d?.daemon.stop()
      await cluster?.stop()
      await storage?.remove()
    })

    it('asks LND nothing while idle once its streams settled, and still reacts to a change at once', async () => {
      d = await startDaemon(cluster, ['A', 'B'], storage.path, { refreshRate: 1000 })
      const daemon = d.daemon
      const settled = (): boolean =>
        [...daemon.nodes.values()].every(
          (n) => n.streamsSince !== undefined && Date.now() - n.streamsSince >= SETTLE_PERIODS * 1000
        )
      await eventually(() => (daemon.nodes.size === 2 && settled() ? true : undefined), 20_000, 'the streams to settle')
      const before = ['A', 'B'].map((a) => lndCalls(cluster, a, 'ListChannels'))
      const ticks = daemon.pollTicks
      await eventually(() => (daemon.pollTicks >= ticks + 3 ? true : undefined), 20_000, 'three poll ticks')
      assert.deepEqual(
        ['A', 'B'].map((a) => lndCalls(cluster, a, 'ListChannels')),
        before,
        'no ListChannels while idle (GET /stats)'
      )

      await push(cluster, 'A', 'B', 600_000)
      await eventually(
        () => (Math.abs(shareOf(cluster, 'A', 'B') - 0.5) <= 0.1 ? true : undefined),
        15_000,
        'A-B rebalanced on events alone'
      )
    })

    it('polls a node whose streams broke (it lost LND and re-subscribed), and not the node whose streams stayed live', async () => {
      assert.ok(d, 'the daemon of the previous test')
      const daemon = d.daemon
      const [a, b] = ['A', 'B'].map(
        (alias) => [...daemon.nodes.values()].find((n) => n.identity.alias === alias)?.identity.publicKey as string
      )
      const polls = (pub: string): number => daemon.polled.get(pub) ?? 0
      // The previous test's rebalance ended first: the `lightning` client throws (uncaught) when a
      // payment's stream errors after the payment ended, as B going away would make it.
      await daemon.rebalancer.idle()
      const aPolls = polls(a as string)
      const bPolls = polls(b as string)
      await cluster.setOnline('B', false)
      await eventually(() => (daemon.nodes.has(b as string) ? undefined : true), 20_000, 'B to be lost')
      await cluster.setOnline('B', true)
      await eventually(() => (daemon.nodes.has(b as string) ? true : undefined), 30_000, 'B back, re-subscribed')
      await eventually(() => (polls(b as string) > bPolls ? true : undefined), 20_000, 'the poll to evaluate B')
      const ticks = daemon.pollTicks
      await eventually(() => (daemon.pollTicks >= ticks + 3 ? true : undefined), 20_000, 'three more poll ticks')
      assert.equal(polls(a as string), aPolls, 'A, whose streams stayed live, was never polled')
    })
  })
})
