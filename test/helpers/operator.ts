import assert from 'node:assert/strict'
import { join } from 'node:path'
import type { SimCluster } from '../../src/sim/cluster.js'
import type { TightropeEvent } from '../../src/core/events.js'
import { eventLine } from '../../src/daemon/log-line.js'
import type { PaymentTruth } from '../../src/sim/model/network.js'
import { eventually } from './sim.js'
import { tempDir } from './daemon.js'
import { writeConfigDir, type ConfigOverrides } from './config.js'
import { runTightrope, type Running } from './process.js'

const START = ['start', '--log-format', 'json', '--config']

/** True when the process logged an event matching, else undefined (for `eventually`). */
export const has = (proc: Running, match: (e: TightropeEvent) => boolean): true | undefined =>
  proc.events().some(match) ? true : undefined

/** The events matching, as text lines (for a failure's message). */
export const shown = (proc: Running, match: (e: TightropeEvent) => boolean): string =>
  proc
    .events()
    .filter(match)
    .map((e) => eventLine(e, 'text'))
    .join('\n')

export interface Operator {
  readonly proc: Running
  readonly configDir: string
  /** Its storage directory (ledger, api.json). */
  readonly storage: string
  restart: (signal?: NodeJS.Signals) => Promise<Running>
}

/** Starts `tightrope start` for some nodes in its own process; stopped and cleaned up by the `cleanup` list. */
export async function operator(
  cluster: SimCluster,
  aliases: string[],
  o: ConfigOverrides,
  cleanup: Array<() => Promise<unknown>>
): Promise<Operator> {
  const dir = await tempDir('tightrope-op-')
  const configDir = await writeConfigDir(dir.path, cluster, aliases, o)
  const started = (e: TightropeEvent): boolean => e.type === 'started'
  const state = { proc: runTightrope([...START, configDir]) }
  cleanup.push(async () => {
    await state.proc.stop()
    await dir.remove()
  })
  await eventually(() => has(state.proc, started), 30_000, `${aliases.join(',')} to start:\n${state.proc.output()}`)
  return {
    get proc() {
      return state.proc
    },
    configDir,
    storage: o.storage ?? join(dir.path, 'storage'),
    restart: async (signal: NodeJS.Signals = 'SIGTERM') => {
      const code = await state.proc.stop(signal)
      if (signal === 'SIGTERM') assert.equal(code, 0)
      state.proc = runTightrope([...START, configDir])
      await eventually(() => has(state.proc, started), 30_000, 'restart')
      return state.proc
    }
  }
}

/**
 * The readme story's two operators, each in its own process with the same secret: Alice (A, B)
 * and Bob (C, D, E), returned once each has authenticated the other.
 */
export async function aliceAndBob(
  cluster: SimCluster,
  secret: string,
  cleanup: Array<() => Promise<unknown>>
): Promise<{ alice: Operator; bob: Operator }> {
  const alice = await operator(cluster, ['A', 'B'], { secret }, cleanup)
  const bob = await operator(cluster, ['C', 'D', 'E'], { secret }, cleanup)
  await eventually(
    () =>
      has(alice.proc, (e) => e.type === 'peer_authenticated') && has(bob.proc, (e) => e.type === 'peer_authenticated'),
    30_000,
    'mutual authentication'
  )
  return { alice, bob }
}

/** Rebalancing payments: between the two ends of one channel, not made by the test's own pushes. */
export function rebalancesOn(cluster: SimCluster, pushes: Set<string>, a: string, b: string): PaymentTruth[] {
  return cluster.network.paymentLog.filter(
    (p) => !pushes.has(p.paymentHash) && ((p.from === a && p.to === b) || (p.from === b && p.to === a))
  )
}
