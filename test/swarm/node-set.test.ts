import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { SimCluster } from '../../src/sim/cluster.js'
import { instanceConfig } from '../helpers/config.js'
import { startInstance, type Instance } from '../../src/app/instance.js'
import { eventually, readmeScenario } from '../helpers/sim.js'
import { push, shareOf, tempDir } from '../helpers/daemon.js'

const SECRET = 'node-set-changes-secret'

/**
 * Our node set changes while members are connected: a node added by a config reload is announced
 * to them (and can then be asked to pay over its channel), a node removed is withdrawn.
 */
describe('nodes that join or leave an instance are announced to connected members', () => {
  let cluster: SimCluster
  let alice: Instance
  let bob: Instance
  const dirs: Array<{ remove: () => Promise<void> }> = []
  let bobPath = ''
  const config = (aliases: string[], path: string) => instanceConfig(cluster, aliases, path, { secret: SECRET })

  /** The nodes Alice attributes to Bob's instance now. */
  const bobsNodes = (): string[] =>
    [...(alice.swarm?.peers ?? [])]
      .filter((p) => p.authenticated && !p.closed && p.remoteKey === bob.swarm?.publicKey)
      .flatMap((p) => [...p.provenNodes.values()])
      .sort()

  before(async () => {
    cluster = await SimCluster.start({ scenario: readmeScenario(), dht: true })
    const a = await tempDir()
    const b = await tempDir()
    dirs.push(a, b)
    bobPath = b.path
    alice = await startInstance(config(['A', 'B'], a.path), { log: () => {} })
    // Bob starts without C, Alice's only partner among his nodes.
    bob = await startInstance(config(['D', 'E'], b.path), { log: () => {} })
    await eventually(
      () =>
        [...(alice.swarm?.peers ?? [])].some((p) => p.authenticated && p.remoteKey === bob.swarm?.publicKey)
          ? true
          : undefined,
      20_000,
      'Alice and Bob connected'
    )
  })
  after(async () => {
    await alice?.stop()
    await bob?.stop()
    await cluster?.stop()
    for (const d of dirs) await d.remove()
  })

  it('a node added by a reload is learned by the connected peer, which then has it pay over its channel', async () => {
    assert.deepEqual(bobsNodes(), [], 'nothing of Bob is a partner of Alice yet')
    const cPub = cluster.connection('C').publicKey
    assert.equal(alice.daemon.payerFor(cPub), undefined)
    const sessions = alice.swarm?.peers.size
    await bob.reload(config(['C', 'D', 'E'], bobPath))
    await eventually(() => (bobsNodes().includes('C') ? true : undefined), 20_000, 'C proven to Alice')
    assert.equal(alice.swarm?.peers.size, sessions, 'on the same session, no reconnection')

    await push(cluster, 'A', 'C', 2_000_000)
    assert.ok(shareOf(cluster, 'A', 'C') < 0.4)
    await eventually(
      () => (Math.abs(shareOf(cluster, 'A', 'C') - 0.5) <= 0.1 ? true : undefined),
      30_000,
      'A-C rebalanced'
    )
    const ac = cluster.channelBetween('A', 'C')?.id
    const byC = cluster.network.paymentLog.filter((p) => p.from === 'C' && p.to === 'A')
    assert.ok(byC.length >= 1, 'C paid A')
    for (const p of byC) assert.deepEqual([p.feeMsat, p.chanIds], [0, [ac]], 'zero fee, over A-C only')
  })

  it('a node lost is withdrawn; back, it is attributed again on the same session without a new VerifyMessage', async () => {
    /** VerifyMessage calls Alice's nodes served. */
    const verifies = async (): Promise<number> => {
      const stats = (await (await fetch(`${cluster.controlUrl}/stats`)).json()) as Record<
        string,
        Record<string, number>
      >
      return ['A', 'B'].reduce(
        (n, alias) =>
          n +
          Object.entries(stats[alias] ?? {})
            .filter(([path]) => path.endsWith('/VerifyMessage'))
            .reduce((m, [, v]) => m + v, 0),
        0
      )
    }
    const before = await verifies()
    const sessions = alice.swarm?.peers.size
    await cluster.setOnline('C', false)
    await eventually(() => (bobsNodes().includes('C') ? undefined : true), 30_000, 'C withdrawn while lost')
    await cluster.setOnline('C', true)
    await eventually(() => (bobsNodes().includes('C') ? true : undefined), 30_000, 'C attributed again')
    assert.equal(alice.swarm?.peers.size, sessions, 'the same session')
    assert.equal(await verifies(), before, 'the signature of this session, checked once, is not checked again')
  })

  it('a node removed by a reload is withdrawn: the peer no longer asks it', async () => {
    await bob.reload(config(['D', 'E'], bobPath))
    await eventually(() => (bobsNodes().includes('C') ? undefined : true), 20_000, 'C withdrawn')
    assert.equal(alice.daemon.payerFor(cluster.connection('C').publicKey), undefined, 'no payer for C')
  })
})
