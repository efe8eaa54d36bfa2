import { SimCluster } from '../src/sim/cluster.js'
import type { Scenario } from '../src/sim/scenario.js'
import { startInstance, type Instance } from '../src/app/instance.js'
import { printTable, report } from './report.js'
import { config, insideCount, QUICK, removeTemps, seeded, sleep, temp } from './common.js'

/**
 * Burst recovery: every channel between two operators drained at once (a burst of traffic), then
 * the time until every one is back inside its deadzone, by the simulator's ground truth. The
 * payers' budgets (per requesting node and per instance) and per-hash locks are in force as
 * shipped. Half the channels are drained each way, so both operators request and pay.
 */
const CAPACITY = 2_000_000
const DRAIN = 0.35 // of the capacity: a share of 0.5 becomes 0.15 / 0.85, far outside 0.5 ± 0.1
const DEADLINE_MS = 240_000

/** Two operators, `side` nodes each, `channels` channels between them (distinct pairs, seeded). */
function scenario(channels: number): { scenario: Scenario; a: string[]; b: string[]; pairs: Array<[string, string]> } {
  const side = Math.ceil(Math.sqrt(channels * 1.5))
  const a = Array.from({ length: side }, (_, i) => `a${i}`)
  const b = Array.from({ length: side }, (_, i) => `b${i}`)
  const all = a.flatMap((x) => b.map((y) => [x, y] as [string, string]))
  const random = seeded(7)
  for (let i = all.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[all[i], all[j]] = [all[j] as [string, string], all[i] as [string, string]]
  }
  const pairs = all.slice(0, channels)
  return {
    scenario: {
      nodes: [...a, ...b].map((alias) => ({ alias })),
      channels: pairs.map(([from, to]) => ({ from, to, capacity: CAPACITY, fromBalance: CAPACITY / 2 - 3470 }))
    },
    a,
    b,
    pairs
  }
}

async function burst(channels: number): Promise<void> {
  const { scenario: s, a, b, pairs } = scenario(channels)
  const cluster = await SimCluster.start({ scenario: s, dht: true, control: false })
  const instances: Instance[] = []
  try {
    instances.push(
      ...(await Promise.all(
        [a, b].map(async (aliases) =>
          startInstance(config(cluster, aliases, await temp()), { log: () => {}, api: false })
        )
      ))
    )
    const watched = (): number => instances.reduce((n, i) => n + i.daemon.rebalancer.sides.size, 0)
    const t0 = performance.now()
    while (watched() < 2 * channels) {
      if (performance.now() - t0 > 120_000)
        throw new Error(`burst ${channels}: only ${watched()} of ${2 * channels} sides watched`)
      await sleep(50)
    }
    const logStart = cluster.network.paymentLog.length
    const calls = (): number => [...a, ...b].reduce((n, x) => n + cluster.server(x).totalCalls(), 0)
    const calls0 = calls()
    const outside = (): number => pairs.length - insideCount(cluster, pairs)
    const counts: Record<string, number> = {}
    const debug = process.env.BENCH_DEBUG === '1'
    for (const i of instances)
      i.daemon.events.on('event', (e: { type: string; reason?: string; detail?: string }) => {
        const k = `${e.type}${e.reason ? ':' + e.reason : ''}`
        counts[k] = (counts[k] ?? 0) + 1
        if (debug && counts[k] === 1) console.error(JSON.stringify(e).slice(0, 400))
      })
    const started = performance.now()
    const drained = await Promise.all(
      pairs.map(([x, y], i) => {
        const [from, to] = i % 2 === 0 ? [x, y] : [y, x]
        return cluster.pay({ from, to, tokens: CAPACITY * DRAIN })
      })
    )
    const drainS = (performance.now() - started) / 1000
    const failedDrains = drained.filter((p) => p.status !== 'SUCCEEDED').length
    let left = outside()
    let shown = -1
    while (left > 0 && performance.now() - started < DEADLINE_MS) {
      await sleep(100)
      left = outside()
      if (debug && Math.floor((performance.now() - started) / 2000) !== shown) {
        shown = Math.floor((performance.now() - started) / 2000)
        console.error(`${shown * 2}s outside=${left}`)
      }
    }
    if (debug) console.error(JSON.stringify(counts))
    const seconds = (performance.now() - started) / 1000
    const drains = new Set(drained.map((p) => p.paymentHash))
    const rebalances = cluster.network.paymentLog
      .slice(logStart)
      .filter((p) => p.status === 'SUCCEEDED' && !drains.has(p.paymentHash))
    report({
      name: 'burst.recovery',
      value: left === 0 ? seconds : NaN,
      unit: 's',
      params: {
        channels,
        nodesPerOperator: a.length,
        drainSeconds: Math.round(drainS * 100) / 100,
        failedDrains,
        stillOutside: left,
        rebalances: rebalances.length,
        feesSat: rebalances.reduce((n, p) => n + p.feeMsat, 0) / 1000,
        lndCalls: calls() - calls0
      }
    })
  } finally {
    await Promise.all(instances.map((i) => i.stop()))
    await cluster.stop()
  }
}

// BENCH_BURST=50,200 runs only those sizes.
const sizes = process.env.BENCH_BURST?.split(',').map(Number) ?? (QUICK ? [50] : [50, 200, 500])
try {
  for (const n of sizes) await burst(n)
} finally {
  await removeTemps()
}
printTable()
