import type { Scenario } from './scenario.js'

/**
 * A connected random network of `nodes` nodes and `channels` channels (a ring first, so every
 * node is reachable, then random extra pairs), reproducible from the seed. For benchmarks.
 */
export function generateScenario(args: {
  nodes: number
  channels: number
  seed?: number
  capacity?: number
  /** Every n-th node (the first included) is a Core Lightning node; all LND when absent. */
  clnEvery?: number
}): Scenario {
  if (args.nodes < 2) throw new RangeError('need at least 2 nodes')
  if (args.channels < args.nodes) throw new RangeError('need at least as many channels as nodes (the ring)')
  let state = (args.seed ?? 1) >>> 0
  const random = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0
    return state / 4294967296
  }
  const alias = (i: number): string => `n${String(i).padStart(3, '0')}`
  if (args.clnEvery !== undefined && (!Number.isInteger(args.clnEvery) || args.clnEvery < 1))
    throw new RangeError('clnEvery must be a positive integer')
  const isCln = (i: number): boolean => args.clnEvery !== undefined && i % args.clnEvery === 0
  const nodes = Array.from({ length: args.nodes }, (_, i) => ({
    alias: alias(i),
    ...(isCln(i) ? { implementation: 'cln' as const } : {})
  }))
  const pairs = new Set<string>()
  const channels: Scenario['channels'] = []
  const add = (a: number, b: number): void => {
    const key = a < b ? `${a}-${b}` : `${b}-${a}`
    if (a === b || pairs.has(key)) return
    pairs.add(key)
    channels.push({ from: alias(a), to: alias(b), capacity: args.capacity ?? 2_000_000 })
  }
  for (let i = 0; i < args.nodes; i++) add(i, (i + 1) % args.nodes)
  const maxPairs = (args.nodes * (args.nodes - 1)) / 2
  while (channels.length < Math.min(args.channels, maxPairs))
    add(Math.floor(random() * args.nodes), Math.floor(random() * args.nodes))
  return { name: `generated-${args.nodes}-${args.channels}`, nodes, channels }
}
