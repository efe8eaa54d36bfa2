import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { SimCluster } from '../../src/sim/cluster.js'
import { instanceConfig } from '../helpers/config.js'
import { startInstance, type Instance } from '../../src/app/instance.js'
import { eventually, readmeScenario } from '../helpers/sim.js'
import type { TightropeEvent } from '../../src/core/events.js'
import { parseEventLine } from '../../src/daemon/log-line.js'
import { push, shareOf, tempDir } from '../helpers/daemon.js'

describe('two instances in one process over a local DHT (fast feedback for the swarm layer)', () => {
  let cluster: SimCluster
  let alice: Instance
  let bob: Instance
  const events: Array<{ who: string; event: TightropeEvent }> = []
  const collect =
    (who: string) =>
    (line: string): void => {
      const event = parseEventLine(line)
      if (event) events.push({ who, event })
    }
  const dirs: Array<{ remove: () => Promise<void> }> = []

  before(async () => {
    cluster = await SimCluster.start({ scenario: readmeScenario(), dht: true, control: false })
    const a = await tempDir()
    const b = await tempDir()
    dirs.push(a, b)
    alice = await startInstance(
      instanceConfig(cluster, ['A', 'B'], a.path, { secret: 'correcthorsebatterystaple', verbose: true }),
      { logFormat: 'json', log: collect('alice') }
    )
    bob = await startInstance(
      instanceConfig(cluster, ['C', 'D', 'E'], b.path, { secret: 'correcthorsebatterystaple', verbose: true }),
      { logFormat: 'json', log: collect('bob') }
    )
  })
  after(async () => {
    await alice?.stop()
    await bob?.stop()
    await cluster?.stop()
    for (const d of dirs) await d.remove()
  })

  it('the instances authenticate each other and prove the nodes that are their channel partners', async () => {
    const authenticated = (who: string): boolean =>
      events.some((e) => e.who === who && e.event.type === 'peer_authenticated')
    await eventually(
      () => (authenticated('alice') && authenticated('bob') ? true : undefined),
      20_000,
      'mutual authentication'
    )
    // Alice's only channel with Bob's nodes is A-C: D and E are claimed but not worth an RPC.
    const bobSeen = (): string[] =>
      [...(alice.swarm?.peers ?? [])]
        .filter((p) => p.authenticated)
        .flatMap((p) => [...p.provenNodes.values()])
        .sort()
    await eventually(() => (bobSeen().length > 0 ? true : undefined), 10_000, 'C proven')
    assert.deepEqual(bobSeen(), ['C'])
  })

  it('A-C (across operators) comes back into its deadzone', async () => {
    await push(cluster, 'A', 'C', 2_000_000)
    assert.ok(shareOf(cluster, 'A', 'C') < 0.4)
    await eventually(
      () => (Math.abs(shareOf(cluster, 'A', 'C') - 0.5) <= 0.1 ? true : undefined),
      20_000,
      'A-C rebalanced'
    )
    const ac = cluster.channelBetween('A', 'C')?.id
    const fromBob = cluster.network.paymentLog.filter((p) => p.from === 'C' && p.to === 'A')
    assert.ok(fromBob.length >= 1)
    for (const p of fromBob) {
      assert.equal(p.feeMsat, 0)
      assert.deepEqual(p.chanIds, [ac])
    }
  })
})
