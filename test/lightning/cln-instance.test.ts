import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { SimCluster } from '../../src/sim/cluster.js'
import { parseScenario, type Scenario } from '../../src/sim/scenario.js'
import { startInstance, type Instance } from '../../src/app/instance.js'
import { connectNode } from '../../src/lightning/connect-node.js'
import { lightningNodeEntry } from '../../src/demo/node-entry.js'
import type { LightningNode } from '../../src/lightning/types.js'
import { ClnRestClient } from '../../src/lightning/cln/rest-client.js'
import { CLN_METHODS } from '../../src/lightning/cln/methods.js'
import type { TransactionRecord } from '../../src/ledger/types.js'
import { instanceConfig } from '../helpers/config.js'
import { eventually, nextEvent, readmeScenario } from '../helpers/sim.js'
import { push, shareOf, tempDir } from '../helpers/daemon.js'

/** The readme story with B and C on Core Lightning (clnrest), as scenarios/mixed.json has them. */
function mixedScenario(): Scenario {
  const s = readmeScenario()
  return parseScenario({
    ...s,
    nodes: s.nodes.map((n) => (n.alias === 'B' || n.alias === 'C' ? { ...n, implementation: 'cln' } : n))
  })
}

const within = (share: number): boolean => Math.abs(share - 0.5) <= 0.1

/**
 * One instance managing A (LND) and B (Core Lightning through clnrest, with its own CA and a
 * least-privilege rune) against the simulator: the CLN node is watched like an LND one, pays and
 * is paid over the direct channel with zero fee, and survives going offline.
 */
describe('a Core Lightning node in an instance', () => {
  let cluster: SimCluster
  let instance: Instance | undefined
  let url: string
  const dirs: Array<{ remove: () => Promise<void> }> = []

  before(async () => {
    cluster = await SimCluster.start({ scenario: mixedScenario(), dht: false, control: false })
    const d = await tempDir()
    dirs.push(d)
    instance = await startInstance(
      instanceConfig(cluster, ['A', 'B'], d.path, { settings: { maxTransactionSize: 600_000 } }),
      { log: (l) => process.env.CLN_TEST_LOG && console.log(l), swarm: false }
    )
    url = instance.api?.url as string
    await instance.daemon.settled()
  })
  after(async () => {
    await instance?.stop()
    await cluster?.stop()
    for (const d of dirs) await d.remove()
  })

  const status = async (): Promise<any> => (await fetch(`${url}/api/status`)).json()
  const tightropePayments = (since: number) => cluster.network.paymentLog.slice(since)
  const records = (role: string): TransactionRecord[] =>
    (instance as Instance).daemon.ledger.allTransactions().filter((r: TransactionRecord) => r.role === role)

  it('shows the CLN node by its URL, and its channels with the shares the simulator has', async () => {
    const b = cluster.nodeConnection('B')
    assert.equal(b.implementation, 'cln')
    const s = await eventually(
      async () => {
        const st = await status()
        return st.channels.some((c: any) => c.node === 'B') ? st : undefined
      },
      10_000,
      "B's channels in the status"
    )
    const entry = s.nodes.find((n: any) => n.alias === 'B')
    assert.deepEqual(
      { endpoint: entry.endpoint, socket: entry.socket, state: entry.state },
      { endpoint: b.implementation === 'cln' ? b.url : '', socket: undefined, state: 'connected' }
    )
    assert.equal(s.nodes.find((n: any) => n.alias === 'A').socket, cluster.connection('A').socket)
    assert.ok(!JSON.stringify(s).includes(b.implementation === 'cln' ? b.rune : '?'), 'the rune is never shown')
    const ab = cluster.channelBetween('A', 'B')
    const side = s.channels.find((c: any) => c.node === 'B' && c.channelId === ab?.id)
    assert.ok(side, `B's side of A-B (${ab?.id}), the scid equal to LND's id`)
    // The opener's (A's) commitment fee and anchors are off its side, as LND has them: the same share.
    assert.ok(
      Math.abs(side.share - shareOf(cluster, 'B', 'A')) < 1e-5,
      `${side.share} vs ${shareOf(cluster, 'B', 'A')}`
    )
  })

  it('the CLN node pays: A (LND) asks, B (CLN) pays over A-B only, zero fee', async () => {
    const before = cluster.network.paymentLog.length
    await push(cluster, 'A', 'B', 600_000)
    assert.ok(shareOf(cluster, 'A', 'B') < 0.4)
    await eventually(() => (within(shareOf(cluster, 'A', 'B')) ? true : undefined), 40_000, 'A-B balanced')
    const ab = cluster.channelBetween('A', 'B')?.id
    const paid = tightropePayments(before).filter((p) => p.from === 'B' && p.to === 'A')
    assert.ok(paid.length >= 1)
    for (const p of paid) {
      assert.equal(p.status, 'SUCCEEDED')
      assert.equal(p.feeMsat, 0, 'no fee')
      assert.deepEqual(p.chanIds, [ab], 'through A-B only')
    }
    await eventually(
      () => (records('payer').filter((r) => r.status === 'succeeded').length >= paid.length ? true : undefined),
      10_000,
      "every payment in B's payer ledger"
    )
  })

  it('the CLN node asks: B (CLN) invoices, A (LND) pays over A-B only, zero fee', async () => {
    const before = cluster.network.paymentLog.length
    const confirmedBefore = records('requester').filter((r) => r.status === 'succeeded').length
    await push(cluster, 'B', 'A', 600_000)
    assert.ok(shareOf(cluster, 'B', 'A') < 0.4)
    await eventually(() => (within(shareOf(cluster, 'B', 'A')) ? true : undefined), 40_000, 'A-B balanced')
    const ab = cluster.channelBetween('A', 'B')?.id
    const paid = tightropePayments(before).filter((p) => p.from === 'A' && p.to === 'B')
    assert.ok(paid.length >= 1)
    for (const p of paid) {
      assert.equal(p.feeMsat, 0)
      assert.deepEqual(p.chanIds, [ab])
    }
    // B confirms each from its own (CLN) invoice, once.
    await eventually(
      () =>
        records('requester').filter((r) => r.status === 'succeeded').length - confirmedBefore === paid.length
          ? true
          : undefined,
      10_000,
      "B's invoices seen paid"
    )
  })

  it('a CLN node taken offline is lost, comes back by itself, and balances again', async () => {
    await cluster.setOnline('B', false)
    await eventually(
      async () => ((await status()).nodes.find((n: any) => n.alias === 'B')?.state === 'lost' ? true : undefined),
      30_000,
      'B lost'
    )
    await cluster.setOnline('B', true)
    await eventually(
      async () => ((await status()).nodes.find((n: any) => n.alias === 'B')?.state === 'connected' ? true : undefined),
      40_000,
      'B connected again'
    )
    const before = cluster.network.paymentLog.length
    await push(cluster, 'A', 'B', 600_000)
    await eventually(() => (within(shareOf(cluster, 'A', 'B')) ? true : undefined), 40_000, 'A-B balanced again')
    assert.ok(tightropePayments(before).some((p) => p.from === 'B' && p.to === 'A' && p.feeMsat === 0))
  })
})

describe('the CLN adapter on its own', () => {
  let cluster: SimCluster
  let b: LightningNode | undefined
  let a: LightningNode | undefined

  before(async () => {
    cluster = await SimCluster.start({ scenario: mixedScenario(), dht: false, control: false })
    b = await connectNode(lightningNodeEntry(cluster.nodeConnection('B')))
    a = await connectNode(lightningNodeEntry(cluster.nodeConnection('A')))
  })
  after(async () => {
    await b?.stop()
    await a?.stop()
    await cluster?.stop()
  })

  it('an HTLC in flight shows on both sides, out of the balances, and is settled once released', async () => {
    const B = b as LightningNode
    const ab = cluster.channelBetween('A', 'B')
    assert.ok(ab)
    const before = (await B.getChannels()).find((c) => c.id === ab.id)
    assert.ok(before)
    cluster.addFault({ type: 'hold', from: 'B', to: 'A' })
    const paying = cluster.pay({ from: 'B', to: 'A', tokens: 70_000, timeoutMs: 60_000 })
    const held = await eventually(() => cluster.network.faults.listHeld()[0], 10_000, 'the payment held')
    const during = await eventually(
      async () => {
        const c = (await B.getChannels()).find((x) => x.id === ab.id)
        return c && c.outgoingHtlcTokens > 0 ? c : undefined
      },
      10_000,
      'the HTLC in flight in listpeerchannels'
    )
    assert.equal(during.outgoingHtlcTokens, 70_000)
    assert.equal(during.localBalance, before.localBalance - 70_000, 'taken out of our balance')
    // The partner's side as its own LND shows it (the opener's commitment fee grew by one HTLC output).
    const aSide = (await (a as LightningNode).getChannels()).find((x) => x.id === ab.id)
    assert.equal(aSide?.incomingHtlcTokens, 70_000, 'LND sees the same HTLC coming in')
    assert.deepEqual([during.remoteBalance, during.localBalance], [aSide?.localBalance, aSide?.remoteBalance])
    cluster.network.faults.release(held.id)
    await paying
    cluster.network.faults.clear()
    const after = await eventually(
      async () => {
        const c = (await B.getChannels()).find((x) => x.id === ab.id)
        return c && c.outgoingHtlcTokens === 0 ? c : undefined
      },
      10_000,
      'the HTLC settled'
    )
    assert.equal(after.localBalance, before.localBalance - 70_000)
    assert.equal(after.remoteBalance, before.remoteBalance + 70_000)
    const aAfter = (await (a as LightningNode).getChannels()).find((x) => x.id === ab.id)
    assert.deepEqual([after.remoteBalance, after.localBalance], [aAfter?.localBalance, aAfter?.remoteBalance])
  })

  it("a channel opened after an evaluation looked, before the poll's first look, is reported as a change", async () => {
    // A fresh connection, as the daemon has one: it evaluates (looks) at once, the poll looks later.
    const fresh = await connectNode(lightningNodeEntry(cluster.nodeConnection('B')))
    try {
      const before = await fresh.getChannels()
      const changed = nextEvent(fresh, 'changed', () => true, 30_000)
      const eb = cluster.openChannel({ from: 'E', to: 'B', capacity: 1_000_000, fromBalance: 500_000 })
      await changed
      const after = await fresh.getChannels()
      assert.ok(!before.some((c) => c.id === eb.id) && after.some((c) => c.id === eb.id))
    } finally {
      await fresh.stop()
    }
  })

  it('signatures cross-verify: CLN-signed recovered by LND, LND-signed recovered by CLN', async () => {
    const B = b as LightningNode
    const A = a as LightningNode
    const message = 'tightrope/v2 node proof: node 02ab is controlled by swarm key 00ff on session 11ee'
    assert.equal(await A.verifyMessage(message, await B.signMessage(message)), B.identity.publicKey)
    assert.equal(await B.verifyMessage(message, await A.signMessage(message)), A.identity.publicKey)
    assert.notEqual(await B.verifyMessage(`${message}!`, await A.signMessage(message)), A.identity.publicKey)
  })

  it('an invoice withdrawn is canceled and can no longer be paid; a cltvLimit too small pays nothing', async () => {
    const B = b as LightningNode
    const A = a as LightningNode
    const ab = cluster.channelBetween('A', 'B')?.id as string
    const inv = await B.createInvoice({ tokens: 1000, description: 'test', expirySeconds: 600 })
    assert.equal(await B.getInvoiceState(inv.paymentHash), 'open')
    await B.cancelInvoice(inv.paymentHash)
    assert.equal(await B.getInvoiceState(inv.paymentHash), 'canceled')
    const r = await A.payDirect({ request: inv.request, channelId: ab, timeoutMs: 20_000, cltvLimit: 144 })
    assert.equal(r.status, 'failed')
    const before = cluster.network.paymentLog.length
    const inv2 = await A.createInvoice({ tokens: 1000, description: 'test', expirySeconds: 600 })
    const refused = await B.payDirect({ request: inv2.request, channelId: ab, timeoutMs: 20_000, cltvLimit: 5 })
    assert.deepEqual(refused, { status: 'failed', reason: 'MaxTimeoutTooNearCurrentHeightToMakePayment' })
    assert.equal(await B.getPaymentState(inv2.paymentHash).then((s) => s.status), 'unknown', 'nothing was sent')
    assert.equal(cluster.network.paymentLog.length, before)
  })

  it("a rune without sendpay: the payment fails with CLN's refusal as its reason, nothing moves, the node stays", async () => {
    const conn = cluster.nodeConnection('B')
    assert.equal(conn.implementation, 'cln')
    if (conn.implementation !== 'cln') return
    // The operator's admin rune makes a narrower one, as `lightning-cli createrune` would.
    const admin = new ClnRestClient({
      url: conn.url,
      rune: cluster.restServer('B').runes.adminRune,
      ca: Buffer.from(conn.cert, 'base64')
    })
    const { rune } = await admin.call<{ rune: string }>(
      'createrune',
      { restrictions: [CLN_METHODS.filter((m) => m !== 'sendpay').map((m) => `method=${m}`)] },
      { timeoutMs: 10_000 }
    )
    admin.close()
    const narrow = await connectNode({ type: 'cln', url: conn.url, rune, cert: conn.cert })
    try {
      const ab = cluster.channelBetween('A', 'B')?.id as string
      const inv = await (a as LightningNode).createInvoice({ tokens: 1000, description: 'test', expirySeconds: 600 })
      const before = cluster.network.paymentLog.length
      const r = await narrow.payDirect({ request: inv.request, channelId: ab, timeoutMs: 20_000, cltvLimit: 144 })
      assert.equal(r.status, 'failed')
      assert.match(r.status === 'failed' ? r.reason : '', /^1502: Not permitted: method is not equal to getinfo/)
      assert.equal(cluster.network.paymentLog.length, before, 'nothing paid')
      assert.equal(await (a as LightningNode).getInvoiceState(inv.paymentHash), 'open')
      assert.equal(narrow.connected, true, 'a refusal is not a lost connection')
    } finally {
      await narrow.stop()
    }

    // An instance given that rune says so when it starts, before any payment would find out.
    const d = await tempDir()
    const config = instanceConfig(cluster, ['B'], d.path)
    config.lightningNodes = config.lightningNodes.map((n) => (n.type === 'cln' ? { ...n, rune } : n))
    const lines: string[] = []
    let narrowInstance: Instance | undefined
    try {
      narrowInstance = await startInstance(config, { log: (l) => lines.push(l), swarm: false })
      const said = lines.filter((l) => l.includes('node_rune_limits'))
      assert.equal(said.length, 1, lines.join('\n'))
      assert.match(said[0] ?? '', /does not allow sendpay \(refused by/)
      assert.ok(!said[0]?.includes(rune), 'the rune itself is not shown')
    } finally {
      await narrowInstance?.stop()
      await d.remove()
    }
  })
})
