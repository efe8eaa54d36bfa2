import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { SimCluster } from '../../src/sim/cluster.js'
import { instanceConfig } from '../helpers/config.js'
import { startInstance, type Instance } from '../../src/app/instance.js'
import { eventually, readmeScenario } from '../helpers/sim.js'
import { push, shareOf, tempDir } from '../helpers/daemon.js'


describe('two instances in one process over a local DHT (fast feedback for the swarm layer)', () => {
  let cluster: SimCluster
  let alice: Instance
  let bob: Instance
  const lines: string[] = []
  const dirs: Array<{ remove: () => Promise<void> }> = []

  before(async () => {
    cluster = await SimCluster.start({ scenario: readmeScenario(), dht: true, control: false })
    const a = await tempDir(); const b = await tempDir(); dirs.push(a, b)
    alice = await startInstance(instanceConfig(cluster, ['A', 'B'], a.path, { secret: 'correcthorsebatterystaple', verbose: true }), { log: (l) => lines.push(`alice ${l}`) })
    bob = await startInstance(instanceConfig(cluster, ['C', 'D', 'E'], b.path, { secret: 'correcthorsebatterystaple', verbose: true }), { log: (l) => lines.push(`bob ${l}`) })
  })
  after(async () => {
    await alice?.stop()
    await bob?.stop()
    await cluster?.stop()
    for (const d of dirs) await d.remove()
  })

  it('the instances authenticate each other and prove the nodes that are their channel partners', async () => {
    await eventually(() => lines.some((l) => l.startsWith('alice') && l.includes('peer_authenticated')) && lines.some((l) => l.startsWith('bob') && l.includes('peer_authenticated')) ? true : undefined, 20_000, 'mutual authentication')
    // Alice's only channel with Bob's nodes is A-C: D and E are claimed but not worth an RPC.
    const bobSeen = (): string[] => [...(alice.swarm?.peers ?? [])].filter((p) => p.authenticated).flatMap((p) => [...p.provenNodes.values()]).sort()
    await eventually(() => bobSeen().length > 0 ? true : undefined, 10_000, 'C proven')
    assert.deepEqual(bobSeen(), ['C'])
  })

  it('A-C (across operators) comes back into its deadzone', async () => {
    await push(cluster, 'A', 'C', 2_000_000)
    assert.ok(shareOf(cluster, 'A', 'C') < 0.4)
    await eventually(() => Math.abs(shareOf(cluster, 'A', 'C') - 0.5) <= 0.1 ? true : undefined, 20_000, 'A-C rebalanced')
    const ac = cluster.channelBetween('A', 'C')?.id
    const fromBob = cluster.network.paymentLog.filter((p) => p.from === 'C' && p.to === 'A')
    assert.ok(fromBob.length >= 1)
    for (const p of fromBob) {
      assert.equal(p.feeMsat, 0)
      assert.deepEqual(p.chanIds, [ac])
    }
  })
})
