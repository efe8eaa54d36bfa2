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

const implementationOf = (cluster: SimCluster, alias: string): string => cluster.nodeConnection(alias).implementation

/**
 * From the unbalancing payment settled to the channel back inside its deadzone (ground truth).
 * byPayer (mixed networks): the samples are named by the implementation of the node that pays the
 * rebalance back (the one the push filled), e.g. reaction.NAME.cln_pays.p50.
 */
async function reaction(cluster: SimCluster, a: string, b: string, name: string, byPayer = false): Promise<void> {
  const sampled = new Map<string, number[]>()
  const capacity = cluster.channelBetween(a, b)?.capacity as number
  for (let i = 0; i < EVENTS; i++) {
    const [from, to] = i % 2 === 0 ? [a, b] : [b, a]
    const key = byPayer ? `${name}.${implementationOf(cluster, to)}_pays` : name
    const truth = await cluster.pay({ from, to, tokens: Math.round(capacity * 0.25) })
    if (truth.status !== 'SUCCEEDED') throw new Error(`push failed: ${truth.failureReason}`)
    const t0 = performance.now()
    while (Math.abs(shareOf(cluster, a, b) - 0.5) > 0.1) {
      if (performance.now() - t0 > 20_000) throw new Error(`${name}: no reaction within 20 s`)
      await sleep(2)
    }
    const samples = sampled.get(key) ?? []
    samples.push(performance.now() - t0)
    sampled.set(key, samples)
    await sleep(50)
  }
  for (const [key, samples] of sampled) {
    samples.sort((x, y) => x - y)
    for (const p of [50, 95, 99])
      report({
        name: `reaction.${key}.p${p}`,
        value: percentile(samples, p) / 1000,
        unit: 's',
        params: { events: samples.length }
      })
  }
}

/**
 * RPC calls per minute per node, counted by the simulator's servers (gRPC calls and stream
 * subscriptions for LND, clnrest requests, `wait` long-polls included, for CLN). All-LND: one figure
 * lnd_load.NAME, as before; mixed: node_load.NAME.lnd and node_load.NAME.cln, with the calls by method.
 */
async function nodeLoad(
  cluster: SimCluster,
  aliases: string[],
  seconds: number,
  name: string,
  traffic?: () => Promise<void>
): Promise<void> {
  const calls = (): Map<string, Map<string, number>> =>
    new Map(aliases.map((a) => [a, new Map(cluster.endpoint(a).calls)]))
  const before = calls()
  const until = Date.now() + seconds * 1000
  while (Date.now() < until) {
    if (traffic) await traffic()
    await sleep(traffic ? 500 : 1000)
  }
  const after = calls()
  const groups = new Map<string, string[]>()
  for (const a of aliases)
    groups.set(implementationOf(cluster, a), [...(groups.get(implementationOf(cluster, a)) ?? []), a])
  for (const [implementation, group] of groups) {
    const methods: Record<string, number> = {}
    for (const a of group)
      for (const [path, n] of after.get(a) ?? [])
        methods[path.slice(path.lastIndexOf('/') + 1)] =
          (methods[path.slice(path.lastIndexOf('/') + 1)] ?? 0) + n - (before.get(a)?.get(path) ?? 0)
    const total = Object.values(methods).reduce((s, n) => s + n, 0)
    report({
      name: groups.size === 1 && implementation === 'lnd' ? `lnd_load.${name}` : `node_load.${name}.${implementation}`,
      value: total / group.length / (seconds / 60),
      unit: 'calls/min/node',
      params: {
        seconds,
        nodes: group.length,
        calls: Object.fromEntries(Object.entries(methods).filter(([, n]) => n > 0))
      }
    })
  }
}

/**
 * The readme story (Alice: A, B; Bob: C, D, E), all LND or, with `mixed`, B and C on Core
 * Lightning (scenarios/mixed.json): idle load, reaction inside one instance and across, load under
 * traffic, fees. The mixed run lets the instances settle 40 s first (the CLN channel poll backs off
 * from 10 s to 30 s over its first two looks) and measures idle load over 120 s (the LND nodes of
 * the same run beside the CLN ones); the all-LND run keeps the protocol of the earlier figures.
 */
async function readmeBenches(mixed: boolean): Promise<void> {
  const file = mixed ? 'mixed.json' : 'readme-example.json'
  const scenario = parseScenario(JSON.parse(readFileSync(join(process.cwd(), 'scenarios', file), 'utf8')))
  const cluster = await SimCluster.start({ scenario, dht: true, control: false })
  const instances: Instance[] = []
  const prefix = mixed ? 'mixed.' : ''
  try {
    instances.push(await startInstance(config(cluster, ['A', 'B'], await temp()), { log: () => {} }))
    instances.push(await startInstance(config(cluster, ['C', 'D', 'E'], await temp()), { log: () => {} }))
    while (![...(instances[0]?.swarm?.peers ?? [])].some((p) => p.authenticated)) await sleep(50)
    await sleep(mixed ? 40_000 : 1000)
    const start = cluster.network.paymentLog.length
    const idleSeconds = mixed ? (QUICK ? 60 : 120) : QUICK ? 20 : 60
    await nodeLoad(cluster, ['A', 'B', 'C', 'D', 'E'], idleSeconds, `${prefix}idle`)
    if (mixed) {
      await reaction(cluster, 'A', 'B', 'mixed.inside_one_instance.A-B', true)
      await reaction(cluster, 'C', 'D', 'mixed.inside_one_instance.C-D', true)
      await reaction(cluster, 'A', 'C', 'mixed.across_instances.A-C', true)
    } else {
      await reaction(cluster, 'A', 'B', 'inside_one_instance')
      await reaction(cluster, 'A', 'C', 'across_instances')
    }
    let n = 0
    await nodeLoad(cluster, ['A', 'B', 'C', 'D', 'E'], QUICK ? 20 : 60, `${prefix}traffic`, async () => {
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
      name: `cost.${prefix}rebalance_fees`,
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

// BENCH_PARTS=reaction,mixed,discovery,scale runs only those parts (default: all). mixed: the
// readme story with B and C on Core Lightning.
const parts = new Set((process.env.BENCH_PARTS ?? 'reaction,mixed,discovery,scale').split(','))
try {
  if (parts.has('reaction')) await readmeBenches(false)
  if (parts.has('mixed')) await readmeBenches(true)
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
