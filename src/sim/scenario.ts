import { readFileSync } from 'node:fs'
import { z } from 'zod'

/**
 * A scenario file: the nodes and channels a simulated network starts with.
 * Balances are what LND reports as the opener's local_balance; the rest of the capacity, less
 * the commitment fee and anchors, belongs to the other side.
 */
const alias = z.string().regex(/^[A-Za-z0-9_.-]{1,32}$/, 'expected 1 to 32 letters, digits, "_", "." or "-"')
const policy = z
  .object({
    feeBaseMsat: z.number().int().min(0).optional(),
    feeRatePpm: z.number().int().min(0).optional(),
    timeLockDelta: z.number().int().min(18).max(65535).optional(),
    minHtlcMsat: z.number().int().min(1).optional(),
    disabled: z.boolean().optional()
  })
  .strict()

export const scenarioSchema = z
  .object({
    name: z.string().optional(),
    description: z.string().optional(),
    seed: z.string().optional(),
    hopLatencyMs: z.number().int().min(0).max(60_000).optional(),
    nodes: z
      .array(
        z
          .object({
            alias,
            color: z
              .string()
              .regex(/^#[0-9a-fA-F]{6}$/, 'expected a color like "#3399ff"')
              .optional(),
            operator: z.string().optional(),
            /** Which node software it imitates: LND's gRPC (default) or Core Lightning's clnrest. */
            implementation: z.enum(['lnd', 'cln']).optional()
          })
          .strict()
      )
      .min(1),
    channels: z.array(
      z
        .object({
          from: alias,
          to: alias,
          capacity: z.number().int().min(20000).max(10_000_000_000),
          fromBalance: z.number().int().min(0).optional(),
          fromPolicy: policy.optional(),
          toPolicy: policy.optional()
        })
        .strict()
    )
  })
  .strict()
  .superRefine((s, ctx) => {
    const aliases = new Set<string>()
    s.nodes.forEach((n, i) => {
      if (aliases.has(n.alias))
        ctx.addIssue({ code: 'custom', path: ['nodes', i, 'alias'], message: `alias "${n.alias}" is used twice` })
      aliases.add(n.alias)
    })
    s.channels.forEach((c, i) => {
      if (!aliases.has(c.from))
        ctx.addIssue({ code: 'custom', path: ['channels', i, 'from'], message: `no node with alias "${c.from}"` })
      if (!aliases.has(c.to))
        ctx.addIssue({ code: 'custom', path: ['channels', i, 'to'], message: `no node with alias "${c.to}"` })
      if (c.from === c.to)
        ctx.addIssue({ code: 'custom', path: ['channels', i, 'to'], message: 'a channel needs two different nodes' })
      if (c.fromBalance !== undefined && c.fromBalance > c.capacity)
        ctx.addIssue({ code: 'custom', path: ['channels', i, 'fromBalance'], message: 'must not exceed capacity' })
    })
  })

export type Scenario = z.infer<typeof scenarioSchema>

export class ScenarioError extends Error {}

function pathOf(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>(
    (acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)),
    ''
  )
}

export function parseScenario(value: unknown, source = 'scenario'): Scenario {
  const result = scenarioSchema.safeParse(value)
  if (result.success) return result.data
  const lines = result.error.issues.map((i) => `${source}: ${pathOf(i.path) || '(root)'}: ${i.message}`)
  throw new ScenarioError(lines.join('\n'))
}

export function loadScenario(file: string): Scenario {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    throw new ScenarioError(`cannot read scenario ${file}: ${(err as Error).message}`)
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (err) {
    throw new ScenarioError(`${file}: not valid JSON: ${(err as Error).message}`)
  }
  return parseScenario(json, file)
}
