import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { SimCluster } from '../src/sim/cluster.js'
import { validateConfig } from '../src/config/load.js'
import { lightningNodeEntry } from '../src/demo/node-entry.js'

/** What the benchmarks share: settings that never limit a rebalance, configs, ground truth, temp dirs. */
export const QUICK = process.env.BENCH_QUICK === '1'
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))
export const SETTINGS = {
  maxTransactionSize: 10_000_000,
  minTimeBetweenPayments: '0s',
  limitsPeriod: '1h',
  useRollingLimitsPeriod: true,
  maxTransactionsPerPeriod: 100000,
  maxAmountPerPeriod: 1_000_000_000_000,
  balancePoint: 0.5,
  deadzone: 0.1,
  refreshRate: 10
}

const dirs: string[] = []
export async function temp(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'tightrope-bench-'))
  dirs.push(d)
  return d
}
export async function removeTemps(): Promise<void> {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true })
}

export function config(cluster: SimCluster, aliases: string[], storage: string, secret = 'bench-secret-0123456789') {
  return validateConfig({
    secret,
    // LND's entry as the original project wrote it (no type); a CLN node's with type "cln".
    lightningNodes: aliases.map((a) => {
      const c = cluster.nodeConnection(a)
      return c.implementation === 'lnd'
        ? { cert: c.cert, macaroon: c.macaroon, socket: c.socket }
        : lightningNodeEntry(c)
    }),
    audit: { storage: { path: storage } },
    limits: { baseSettings: SETTINGS },
    swarm: { bootstrap: cluster.bootstrap },
    api: { port: 0 }
  })
}

/** `a`'s share of the channel a-b, from the simulator (ground truth). */
export function shareOf(cluster: SimCluster, a: string, b: string): number {
  const ch = cluster.channelBetween(a, b)
  if (!ch) throw new Error(`no channel ${a}-${b}`)
  const [mine, theirs] = ch.from === a ? [ch.fromBalance, ch.toBalance] : [ch.toBalance, ch.fromBalance]
  return mine / (mine + theirs)
}

/** A seeded generator in [0, 1) (the same LCG as generate-scenario.ts): runs are comparable. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0
    return state / 4294967296
  }
}

/**
 * How many of these channels are inside balance point 0.5 ± 0.1, from one read of the simulator's
 * channels (reading each pair on its own costs a full channel list per pair: at 500 channels,
 * polled often, that was most of the bench's CPU, stolen from the daemons it measures).
 */
export function insideCount(cluster: SimCluster, pairs: ReadonlyArray<readonly [string, string]>): number {
  const byPair = new Map<string, number>()
  for (const ch of cluster.channels())
    byPair.set(`${ch.from} ${ch.to}`, ch.fromBalance / (ch.fromBalance + ch.toBalance))
  let inside = 0
  for (const [a, b] of pairs) {
    const share = byPair.get(`${a} ${b}`) ?? 1 - (byPair.get(`${b} ${a}`) ?? NaN)
    if (Math.abs(share - 0.5) <= 0.1) inside++
  }
  return inside
}
