import { z } from 'zod'
import { parseDuration } from './duration.js'

/**
 * The configuration file, in the original Tightrope's shape (so its users can copy their config
 * over) plus the new `swarm` and `api` sections. Every value is checked; messages name what was
 * expected. Durations become milliseconds.
 */
const duration = (bareUnitMs = 1, min = 0) => z.union([z.string(), z.number()], { error: 'expected a duration like "60s", "10m", "4h" or "1d"' })
  .transform((v, ctx) => {
    const r = parseDuration(v, bareUnitMs)
    if (!r.ok) { ctx.addIssue({ code: 'custom', message: r.error }); return z.NEVER }
    if (r.ms < min) { ctx.addIssue({ code: 'custom', message: `expected at least ${min / 1000}s, got ${JSON.stringify(v)}` }); return z.NEVER }
    return r.ms
  })

const wholeNumber = (what: string, min: number) => z.number({ error: `expected ${what}` }).int({ error: `expected ${what}` }).min(min, { error: `expected ${what}` })
const fraction = (lo: number, hi: number, open = false) => z.number({ error: `expected a number between ${lo} and ${hi}` })
  .refine((n) => open ? n > lo && n < hi : n >= lo && n <= hi, { error: `expected a number between ${lo} and ${hi}` })

export const settingsShape = {
  maxTransactionSize: wholeNumber('a whole number of satoshis above 0', 1),
  minTimeBetweenPayments: duration(),
  limitsPeriod: duration(1, 1000),
  useRollingLimitsPeriod: z.boolean({ error: 'expected true or false' }),
  maxTransactionsPerPeriod: wholeNumber('a whole number of payments, 0 or more', 0),
  maxAmountPerPeriod: wholeNumber('a whole number of satoshis, 0 or more', 0),
  balancePoint: fraction(0, 1, true),
  deadzone: fraction(0, 0.5),
  // The original reads a bare refreshRate as seconds (refreshRate: 10 polls every 10 s).
  refreshRate: duration(1000, 1000)
}

/** balancePoint ± deadzone must stay inside the channel, or the thresholds mean nothing. */
function checkBand (s: { balancePoint?: number; deadzone?: number }, ctx: z.RefinementCtx): void {
  if (s.balancePoint === undefined || s.deadzone === undefined) return
  if (s.balancePoint - s.deadzone < 0 || s.balancePoint + s.deadzone > 1) {
    ctx.addIssue({ code: 'custom', path: ['deadzone'], message: `expected balancePoint ± deadzone inside 0..1 (balancePoint ${s.balancePoint}, deadzone ${s.deadzone})` })
  }
}

export const baseSettingsSchema = z.strictObject(settingsShape).superRefine(checkBand)
export const idSettingsSchema = z.strictObject({ id: z.string({ error: 'expected a node alias, a channel id or "alias:channelId"' }).min(1, { error: 'expected a node alias, a channel id or "alias:channelId"' }), ...Object.fromEntries(Object.entries(settingsShape).map(([k, v]) => [k, v.optional()])) as { [K in keyof typeof settingsShape]: z.ZodOptional<typeof settingsShape[K]> } }).superRefine(checkBand)

const base64OrHex = (what: string) => z.string({ error: `expected the base64 (or hex) of the ${what}` })
  .refine((s) => s.length > 0 && (/^[0-9a-fA-F]+$/.test(s) || /^[A-Za-z0-9+/]+={0,2}$/.test(s)), { error: `expected the base64 (or hex) of the ${what}` })

const hostPort = z.string({ error: 'expected "host:port"' }).regex(/^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, { error: 'expected "host:port"' })
  .refine((s) => { const port = Number(s.slice(s.lastIndexOf(':') + 1)); return port > 0 && port < 65536 }, { error: 'expected a port from 1 to 65535' })

export const lightningNodeSchema = z.strictObject({
  type: z.literal('lnd', { error: 'expected "lnd" (the only node type supported so far)' }).default('lnd'),
  cert: base64OrHex('LND tls.cert file'),
  macaroon: base64OrHex('LND macaroon'),
  socket: hostPort
})

export const configSchema = z.strictObject({
  secret: z.string({ error: 'expected a long random string shared by the cluster' }).min(1, { error: 'expected a long random string shared by the cluster' }),
  lightningNodes: z.array(lightningNodeSchema, { error: 'expected a list of nodes' }).min(1, { error: 'add at least one node (in config/local.json)' }),
  announceInterval: z.number().optional(),
  audit: z.strictObject({
    storage: z.strictObject({ path: z.string().min(1, { error: 'expected a directory path' }) }),
    transactionHistory: z.string().min(1).default('transaction-log'),
    eventLog: z.string().min(1).default('event-log'),
    verboseScreenLogging: z.boolean({ error: 'expected true or false' }).default(false),
    shouldMask: z.array(z.string()).default([])
  }),
  limits: z.strictObject({
    baseSettings: baseSettingsSchema,
    idSettings: z.array(idSettingsSchema, { error: 'expected a list of { id, ...settings }' }).default([])
  }),
  swarm: z.strictObject({ bootstrap: z.array(hostPort).default([]) }).default({ bootstrap: [] }),
  api: z.strictObject({
    host: z.string().default('127.0.0.1'),
    port: z.number().int().min(0).max(65535, { error: 'expected a port from 0 to 65535' }).default(8470),
    token: z.string().min(16, { error: 'expected a token of at least 16 characters' }).optional()
  }).default({ host: '127.0.0.1', port: 8470 })
})

export type TightropeConfig = z.infer<typeof configSchema>
export type IdSettings = z.infer<typeof idSettingsSchema>
export type Limits = TightropeConfig['limits']
