import { SimCluster } from '../src/sim/cluster.js'
import type { Scenario } from '../src/sim/scenario.js'
import { startInstance, type Instance } from '../src/app/instance.js'
import { printTable, report } from './report.js'
import { config, insideCount, QUICK, removeTemps, seeded, sleep, temp } from './common.js'

/**
 * Balance quality under traffic: two operators (10 nodes each, 60 channels between them) routing
 * seeded Poisson traffic of random sizes between outside nodes, for several minutes. The same
 * traffic three times, on a fresh network each: no balancer; Tightrope polling only every 10 s
 * (events ignored: the original's behaviour); Tightrope as shipped. Per run: traffic payments
 * failed (and why), the share of channel-time inside the deadzone, rebalances, sats moved, fees.
 */
const SECONDS = Number(process.env.BENCH_QUALITY_SECONDS ?? (QUICK ? 45 : 180))
const RATE = 5 // traffic payments per second, Poisson
const SEED = 11
const CAPACITY = 2_000_000
const SAMPLE_MS = 500
const BUCKETS = 12 // the inside-deadzone series, for the plot

const A = Array.from({ length: 10 }, (_, i) => `a${i}`)
const B = Array.from({ length: 10 }, (_, i) => `b${i}`)
const X = Array.from({ length: 8 }, (_, i) => `x${i}`)

function network(): { scenario: Scenario; pairs: Array<[string, string]> } {
  const random = seeded(SEED)
  const all = A.flatMap((a) => B.map((b) => [a, b] as [string, string]))
  for (let i = all.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[all[i], all[j]] = [all[j] as [string, string], all[i] as [string, string]]
  }
  const pairs = all.slice(0, 60)
  // Customers (x0-x3) have channels to 2 nodes of operator A, merchants (x4-x7) to 2 of operator B:
  // traffic crosses the cluster's A-B channels. Outside channels are large (not ours to balance,
  // and rarely what fails).
  const outside = X.flatMap((x, i) =>
    (i < 4 ? [A[i], A[i + 4]] : [B[i - 4], B[i]]).map((c) => ({
      from: x,
      to: c as string,
      capacity: 50_000_000,
      fromBalance: 25_000_000 - 3470
    }))
  )
  return {
    scenario: {
      nodes: [...A, ...B, ...X].map((alias) => ({ alias })),
      channels: [
        ...pairs.map(([from, to]) => ({ from, to, capacity: CAPACITY, fromBalance: CAPACITY / 2 - 3470 })),
        ...outside
      ]
    },
    pairs
  }
}

interface Payment {
  at: number
  from: string
  to: string
  tokens: number
}

/**
 * The traffic: Poisson arrivals, log-uniform sizes from 20,000 to 800,000 sat (channels hold
 * 1,000,000 a side when balanced), from customers (x0-x3) to merchants (x4-x7) 3 times in 4 and
 * the other way otherwise: real traffic has a direction, which is what drains channels.
 */
function traffic(): Payment[] {
  const random = seeded(SEED * 7919)
  const out: Payment[] = []
  for (let t = 0; ;) {
    t += (-Math.log(1 - random()) / RATE) * 1000
    if (t >= SECONDS * 1000) return out
    const customer = X[Math.floor(random() * 4)] as string
    const merchant = X[4 + Math.floor(random() * 4)] as string
    const [from, to] = random() < 0.75 ? [customer, merchant] : [merchant, customer]
    out.push({ at: t, from, to, tokens: Math.round(20_000 * Math.exp(random() * Math.log(40))) })
  }
}

const plotted: Array<{ mark: string; series: number[] }> = []

/** Channels inside the deadzone (%) over the run, one column per twelfth, one letter per mode. */
function plot(): string {
  const rows: string[] = []
  for (let level = 100; level >= 0; level -= 10) {
    const cells = Array.from({ length: BUCKETS }, (_, i) => {
      const here = plotted.filter((p) => Math.round((p.series[i] ?? -100) / 10) * 10 === level).map((p) => p.mark)
      return (here.join('') || ' ').padEnd(3)
    })
    rows.push(`${String(level).padStart(4)} | ${cells.join(' ')}`)
  }
  rows.push(`     +${'-'.repeat(BUCKETS * 4)}> time (${SECONDS} s)`)
  rows.push('     n: no balancer, p: poll-only every 10 s, s: Tightrope as shipped')
  return rows.join('\n')
}

async function run(mode: 'none' | 'poll_only' | 'shipped'): Promise<void> {
  const { scenario, pairs } = network()
  const cluster = await SimCluster.start({ scenario, dht: mode !== 'none', control: false })
  const instances: Instance[] = []
  try {
    if (mode !== 'none') {
      instances.push(
        ...(await Promise.all(
          [A, B].map(async (aliases) =>
            startInstance(config(cluster, aliases, await temp()), {
              log: () => {},
              api: false,
              ...(mode === 'poll_only' ? { pollOnly: true } : {})
            })
          )
        ))
      )
      const t0 = performance.now()
      while (instances.reduce((n, i) => n + i.daemon.rebalancer.sides.size, 0) < 2 * pairs.length) {
        if (performance.now() - t0 > 60_000) throw new Error('quality: not every channel watched in 60 s')
        await sleep(50)
      }
    }
    const logStart = cluster.network.paymentLog.length
    const cluster20 = new Set([...A, ...B])
    const samples: number[] = [] // fraction of channels inside the deadzone, every SAMPLE_MS
    const schedule = traffic()
    const results: Array<Promise<{ ok: boolean; reason?: string }>> = []
    const started = performance.now()
    let next = 0 // the same payments at the same moments in every run
    let nextSample = 0
    while (performance.now() - started < SECONDS * 1000) {
      const now = performance.now() - started
      while (next < schedule.length && (schedule[next] as Payment).at <= now) {
        const p = schedule[next++] as Payment
        results.push(
          cluster.pay({ from: p.from, to: p.to, tokens: p.tokens, timeoutMs: 60_000 }).then(
            (t) => (t.status === 'SUCCEEDED' ? { ok: true } : { ok: false, reason: t.failureReason ?? 'unknown' }),
            (err: unknown) => ({ ok: false, reason: (err as Error).message })
          )
        )
      }
      if (now >= nextSample) {
        samples.push(insideCount(cluster, pairs) / pairs.length)
        nextSample += SAMPLE_MS
      }
      await sleep(5)
    }
    const outcomes = await Promise.all(results)
    const failed = outcomes.filter((o) => !o.ok)
    const reasons: Record<string, number> = {}
    for (const f of failed) reasons[f.reason as string] = (reasons[f.reason as string] ?? 0) + 1
    const rebalances = cluster.network.paymentLog
      .slice(logStart)
      .filter((p) => p.status === 'SUCCEEDED' && cluster20.has(p.from) && cluster20.has(p.to))
    const per = Math.ceil(samples.length / BUCKETS)
    const series = Array.from({ length: Math.ceil(samples.length / per) }, (_, i) => {
      const s = samples.slice(i * per, (i + 1) * per)
      return Math.round((100 * s.reduce((x, y) => x + y, 0)) / s.length)
    })
    const params = {
      mode,
      seconds: SECONDS,
      paymentsPerSecond: RATE,
      seed: SEED,
      channels: pairs.length,
      nodes: A.length + B.length,
      outsideNodes: X.length
    }
    report({
      name: `quality.${mode}.failed`,
      value: (100 * failed.length) / outcomes.length,
      unit: '%',
      params: { ...params, payments: outcomes.length, failed: failed.length, reasons }
    })
    plotted.push({ mark: mode[0] as string, series })
    report({
      name: `quality.${mode}.inside_deadzone`,
      value: (100 * samples.reduce((x, y) => x + y, 0)) / samples.length,
      unit: '% of channel-time',
      params: { ...params, samples: samples.length, seriesPercent: series }
    })
    report({
      name: `quality.${mode}.rebalances`,
      value: rebalances.length,
      unit: 'payments',
      params: {
        ...params,
        satsMoved: rebalances.reduce((n, p) => n + p.amountMsat, 0) / 1000,
        feesSat: rebalances.reduce((n, p) => n + p.feeMsat, 0) / 1000
      }
    })
  } finally {
    await Promise.all(instances.map((i) => i.stop()))
    await cluster.stop()
  }
}

// BENCH_QUALITY=shipped runs only those modes.
const modes = (process.env.BENCH_QUALITY?.split(',') ?? ['none', 'poll_only', 'shipped']) as Array<
  'none' | 'poll_only' | 'shipped'
>
try {
  for (const m of modes) await run(m)
} finally {
  await removeTemps()
}
printTable()
console.error(plot())
