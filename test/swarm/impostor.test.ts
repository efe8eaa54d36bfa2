import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { SimCluster } from '../../src/sim/cluster.js'
import { instanceConfig } from '../helpers/config.js'
import { startInstance, type Instance } from '../../src/app/instance.js'
import { ClusterSwarm } from '../../src/swarm/cluster-swarm.js'
import { LndNode } from '../../src/lightning/lnd-node.js'
import type { SwarmHost } from '../../src/swarm/host.js'
import type { TightropeEvent } from '../../src/core/events.js'
import { parseEventLine } from '../../src/daemon/log-line.js'
import { eventually, readmeScenario } from '../helpers/sim.js'
import { tempDir } from '../helpers/daemon.js'

const SECRET = 'the-cluster-secret-mallory-also-knows'

describe('an instance that claims a Lightning node it does not control', () => {
  let cluster: SimCluster
  let bob: Instance
  let mallory: ClusterSwarm
  let x: LndNode
  const events: TightropeEvent[] = []
  const dirs: Array<{ path: string; remove: () => Promise<void> }> = []

  before(async () => {
    cluster = await SimCluster.start({ scenario: readmeScenario(), dht: true, control: false })
    const b = await tempDir()
    const m = await tempDir()
    dirs.push(b, m)
    bob = await startInstance(
      instanceConfig(cluster, ['C', 'D', 'E'], b.path, {
        secret: SECRET,
        verbose: true,
        settings: { maxTransactionsPerPeriod: 20 }
      }),
      {
        logFormat: 'json',
        log: (l) => {
          const e = parseEventLine(l)
          if (e) events.push(e)
        }
      }
    )
    // Mallory knows the secret and runs node X, but claims Alice's node A (signing with X's key).
    x = await LndNode.connect(cluster.connection('X'))
    const a = cluster.connection('A')
    const host: SwarmHost = {
      ourNodes: () => [{ publicKey: a.publicKey, alias: 'A', sign: (m: string) => x.signMessage(m) }],
      verify: (m, s) => x.verifyMessage(m, s),
      handlePayRequest: async (r) => ({
        kind: 'notOurs',
        reason: 'unknownChannel',
        detail: `none of our nodes has channel ${r.channelId}`
      }),
      peersChanged: () => {},
      addRemotePayers: () => {},
      emit: () => {},
      onEvent: () => () => {}
    }
    mallory = await ClusterSwarm.start({
      secret: SECRET,
      bootstrap: cluster.bootstrap,
      keyFile: join(m.path, 'key'),
      host
    })
  })
  after(async () => {
    await mallory?.stop()
    await x?.stop()
    await bob?.stop()
    await cluster?.stop()
    for (const d of dirs) await d.remove()
  })

  it('is refused: the claim is logged and the node is not attributed to it', async () => {
    const a = cluster.connection('A').publicKey
    const refused = await eventually(
      () => events.find((e) => e.type === 'node_claim_refused' && e.nodes.includes(a)),
      20_000,
      'the refused claim'
    )
    await eventually(
      () => events.find((e) => e.type === 'peer_authenticated'),
      5000,
      'the peer itself (it knows the secret) to be admitted'
    )
    const peers = [...(bob.swarm?.peers ?? [])].filter((p) => p.authenticated)
    assert.equal(peers.length, 1)
    assert.equal(peers[0]?.provenNodes.size, 0, 'no node proven')
    assert.equal(bob.daemon.payerFor(a), undefined, 'nobody may ask Bob to pay on behalf of A')
    assert.deepEqual(refused.type === 'node_claim_refused' && refused.counts, { badSignature: 1 })
  })
})
