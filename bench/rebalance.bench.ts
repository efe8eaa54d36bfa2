import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { SimCluster } from '../src/sim/cluster.js'
import { parseScenario, type Scenario } from '../src/sim/scenario.js'
import { generateScenario } from '../src/sim/generate-scenario.js'
import { validateConfig } from '../src/config/load.js'
import { startInstance, type Instance } from '../src/app/instance.js'
import { writeConfigDir } from '../test/helpers/config.js'
import { runTightrope } from '../test/helpers/process.js'
import { percentile, printTable, report } from './report.js'
import { config, QUICK, removeTemps, shareOf, sleep, temp } from './common.js'

/**
 * Tightrope's own figures on the simulator and a local DHT: reaction time, LND load, fees,
 * discovery and the daemon's cost at scale. One JSON line per figure; a table at the end.
 * BENCH_QUICK=1 runs fewer events and smaller clusters.
 */
const EVENTS = QUICK ? 20 : 50

/** From the unbalancing payment settled to the channel back inside its deadzone (ground truth). */
async function reaction(cluster: SimCluster, a: string, b: string, name: string): Promise<void> {
  const samples: number[] = []
  const capacity = cluster.channelBetween(a, b)?.capacity as number
  for (let i = 0; i < EVENTS; i++) {
    const [from, to] = i % 2 === 0 ? [a, b] : [b, a]
    const truth = await cluster.pay({ from, to, tokens: Math.round(capacity * 0.25) })
    if (truth.status !== 'SUCCEEDED') throw new Error(`push failed: ${truth.failureReason}`)
    const t0 = performance.now()
    while (Math.abs(shareOf(cluster, a, b) - 0.5) > 0.1) {
      if (performance.now() - t0 > 20_000) throw new Error(`${name}: no reaction within 20 s`)
      await sleep(2)
    }
    samples.push(performance.now() - t0)
    await sleep(50)
  }
  samples.sort((x, y) => x - y)
  for (const p of [50, 95, 99])
    report({
      name: `reaction.${name}.p${p}`,
      value: percentile(samples, p) / 1000,
      unit: 's',
      params: { events: samples.length }
    })
}

/** RPC calls per minute per node, counted by the simulator's servers. */
async function lndLoad(
  cluster: SimCluster,
  aliases: string[],
  seconds: number,
  name: string,
  traffic?: () => Promise<void>
): Promise<void> {
  const total = (): number => aliases.reduce((s, a) => s + cluster.server(a).totalCalls(), 0)
  const before = total()
  const until = Date.now() + seconds * 1000
  while (Date.now() < until) {
    if (traffic) await traffic()
    await sleep(traffic ? 500 : 1000)
  }
  report({
    name: `lnd_load.${name}`,
    value: (total() - before) / aliases.length / (seconds / 60),
    unit: 'calls/min/node',
    params: { seconds, nodes: aliases.length }
  })
}

async function readmeBenches(): Promise<void> {
  const scenario = parseScenario(
    JSON.parse(readFileSync(join(process.cwd(), 'scenarios', 'readme-example.json'), 'utf8'))
  )
  const cluster = await SimCluster.start({ scenario, dht: true, control: false })
  const instances: Instance[] = []
  try {
    instances.push(await startInstance(config(cluster, ['A', 'B'], await temp()), { log: () => {} }))
    instances.push(await startInstance(config(cluster, ['C', 'D', 'E'], await temp()), { log: () => {} }))
    while (![...(instances[0]?.swarm?.peers ?? [])].some((p) => p.authenticated)) await sleep(50)
    await sleep(1000)
    const start = cluster.network.paymentLog.length
    await lndLoad(cluster, ['A', 'B', 'C', 'D', 'E'], QUICK ? 20 : 60, 'idle')
    await reaction(cluster, 'A', 'B', 'inside_one_instance')
    await reaction(cluster, 'A', 'C', 'across_instances')
    let n = 0
    await lndLoad(cluster, ['A', 'B', 'C', 'D', 'E'], QUICK ? 20 : 60, 'traffic', async () => {
      const pairs = [
        ['A', 'B'],
        ['B', 'A'],
        ['C', 'D'],
        ['D', 'E'],
        ['A', 'C'],
        ['C', 'A']
      ] as const
      const [from, to] = pairs[n++ % pairs.length] as readonly [string, string]
      await cluster.pay({ from, to, tokens: 300_000 }).catch(() => {})
    })
    const fees = cluster.network.paymentLog
      .slice(start)
      .filter(
        (p) => p.status === 'SUCCEEDED' && p.chanIds.length === 1 && /^[A-E]$/.test(p.from) && /^[A-E]$/.test(p.to)
      )
    report({
      name: 'cost.rebalance_fees',
      value: fees.reduce((s, p) => s + p.feeMsat, 0) / 1000,
      unit: 'sat',
      params: { directPayments: fees.length }
    })
  } finally {
    for (const i of instances) await i.stop()
    await cluster.stop()
  }
}

/** N instances, one node each, nodes in a ring: from start to every shared channel watched. */
async function discovery(n: number): Promise<void> {
  const scenario: Scenario = {
    nodes: Array.from({ length: n }, (_, i) => ({ alias: `n${i}` })),
    channels: Array.from({ length: n }, (_, i) => ({ from: `n${i}`, to: `n${(i + 1) % n}`, capacity: 2_000_000 }))
  }
  const cluster = await SimCluster.start({ scenario, dht: true, control: false })
  const instances: Instance[] = []
  try {
    const configs = await Promise.all(
      scenario.nodes.map(async (node) => config(cluster, [node.alias], await temp(), 'discovery-secret-0123456789'))
    )
    const t0 = performance.now()
    instances.push(...(await Promise.all(configs.map((c) => startInstance(c, { log: () => {} })))))
    const expected = n === 2 ? 2 : 2 * n
    while (instances.reduce((s, i) => s + i.daemon.rebalancer.sides.size, 0) < expected) {
      if (performance.now() - t0 > 120_000) throw new Error(`discovery of ${n}: not all channels watched in 120 s`)
      await sleep(20)
    }
    report({
      name: 'discovery',
      value: (performance.now() - t0) / 1000,
      unit: 's',
      params: { instances: n, sidesWatched: expected }
    })
  } finally {
    await Promise.all(instances.map((i) => i.stop()))
    await cluster.stop()
  }
}

/** One daemon process managing every node of a generated network: CPU and memory, idle and busy. */
async function scale(nodes: number, channels: number, seconds: number): Promise<void> {
  const cluster = await SimCluster.start({
    scenario: generateScenario({ nodes, channels, seed: 3 }),
    dht: false,
    control: false
  })
  const dir = await temp()
  const aliases = [...cluster.network.nodes.values()].map((n) => n.alias)
  const configDir = await writeConfigDir(dir, cluster, aliases, { verbose: false, baseSettings: { refreshRate: 60 } })
  const proc = runTightrope(['start', '--config', configDir])
  const cpu = (): number => {
    const fields = readFileSync(`/proc/${proc.child.pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
    return (Number(fields[11]) + Number(fields[12])) / 100
  }
  const rss = (): number =>
    Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${proc.child.pid}/status`, 'utf8'))?.[1]) / 1024
  try {
    const t0 = performance.now()
    while (!proc.output().includes(' started ')) {
      if (performance.now() - t0 > 180_000) throw new Error('scale: no start')
      await sleep(100)
    }
    report({ name: 'scale.startup', value: (performance.now() - t0) / 1000, unit: 's', params: { nodes, channels } })
    await sleep(5000)
    let c0 = cpu()
    let w0 = performance.now()
    await sleep(seconds * 1000)
    report({
      name: 'scale.idle.cpu',
      value: (cpu() - c0) / ((performance.now() - w0) / 60_000),
      unit: 'cpu-s/min',
      params: { nodes, channels }
    })
    report({ name: 'scale.idle.rss', value: rss(), unit: 'MB', params: { nodes, channels } })
    c0 = cpu()
    w0 = performance.now()
    const until = Date.now() + seconds * 1000
    let i = 0
    while (Date.now() < until) {
      const a = aliases[i % aliases.length] as string
      const b = aliases[(i * 7 + 1) % aliases.length] as string
      i++
      if (a !== b) await cluster.pay({ from: a, to: b, tokens: 200_000 }).catch(() => {})
      await sleep(200)
    }
    report({
      name: 'scale.traffic.cpu',
      value: (cpu() - c0) / ((performance.now() - w0) / 60_000),
      unit: 'cpu-s/min',
      params: { nodes, channels, paymentsPerSecond: 5 }
    })
    report({ name: 'scale.traffic.rss', value: rss(), unit: 'MB', params: { nodes, channels } })
  } finally {
    await proc.stop('SIGTERM', 30_000)
    await cluster.stop()
  }
}

// BENCH_PARTS=reaction,discovery,scale runs only those parts (default: all).
const parts = new Set((process.env.BENCH_PARTS ?? 'reaction,discovery,scale').split(','))
try {
  if (parts.has('reaction')) await readmeBenches()
  if (parts.has('discovery')) for (const n of QUICK ? [2, 10] : [2, 10, 30]) await discovery(n)
  // BENCH_SCALE=200x2000,10x100 runs only those sizes (nodes x channels).
  const sizes =
    process.env.BENCH_SCALE?.split(',').map((s) => s.split('x').map(Number)) ??
    (QUICK
      ? [[10, 100]]
      : [
          [10, 100],
          [50, 500],
          [200, 2000]
        ])
  if (parts.has('scale'))
    for (const [nodes, channels] of sizes) await scale(nodes as number, channels as number, QUICK ? 15 : 60)
} finally {
  await removeTemps()
}
printTable()
