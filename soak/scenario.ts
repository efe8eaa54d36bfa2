import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { parseScenario, type Scenario } from '../src/sim/scenario.js'

/**
 * The soak's network: by default two operators with five nodes each (a ring inside each, five
 * channels across, two outside nodes x and y). `cln` puts every other node on Core Lightning (a1,
 * a3, b1, b3 and x): LND-CLN and CLN-LND inside each operator, LND-LND and CLN-CLN across. A scenario
 * file replaces it (e.g. scenarios/mixed.json).
 */
export function soakScenario(opts: { cln?: boolean; file?: string }): Scenario {
  if (opts.file !== undefined) return parseScenario(JSON.parse(readFileSync(resolve(opts.file), 'utf8')), opts.file)
  const nodes: Scenario['nodes'] = []
  const channels: Scenario['channels'] = []
  const implementation = (i: number): Partial<Scenario['nodes'][number]> =>
    opts.cln === true && i % 2 === 1 ? { implementation: 'cln' } : {}
  for (const [op, p] of [
    ['alice', 'a'],
    ['bob', 'b']
  ] as const) {
    for (let i = 0; i < 5; i++) nodes.push({ alias: `${p}${i}`, operator: op, ...implementation(i) })
    for (let i = 0; i < 5; i++) channels.push({ from: `${p}${i}`, to: `${p}${(i + 1) % 5}`, capacity: 3_000_000 })
  }
  for (let i = 0; i < 5; i++) channels.push({ from: `a${i}`, to: `b${i}`, capacity: 4_000_000 })
  nodes.push({ alias: 'x', ...implementation(1) }, { alias: 'y' })
  channels.push(
    { from: 'x', to: 'a0', capacity: 5_000_000 },
    { from: 'x', to: 'b2', capacity: 5_000_000 },
    { from: 'y', to: 'a3', capacity: 5_000_000 },
    { from: 'y', to: 'b4', capacity: 5_000_000 },
    { from: 'x', to: 'y', capacity: 5_000_000 }
  )
  return { name: opts.cln === true ? 'soak-mixed' : 'soak', nodes, channels }
}

/** The nodes Tightrope manages (those with an operator), their operators, and each node's implementation. */
export function clusterOf(scenario: Scenario): {
  ours: ReadonlySet<string>
  operators: string[]
  implementationOf: (alias: string) => 'lnd' | 'cln'
} {
  const withOperator = scenario.nodes.filter((n) => n.operator !== undefined)
  return {
    ours: new Set(withOperator.map((n) => n.alias)),
    operators: [...new Set(withOperator.map((n) => n.operator as string))],
    implementationOf: (alias) => scenario.nodes.find((n) => n.alias === alias)?.implementation ?? 'lnd'
  }
}
