import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { SimCluster } from '../../src/sim/cluster.js'
import { eventually, readmeScenario } from '../helpers/sim.js'
import { push, shareOf, tempDir } from '../helpers/daemon.js'
import { writeConfigDir } from '../helpers/config.js'
import { eventLine } from '../../src/daemon/log-line.js'
import { runTightrope, type Running } from '../helpers/process.js'

const SECRET = 'faults-cluster-secret-0123456789'
const CLOCK_AHEAD = join(process.cwd(), 'test', 'fixtures', 'clock-ahead.mjs')

/**
 * Faults across Alice's (A, B) and Bob's (C, D, E) instances, each its own process. Bob pays for
 * A-C: its C->A payment is held in flight while something breaks, then released.
 */
describe('faults in the middle of a cross-operator rebalance', () => {
  let cluster: SimCluster
  const dirs: Array<{ remove: () => Promise<void> }> = []
  const configs: Record<string, string> = {}
  const procs: Record<string, Running> = {}

  const start = async (name: string, env: NodeJS.ProcessEnv = {}): Promise<Running> => {
    procs[name] = runTightrope(['start', '--config', configs[name] as string, '--log-format', 'json'], env)
    await eventually(
      () => (procs[name]?.events().some((e) => e.type === 'started') ? true : undefined),
      30_000,
      `${name} started`
    )
    return procs[name] as Running
  }
  const authenticated = async (): Promise<void> => {
    await eventually(
      () =>
        ['alice', 'bob'].every((n) => procs[n]?.events().some((e) => e.type === 'peer_authenticated'))
          ? true
          : undefined,
      30_000,
      'mutual authentication'
    )
  }
  const acBalanced = async (): Promise<void> => {
    await eventually(
      () => (Math.abs(shareOf(cluster, 'A', 'C') - 0.5) <= 0.1 ? true : undefined),
      30_000,
      'A-C balanced'
    ).catch((err: Error) => {
      const pick = (name: string): string =>
        (procs[name]?.events() ?? [])
          .filter(
            (e) =>
              /^(node_|peer_|payment_reconciled|.*error)/.test(e.type) ||
              ('channelId' in e && e.channelId === '512x2x0' && e.type !== 'channel_watched')
          )
          .slice(-25)
          .map((e) => eventLine(e, 'text'))
          .join('\n')
      throw new Error(`${err.message}\n--- alice\n${pick('alice')}\n--- bob\n${pick('bob')}`)
    })
  }
  const paymentsOf = (hash: string) => cluster.network.paymentLog.filter((p) => p.paymentHash === hash)

  /** Pushes A-C out of balance with Bob's payment held in flight; returns the held payment. */
  const heldRebalance = async () => {
    cluster.addFault({ type: 'hold', from: 'C', to: 'A' })
    await push(cluster, 'A', 'C', 1_500_000)
    return eventually(() => cluster.network.faults.listHeld()[0], 20_000, "Bob's payment held in flight")
  }

  before(async () => {
    cluster = await SimCluster.start({ scenario: readmeScenario(), dht: true, control: false })
    for (const [name, aliases] of [
      ['alice', ['A', 'B']],
      ['bob', ['C', 'D', 'E']]
    ] as const) {
      const d = await tempDir()
      dirs.push(d)
      configs[name] = await writeConfigDir(d.path, cluster, [...aliases], { secret: SECRET })
    }
    await start('alice')
    await start('bob')
    await authenticated()
  })
  after(async () => {
    for (const p of Object.values(procs)) await p.stop('SIGKILL')
    await cluster?.stop()
    for (const d of dirs) await d.remove()
  })

  it('the requester is killed between payInvoice and paymentResult: on restart it confirms from its own invoice', async () => {
    const held = await heldRebalance()
    await procs.alice?.stop('SIGKILL')
    cluster.network.faults.release(held.id)
    await eventually(
      () => paymentsOf(held.paymentHash).find((p) => p.status === 'SUCCEEDED'),
      10_000,
      'the payment to settle'
    )
    const alice = await start('alice')
    await eventually(
      () =>
        alice
          .events()
          .some(
            (e) =>
              e.type === 'rebalanced' &&
              e.channelId === cluster.channelBetween('A', 'C')?.id &&
              e.node === 'A' &&
              e.tokens === 1_000_000 &&
              e.paymentHash === held.paymentHash
          )
          ? true
          : undefined,
      20_000,
      'Alice recording the rebalance she was asleep for'
    )
    await authenticated()
    await acBalanced()
    assert.equal(paymentsOf(held.paymentHash).length, 1, 'paid once')
  })

  it('the payer dies mid-payment (a peer disconnecting mid-flow): the requester withdraws, nothing is paid twice or lost', async () => {
    const held = await heldRebalance()
    await procs.bob?.stop('SIGKILL')
    // Alice notices the lost connection and withdraws her invoice instead of waiting an hour.
    await eventually(
      () =>
        procs.alice?.events().some((e) => e.type === 'rebalance_not_done' && e.reason === 'peerDisconnected')
          ? true
          : undefined,
      40_000,
      'Alice withdrawing the request'
    )
    cluster.network.faults.release(held.id)
    const outcome = await eventually(() => paymentsOf(held.paymentHash)[0], 10_000, 'the held payment to end')
    assert.equal(outcome.status, 'FAILED', 'the withdrawn invoice is not paid')
    const bob = await start('bob')
    const reconciled = await eventually(
      () => bob.events().find((e) => e.type === 'payment_reconciled' && e.paymentHash === held.paymentHash),
      20_000,
      'Bob reconciling from LND'
    )
    assert.equal(reconciled.type === 'payment_reconciled' && reconciled.outcome, 'failed')
    await authenticated()
    await acBalanced()
    assert.equal(paymentsOf(held.paymentHash).filter((p) => p.status === 'SUCCEEDED').length, 0)
  })

  it("the payer's LND goes offline in the middle of the payment and comes back", async () => {
    const held = await heldRebalance()
    await cluster.setOnline('C', false)
    cluster.network.faults.release(held.id)
    await eventually(
      () => paymentsOf(held.paymentHash).find((p) => p.status === 'SUCCEEDED'),
      10_000,
      'the payment to settle'
    )
    await cluster.setOnline('C', true)
    await eventually(
      () =>
        procs.bob
          ?.events()
          .some(
            (e) =>
              (e.type === 'payment_succeeded' || e.type === 'payment_reconciled') && e.paymentHash === held.paymentHash
          )
          ? true
          : undefined,
      30_000,
      'Bob recording the outcome after his LND returned'
    )
    await acBalanced()
    assert.equal(paymentsOf(held.paymentHash).length, 1, 'paid once')
  })

  it('the DHT bootstrap dies after the peers connected: they keep balancing', async () => {
    await cluster.stopDht()
    await push(cluster, 'A', 'C', 1_500_000)
    await acBalanced()
  })
})

describe('clocks 10 minutes apart', () => {
  let cluster: SimCluster
  const dirs: Array<{ remove: () => Promise<void> }> = []
  const procs: Running[] = []
  after(async () => {
    for (const p of procs) await p.stop('SIGKILL')
    await cluster?.stop()
    for (const d of dirs) await d.remove()
  })

  it("Bob's clock runs 10 minutes ahead of Alice's: A-C is balanced all the same", async () => {
    cluster = await SimCluster.start({ scenario: readmeScenario(), dht: true, control: false })
    const a = await tempDir()
    const b = await tempDir()
    dirs.push(a, b)
    const alice = runTightrope([
      'start',
      '--log-format',
      'json',
      '--config',
      await writeConfigDir(a.path, cluster, ['A', 'B'], { secret: SECRET })
    ])
    const bob = runTightrope(
      [
        'start',
        '--log-format',
        'json',
        '--config',
        await writeConfigDir(b.path, cluster, ['C', 'D', 'E'], { secret: SECRET })
      ],
      { NODE_OPTIONS: `--import=${CLOCK_AHEAD}`, CLOCK_OFFSET_MS: String(10 * 60_000) }
    )
    procs.push(alice, bob)
    await eventually(
      () => ([alice, bob].every((p) => p.events().some((e) => e.type === 'peer_authenticated')) ? true : undefined),
      30_000,
      'authentication'
    )
    // The time Bob's process stamped on its own start event: his clock, not ours.
    const bobStarted = bob.events().find((e) => e.type === 'started')?.at
    assert.ok(bobStarted && bobStarted - Date.now() > 9 * 60_000, `Bob's clock is ahead (${bobStarted})`)
    await push(cluster, 'A', 'C', 1_500_000)
    await eventually(
      () => (Math.abs(shareOf(cluster, 'A', 'C') - 0.5) <= 0.1 ? true : undefined),
      20_000,
      'A-C balanced'
    )
  })
})
