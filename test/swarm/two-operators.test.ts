import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { SimCluster } from '../../src/sim/cluster.js'
import { eventually, mixedScenario, readmeScenario } from '../helpers/sim.js'
import { push, shareOf } from '../helpers/daemon.js'
import type { Running } from '../helpers/process.js'
import type { TightropeEvent } from '../../src/core/events.js'
import { has, operator, rebalancesOn, shown, type Operator } from '../helpers/operator.js'

const SECRET = 'correcthorsebatterystaple-for-tests'
const authenticated = (e: TightropeEvent): boolean => e.type === 'peer_authenticated'
const inside = (cluster: SimCluster, a: string, b: string): true | undefined =>
  Math.abs(shareOf(cluster, a, b) - 0.5) <= 0.1 ? true : undefined

describe("the spec's story: Alice (A, B) and Bob (C, D, E), each in its own process, same secret", () => {
  let cluster: SimCluster
  const cleanup: Array<() => Promise<unknown>> = []
  const pushes = new Set<string>()
  let alice: Running
  let bob: Running
  let bobOp: Operator

  before(async () => {
    cluster = await SimCluster.start({ scenario: readmeScenario(), dht: true, control: false })
    alice = (await operator(cluster, ['A', 'B'], { secret: SECRET }, cleanup)).proc
    bobOp = await operator(cluster, ['C', 'D', 'E'], { secret: SECRET }, cleanup)
    bob = bobOp.proc
  })
  after(async () => {
    for (const c of cleanup.reverse()) await c()
    await cluster?.stop()
  })

  it("the instances find each other and each proves its nodes that are the other's channel partners", async () => {
    await eventually(
      () => (has(alice, authenticated) && has(bob, authenticated) ? true : undefined),
      20_000,
      'mutual authentication'
    )
    // A-C is the only channel between them at start (E-B opens later): C and A are proven, and only they.
    const proven = (proc: Running, alias: string): boolean =>
      proc
        .events()
        .some(
          (e) =>
            (e.type === 'node_proven' && e.alias === alias) ||
            (e.type === 'peer_authenticated' && e.nodes.some((n) => n.alias === alias))
        )
    await eventually(() => (proven(alice, 'C') && proven(bob, 'A') ? true : undefined), 10_000, 'A and C proven')
    assert.ok(!proven(alice, 'D') && !proven(alice, 'E'), 'D and E cost Alice no VerifyMessage')
    assert.ok(!proven(bob, 'B'), 'B costs Bob no VerifyMessage')
  })

  it('A-B, C-D, D-E and A-C, each pushed out of balance, come back inside their deadzone', async () => {
    for (const [from, to] of [
      ['A', 'B'],
      ['C', 'D'],
      ['E', 'D'],
      ['A', 'C']
    ] as const) {
      const capacity = cluster.channelBetween(from, to)?.capacity as number
      pushes.add((await push(cluster, from, to, Math.round(capacity * 0.3))).paymentHash)
      assert.ok(!inside(cluster, from, to), `${from}-${to} pushed out`)
    }
    for (const [a, b] of [
      ['A', 'B'],
      ['C', 'D'],
      ['D', 'E'],
      ['A', 'C']
    ] as const) {
      await eventually(() => inside(cluster, a, b), 20_000, `${a}-${b} back inside its deadzone`).catch(
        (err: Error) => {
          throw new Error(
            `${err.message}\nalice:\n${shown(alice, (e) => /refus|not_done|error|request/.test(e.type))}` +
              `\nbob:\n${shown(bob, (e) => /refus|not_done|error|payment_/.test(e.type))}`
          )
        }
      )
    }
    for (const [a, b] of [
      ['A', 'B'],
      ['C', 'D'],
      ['D', 'E'],
      ['A', 'C']
    ] as const) {
      const id = cluster.channelBetween(a, b)?.id
      const paid = rebalancesOn(cluster, pushes, a, b)
      assert.ok(paid.length >= 1, `${a}-${b} was rebalanced`)
      for (const p of paid) {
        assert.equal(p.feeMsat, 0, `${a}-${b}: no fee`)
        assert.deepEqual(p.chanIds, [id], `${a}-${b}: direct`)
      }
    }
  })

  it('Bob opens E-B at runtime: it is picked up and balanced without a restart', async () => {
    const eb = cluster.openChannel({ from: 'E', to: 'B', capacity: 2_000_000, fromBalance: 1_700_000 })
    assert.ok(!inside(cluster, 'E', 'B'))
    await eventually(() => inside(cluster, 'E', 'B'), 20_000, 'E-B balanced')
    const paid = rebalancesOn(cluster, pushes, 'E', 'B')
    assert.ok(paid.length >= 1)
    for (const p of paid) assert.deepEqual(p.chanIds, [eb.id])
    assert.ok(has(alice, (e) => e.type === 'channel_watched' && e.channelId === eb.id && e.node === 'B'))
  })

  it('when Bob vanishes his channels are dropped; when he returns they are watched and balanced again', async () => {
    const ac = cluster.channelBetween('A', 'C')?.id as string
    const before = alice.events().length
    const since = (match: (e: TightropeEvent) => boolean): true | undefined =>
      alice.events().slice(before).some(match) ? true : undefined
    bob = await bobOp.restart('SIGKILL')
    await eventually(
      () => since((e) => e.type === 'channel_unwatched' && e.channelId === ac && e.node === 'A'),
      30_000,
      'A-C unwatched while Bob was gone'
    )
    await eventually(
      () => since((e) => e.type === 'channel_watched' && e.channelId === ac && e.node === 'A'),
      30_000,
      'A-C watched again'
    )
    pushes.add((await push(cluster, 'A', 'C', 1_500_000)).paymentHash)
    await eventually(() => inside(cluster, 'A', 'C'), 20_000, 'A-C balanced after Bob returned')
  })
})

describe('different secrets: the instances never talk and A-C is never touched', () => {
  let cluster: SimCluster
  const cleanup: Array<() => Promise<unknown>> = []
  after(async () => {
    for (const c of cleanup.reverse()) await c()
    await cluster?.stop()
  })

  it('nothing crosses', async () => {
    cluster = await SimCluster.start({ scenario: readmeScenario(), dht: true, control: false })
    const alice = (await operator(cluster, ['A', 'B'], { secret: 'alice-only-secret-1234567' }, cleanup)).proc
    const bob = (await operator(cluster, ['C', 'D', 'E'], { secret: 'bob-only-secret-7654321' }, cleanup)).proc
    const pushed = await push(cluster, 'A', 'C', 1_500_000)
    await new Promise((resolve) => setTimeout(resolve, 4000))
    for (const proc of [alice, bob])
      assert.ok(
        !proc.events().some((e) => /^(peer_(authenticated|dropped)|message_dropped|payment_)/.test(e.type)),
        shown(proc, () => true)
      )
    assert.equal(
      cluster.network.paymentLog.filter(
        (p) =>
          p.paymentHash !== pushed.paymentHash && ((p.from === 'C' && p.to === 'A') || (p.from === 'A' && p.to === 'C'))
      ).length,
      0
    )
    assert.ok(!inside(cluster, 'A', 'C'), 'A-C stays where the push left it')
  })
})

/** Bob's payer C on LND (readme story), then on Core Lightning (scenarios/mixed.json, same channels). */
for (const payer of ['lnd', 'cln'] as const)
  describe(`payer-side limits hold across instances and across a restart of the payer (C on ${payer})`, () => {
    let cluster: SimCluster
    const cleanup: Array<() => Promise<unknown>> = []
    after(async () => {
      for (const c of cleanup.reverse()) await c()
      await cluster?.stop()
    })

    it('Bob pays Alice at most maxTransactionsPerPeriod times, before and after he restarts', async () => {
      cluster = await SimCluster.start({
        scenario: payer === 'cln' ? mixedScenario() : readmeScenario(),
        dht: true,
        control: false
      })
      assert.equal(cluster.nodeConnection('C').implementation, payer)
      const pushes = new Set<string>()
      // Alice asks for at most what Bob pays per payment, so that his count limit is what stops him.
      const alice = (
        await operator(cluster, ['A', 'B'], { secret: SECRET, baseSettings: { maxTransactionSize: 50_000 } }, cleanup)
      ).proc
      const bobOp = await operator(
        cluster,
        ['C', 'D', 'E'],
        { secret: SECRET, baseSettings: { maxTransactionSize: 50_000, maxTransactionsPerPeriod: 2 } },
        cleanup
      )
      await eventually(() => has(alice, authenticated), 20_000, 'authentication')
      pushes.add((await push(cluster, 'A', 'C', 1_500_000)).paymentHash)
      await eventually(
        () => has(bobOp.proc, (e) => e.type === 'payment_refused' && e.reason === 'maxTransactionsPerPeriod'),
        20_000,
        'Bob refusing for maxTransactionsPerPeriod'
      )
      const paid = rebalancesOn(cluster, pushes, 'A', 'C')
      assert.equal(paid.length, 2)
      for (const p of paid) assert.ok(p.amountMsat <= 50_000_000)
      await eventually(
        () => has(alice, (e) => e.type === 'rebalance_not_done' && e.reason === 'maxTransactionsPerPeriod'),
        10_000,
        'Alice to learn why'
      ).catch((err: Error) => {
        throw new Error(
          `${err.message}\nalice:\n${shown(
            alice,
            (e) =>
              e.type !== 'channel_watched' &&
              (/peer_|error/.test(e.type) || ('channelId' in e && e.channelId === '512x2x0'))
          )}`
        )
      })

      const bob = await bobOp.restart()
      await eventually(
        () => has(bob, (e) => e.type === 'payment_refused' && e.reason === 'maxTransactionsPerPeriod'),
        30_000,
        'the restarted Bob still refusing'
      )
      assert.equal(rebalancesOn(cluster, pushes, 'A', 'C').length, 2, 'no payment after the restart')
    })
  })
