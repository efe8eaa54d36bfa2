import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { SimCluster } from '../../src/sim/cluster.js'
import { instanceConfig } from '../helpers/config.js'
import { startInstance, type Instance } from '../../src/app/instance.js'
import { LndNode } from '../../src/lightning/lnd-node.js'
import { MessageType, encodeWith } from '../../src/swarm/envelope.js'
import { payInvoice as payInvoiceCodec } from '../../src/swarm/messages.js'
import { FrameFuzzer, fuzzDecoders } from '../helpers/fuzz.js'
import { RoguePeer } from '../helpers/rogue-peer.js'
import { eventually, readmeScenario } from '../helpers/sim.js'
import { tempDir } from '../helpers/daemon.js'

const SEED = Number(process.env.FUZZ_SEED ?? 424242)

describe('fuzzing the wire decoders (seeded)', () => {
  it('20,000 mutated frames and random inputs: refused or accepted, never a throw', () => {
    const report = fuzzDecoders(20_000, SEED)
    assert.deepEqual(report.crashes, [])
    assert.ok(report.rejected > 10_000, `most fuzzed frames are refused (${report.rejected})`)
    assert.ok(report.accepted > 0, 'some mutations stay valid, so the handlers see odd but well-formed messages too')
    assert.ok(report.heapGrowthMb < 64, `heap grew ${report.heapGrowthMb.toFixed(1)} MB`)
  })
})

describe("fuzzing a live instance's message handlers", () => {
  const secret = 'fuzz-cluster-secret-0123456789'
  let cluster: SimCluster
  let alice: Instance
  let x: LndNode
  let storage: { remove: () => Promise<void> }
  let unhandled = 0
  const onUnhandled = (): void => {
    unhandled++
  }

  before(async () => {
    process.on('unhandledRejection', onUnhandled)
    cluster = await SimCluster.start({ scenario: readmeScenario(), dht: true, control: false })
    const d = await tempDir()
    storage = d
    alice = await startInstance(
      instanceConfig(cluster, ['A', 'B'], d.path, {
        secret,
        settings: { maxTransactionSize: 100000, maxTransactionsPerPeriod: 5, maxAmountPerPeriod: 1000000 }
      }),
      { log: () => {} }
    )
    x = await LndNode.connect(cluster.connection('X'))
  })
  after(async () => {
    process.off('unhandledRejection', onUnhandled)
    await x?.stop()
    await alice?.stop()
    await cluster?.stop()
    await storage?.remove()
  })

  it('well-formed but fuzzed requests and bursts of garbage: the daemon stays up, pays nothing, leaks nothing', async () => {
    const f = new FrameFuzzer(SEED)
    const moved = (): number =>
      cluster.network.paymentLog.filter((p) => p.status === 'SUCCEEDED' && ['A', 'B'].includes(p.from)).length
    const before = moved()
    const heapBefore = process.memoryUsage().heapUsed
    const validInvoice = (await x.createInvoice({ tokens: 1000, description: 'fuzz', expirySeconds: 600 })).request
    for (let round = 0; round < 3; round++) {
      const rogue = await RoguePeer.connect({
        bootstrap: cluster.bootstrap,
        secret,
        target: alice.swarm?.publicKey as string,
        claims: [{ publicKey: x.identity.publicKey, alias: 'X', sign: (m) => x.signMessage(m) }]
      })
      try {
        await eventually(
          () =>
            [...(alice.swarm?.peers ?? [])].some((p) => p.authenticated && p.provenNodes.has(x.identity.publicKey))
              ? true
              : undefined,
          10_000,
          'authentication'
        )
        // Decodable requests with odd contents: each must be answered with a refusal.
        for (let i = 0; i < 30; i++) {
          const channelId = f.random() < 0.5 ? (cluster.channelBetween('B', 'X')?.id as string) : f.text(32)
          const invoice = f.random() < 0.3 ? validInvoice.slice(0, f.int(validInvoice.length)) + f.text(5) : f.text(200)
          const r = await rogue.payInvoice({ channelId, invoice, tokens: f.int(2 ** 31) })
          assert.equal(r.status, 'refused', `fuzzed request ${i} refused (${r.reason})`)
        }
        // Then garbage until the peer is cut off.
        for (let i = 0; i < 8 && !rogue.closed; i++) rogue.sendRaw(f.mutate(f.validFrame()))
        rogue.send(
          MessageType.payInvoice,
          encodeWith(payInvoiceCodec, { requestId: 1, channelId: 'x', invoice: validInvoice, tokens: 1000 }),
          0
        )
      } finally {
        await rogue.destroy()
      }
    }
    assert.equal(moved(), before, 'nothing paid')
    assert.equal(unhandled, 0, 'no unhandled rejection')
    assert.equal((await fetch(`${alice.api?.url}/api/status`)).status, 200, 'still serving')
    assert.ok((process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024 < 100, 'memory bounded')
  })
})
