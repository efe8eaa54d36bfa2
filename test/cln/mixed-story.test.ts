import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { SimCluster } from '../../src/sim/cluster.js'
import type { TightropeEvent } from '../../src/core/events.js'
import { eventually, mixedScenario } from '../helpers/sim.js'
import { push, shareOf } from '../helpers/daemon.js'
import { runToEnd, type Running } from '../helpers/process.js'
import { aliceAndBob, has, rebalancesOn, shown, type Operator } from '../helpers/operator.js'

const SECRET = 'correcthorsebatterystaple-mixed'
const inside = (cluster: SimCluster, a: string, b: string): true | undefined =>
  Math.abs(shareOf(cluster, a, b) - 0.5) <= 0.1 ? true : undefined
const apiUrl = (proc: Running): string | undefined => {
  const e = proc.events().find((x) => x.type === 'api_listening')
  return e?.type === 'api_listening' ? e.url : undefined
}

/**
 * Issue #12 end to end on scenarios/mixed.json, each operator in its own process: Alice runs A (LND)
 * and B (CLN), Bob runs C (CLN), D and E (LND). Ground truth is the simulator's payment log and
 * balances: every rebalance is a zero-fee payment over exactly the channel being balanced.
 */
describe('the mixed story: LND and Core Lightning nodes in two operators, each its own process', () => {
  let cluster: SimCluster
  const cleanup: Array<() => Promise<unknown>> = []
  const pushes = new Set<string>()
  let alice: Operator
  let bob: Operator

  before(async () => {
    cluster = await SimCluster.start({ scenario: mixedScenario(), dht: true, control: false })
    assert.deepEqual(
      ['A', 'B', 'C', 'D', 'E'].map((a) => cluster.nodeConnection(a).implementation),
      ['lnd', 'cln', 'cln', 'lnd', 'lnd']
    )
    ;({ alice, bob } = await aliceAndBob(cluster, SECRET, cleanup))
  })
  after(async () => {
    for (const c of cleanup.reverse()) await c()
    await cluster?.stop()
  })

  /** Waits for a-b to be back inside its deadzone, with both operators' decisions in the failure. */
  async function balanced(
    a: string,
    b: string,
    what = `${a}-${b} back inside its deadzone`,
    ms = 40_000
  ): Promise<void> {
    await eventually(() => inside(cluster, a, b), ms, what).catch((err: Error) => {
      const why = (e: TightropeEvent): boolean =>
        /refus|not_done|error|request|payment_|peer_|node_|channel_watched/.test(e.type)
      throw new Error(`${err.message}\nalice:\n${shown(alice.proc, why)}\nbob:\n${shown(bob.proc, why)}`)
    })
  }

  /** Every rebalance of a-b: zero fee, over that channel only, paid by `payer`, and at least one. */
  function direct(a: string, b: string, payer: string): void {
    const id = cluster.channelBetween(a, b)?.id
    const paid = rebalancesOn(cluster, pushes, a, b)
    assert.ok(paid.length >= 1, `${a}-${b} was rebalanced`)
    for (const p of paid) {
      assert.equal(p.status, 'SUCCEEDED')
      assert.equal(p.feeMsat, 0, `${a}-${b}: no fee`)
      assert.deepEqual(p.chanIds, [id], `${a}-${b}: over the direct channel only`)
      assert.equal(p.from, payer, `${a}-${b}: paid by ${payer}`)
    }
  }

  it('A-B (LND-CLN, Alice), C-D (CLN-LND, Bob) and A-C (LND-CLN, across) are rebalanced: zero fee, direct', async () => {
    // Each push leaves the CLN node or, for C-D, the LND node rich: the payers are B (CLN), D (LND
    // paying CLN's invoice) and C (CLN paying across operators).
    for (const [from, to] of [
      ['A', 'B'],
      ['C', 'D'],
      ['A', 'C']
    ] as const) {
      const capacity = cluster.channelBetween(from, to)?.capacity as number
      pushes.add((await push(cluster, from, to, Math.round(capacity * 0.3))).paymentHash)
      assert.ok(!inside(cluster, from, to), `${from}-${to} pushed out`)
    }
    await balanced('A', 'B')
    await balanced('C', 'D')
    await balanced('A', 'C')
    direct('A', 'B', 'B')
    direct('C', 'D', 'D')
    direct('A', 'C', 'C')
  })

  it('E-B (LND-CLN, across) opened at runtime is picked up and rebalanced', async () => {
    const eb = cluster.openChannel({ from: 'E', to: 'B', capacity: 2_000_000, fromBalance: 1_700_000 })
    assert.ok(!inside(cluster, 'E', 'B'))
    // B (CLN) learns of a new channel from its channel poll, up to 30 s apart while idle (CLN's wait
    // subsystems have no channel index): the budget allows for that on a busy machine.
    await balanced('E', 'B', 'E-B balanced', 90_000)
    direct('E', 'B', 'E')
    assert.ok(has(alice.proc, (e) => e.type === 'channel_watched' && e.channelId === eb.id && e.node === 'B'))
    assert.ok(has(bob.proc, (e) => e.type === 'channel_watched' && e.channelId === eb.id && e.node === 'E'))
  })

  it('C (CLN) taken offline and back: lost, then connected, in the API and `tightrope status --json`; A-C balances after', async () => {
    const url = await eventually(() => apiUrl(bob.proc), 10_000, "Bob's API")
    const stateOfC = async (): Promise<string | undefined> => {
      const s = (await (await fetch(`${url}/api/status`)).json()) as { nodes: Array<{ alias: string; state: string }> }
      return s.nodes.find((n) => n.alias === 'C')?.state
    }
    const statusCommand = async (): Promise<string | undefined> => {
      const r = await runToEnd(['status', '--config', bob.configDir, '--json'])
      assert.equal(r.code, 0, r.output)
      const s = JSON.parse(r.output) as { nodes: Array<{ alias: string; state: string }> }
      return s.nodes.find((n) => n.alias === 'C')?.state
    }
    assert.equal(await stateOfC(), 'connected')

    await cluster.setOnline('C', false)
    await eventually(async () => ((await stateOfC()) === 'lost' ? true : undefined), 30_000, 'C lost')
    assert.equal(await statusCommand(), 'lost', 'the command says so too')
    assert.ok(
      has(bob.proc, (e) => e.type === 'node_disconnected' && e.node === 'C'),
      shown(bob.proc, (e) => /node_/.test(e.type))
    )

    await cluster.setOnline('C', true)
    await eventually(async () => ((await stateOfC()) === 'connected' ? true : undefined), 40_000, 'C connected again')
    assert.equal(await statusCommand(), 'connected')

    const before = rebalancesOn(cluster, pushes, 'A', 'C').length
    pushes.add((await push(cluster, 'A', 'C', 1_500_000)).paymentHash)
    assert.ok(!inside(cluster, 'A', 'C'))
    await balanced('A', 'C', 'A-C balanced after C came back')
    assert.ok(rebalancesOn(cluster, pushes, 'A', 'C').length > before, 'a new rebalance on A-C')
    direct('A', 'C', 'C')
  })
})
