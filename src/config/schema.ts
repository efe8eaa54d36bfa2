import { z } from 'zod'
import { formatDuration, parseDuration } from './duration.js'
import { certProblem, macaroonProblem } from './credentials.js'
import { hostPortProblem, HOST_PORT_EXPECTED } from './host-port.js'
import {
  CLN_CA_EXPECTED,
  CLN_URL_EXPECTED,
  clnCaProblem,
  clnUrlProblem,
  RUNE_EXPECTED,
  runeProblem
} from './cln-credentials.js'
import { DEFAULTS, DEFAULT_SETTINGS } from './defaults.js'
import { notificationsSchema } from './notifications.js'
import type { CounterpartyConfig, IdSettings, LimitsConfig, Settings, TightropeConfig } from './types.js'

/**
 * The configuration file: the original Tightrope's shape, so its users can copy their
 * config/local.json over, plus the new `swarm` and `api` sections. Every field carries the message
 * an operator sees when it is wrong ("expected ..."); errors.ts/format-issues.ts put the field path
 * in front. Objects are strict so a misspelt key is reported instead of silently ignored (the
 * original's own older keys are removed before this runs: see legacy.ts). Missing values take the
 * original's defaults (defaults.ts). Durations come out in milliseconds.
 */

export const ADD_A_NODE = 'add at least one node in config/local.json'
const objectOf = (what: string): string => `expected an object (${what})`

// Numbers may be written as numeric strings ("500000"): the original did arithmetic on them, so
// such a config worked there, and the config package's custom-environment-variables yield strings.
const numericString = /^-?(?:\d+(?:\.\d+)?|\.\d+)$/
const fromNumericString = (v: unknown): unknown => (typeof v === 'string' && numericString.test(v) ? Number(v) : v)

function wholeNumber(min: number, message: string) {
  return z.preprocess(
    fromNumericString,
    z.number({ error: message }).int({ error: message }).min(min, { error: message })
  )
}

function numberIn(lo: number, hi: number, opts: { exclusive: boolean }) {
  const message = `expected a number between ${lo} and ${hi}${opts.exclusive ? ' (exclusive)' : ''}`
  const n = z.number({ error: message })
  return z.preprocess(
    fromNumericString,
    opts.exclusive
      ? n.gt(lo, { error: message }).lt(hi, { error: message })
      : n.min(lo, { error: message }).max(hi, { error: message })
  )
}

/** A duration (see duration.ts) in ms, within [min, max]. `bareUnitMs` gives a bare number's unit. */
function duration(opts: { bareUnitMs: number; min?: number; max?: number }) {
  const min = opts.min ?? 0
  const max = opts.max ?? Number.MAX_SAFE_INTEGER
  return z.unknown().transform((v, ctx): number => {
    const r = parseDuration(v, opts.bareUnitMs)
    if (!r.ok) {
      ctx.addIssue({ code: 'custom', message: r.error, input: v })
      return z.NEVER
    }
    if (r.ms < min || r.ms > max) {
      const range =
        max === Number.MAX_SAFE_INTEGER
          ? `of at least ${formatDuration(min)}`
          : `from ${formatDuration(min)} to ${formatDuration(max)}`
      ctx.addIssue({ code: 'custom', message: `expected a duration ${range}, got ${JSON.stringify(v)}`, input: v })
      return z.NEVER
    }
    return r.ms
  })
}

/** A string checked by one of our `...Problem` functions (which say what was expected). */
function checkedString(typeMessage: string, problem: (s: string) => string | undefined) {
  return z.string({ error: typeMessage }).superRefine((s, ctx) => {
    const p = problem(s)
    if (p !== undefined) ctx.addIssue({ code: 'custom', message: p, input: s })
  })
}

const hostPort = checkedString(HOST_PORT_EXPECTED, hostPortProblem)

const CLTV_EXPECTED = 'expected a whole number of blocks from 22 to 2016'

/** The settings, each with its own rules; the same rules apply in baseSettings and idSettings. */
export const settingsShape = {
  maxTransactionSize: wholeNumber(1, 'expected a whole number of satoshis above 0'),
  // Bare numbers are milliseconds here, as in the original.
  minTimeBetweenPayments: duration({ bareUnitMs: 1 }),
  // At least 1 s: calendar periods divide the clock by it, and a shorter period limits nothing.
  limitsPeriod: duration({ bareUnitMs: 1, min: 1000 }),
  useRollingLimitsPeriod: z.boolean({ error: 'expected true or false' }),
  maxTransactionsPerPeriod: wholeNumber(0, 'expected a whole number of payments, 0 or more'),
  maxAmountPerPeriod: wholeNumber(1, 'expected a whole number of satoshis above 0'),
  balancePoint: numberIn(0, 1, { exclusive: true }),
  deadzone: numberIn(0, 0.5, { exclusive: false }),
  // Bare numbers are seconds here (the original multiplied refreshRate by 1000). At most a day:
  // timers cannot wait much longer (Node caps them at ~24.8 days and then fires at once).
  refreshRate: duration({ bareUnitMs: 1000, min: 1000, max: 86_400_000 }),
  // Bounds on a payment the payer starts and on a payer's retryAt (new; see docs/configuration.md).
  paymentTimeout: duration({ bareUnitMs: 1, min: 1000, max: 3_600_000 }),
  // LND refuses a cltv_limit above its default maximum of 2016 blocks; below 22 not even an
  // invoice with the smallest final CLTV delta LND accepts (18, plus 3 blocks of padding) fits.
  cltvLimit: z.preprocess(
    fromNumericString,
    z
      .number({ error: CLTV_EXPECTED })
      .int({ error: CLTV_EXPECTED })
      .min(22, { error: CLTV_EXPECTED })
      .max(2016, { error: CLTV_EXPECTED })
  ),
  maxRetryWait: duration({ bareUnitMs: 1, min: 1000, max: 7 * 86_400_000 }),
  // Across operators (new): unset means no cap, as in the original.
  maxNetOutflowPerPeriod: wholeNumber(0, 'expected a whole number of satoshis, 0 or more')
}

export const SETTING_KEYS = Object.keys(settingsShape) as Array<keyof Settings>

const S = settingsShape
const D = DEFAULT_SETTINGS
const baseSettingsShape = {
  maxTransactionSize: S.maxTransactionSize.prefault(D.maxTransactionSize),
  minTimeBetweenPayments: S.minTimeBetweenPayments.prefault(D.minTimeBetweenPayments),
  limitsPeriod: S.limitsPeriod.prefault(D.limitsPeriod),
  useRollingLimitsPeriod: S.useRollingLimitsPeriod.prefault(D.useRollingLimitsPeriod),
  maxTransactionsPerPeriod: S.maxTransactionsPerPeriod.prefault(D.maxTransactionsPerPeriod),
  maxAmountPerPeriod: S.maxAmountPerPeriod.prefault(D.maxAmountPerPeriod),
  balancePoint: S.balancePoint.prefault(D.balancePoint),
  deadzone: S.deadzone.prefault(D.deadzone),
  refreshRate: S.refreshRate.prefault(D.refreshRate),
  paymentTimeout: S.paymentTimeout.prefault(D.paymentTimeout),
  cltvLimit: S.cltvLimit.prefault(D.cltvLimit),
  maxRetryWait: S.maxRetryWait.prefault(D.maxRetryWait),
  maxNetOutflowPerPeriod: S.maxNetOutflowPerPeriod.optional()
}

const ID_EXPECTED = 'expected a node alias, a channel id or "alias:channelId"'
const idSettingsShape = {
  id: z.string({ error: ID_EXPECTED }).min(1, { error: ID_EXPECTED }),
  maxTransactionSize: S.maxTransactionSize.optional(),
  minTimeBetweenPayments: S.minTimeBetweenPayments.optional(),
  limitsPeriod: S.limitsPeriod.optional(),
  useRollingLimitsPeriod: S.useRollingLimitsPeriod.optional(),
  maxTransactionsPerPeriod: S.maxTransactionsPerPeriod.optional(),
  maxAmountPerPeriod: S.maxAmountPerPeriod.optional(),
  balancePoint: S.balancePoint.optional(),
  deadzone: S.deadzone.optional(),
  refreshRate: S.refreshRate.optional(),
  paymentTimeout: S.paymentTimeout.optional(),
  cltvLimit: S.cltvLimit.optional(),
  maxRetryWait: S.maxRetryWait.optional(),
  maxNetOutflowPerPeriod: S.maxNetOutflowPerPeriod.optional()
}

// --- balancePoint ± deadzone must stay inside the channel, or one threshold means nothing ---
const validBalancePoint = (v: unknown): number | undefined => (typeof v === 'number' && v > 0 && v < 1 ? v : undefined)
const validDeadzone = (v: unknown): number | undefined => (typeof v === 'number' && v >= 0 && v <= 0.5 ? v : undefined)
const outsideChannel = (bp: number, dz: number): boolean => bp - dz < -1e-9 || bp + dz > 1 + 1e-9
const bandMessage = (bp: number, dz: number): string =>
  `expected balancePoint ± deadzone within 0..1, got ${bp} ± ${dz}`
const asRecord = (v: unknown): Record<string, unknown> | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined

/**
 * Checks baseSettings, and each idSettings entry that sets balancePoint or deadzone against the
 * base value of the other one. Runs even when other fields are wrong (so every problem is listed at
 * once), looking only at values that passed their own checks. Combinations of two different entries
 * (an alias's balancePoint with a channel's deadzone) cannot be known before the channels are.
 */
function checkBands(limits: unknown, ctx: z.RefinementCtx): void {
  const l = asRecord(limits)
  const base = asRecord(l?.baseSettings)
  const bp0 = validBalancePoint(base?.balancePoint)
  const dz0 = validDeadzone(base?.deadzone)
  if (bp0 !== undefined && dz0 !== undefined && outsideChannel(bp0, dz0)) {
    ctx.addIssue({ code: 'custom', path: ['baseSettings', 'deadzone'], message: bandMessage(bp0, dz0), input: dz0 })
  }
  const entries = Array.isArray(l?.idSettings) ? (l.idSettings as unknown[]) : []
  entries.forEach((raw, i) => {
    const e = asRecord(raw)
    const setsBp = e?.balancePoint !== undefined
    const setsDz = e?.deadzone !== undefined
    if (!setsBp && !setsDz) return
    const bp = setsBp ? validBalancePoint(e?.balancePoint) : bp0
    const dz = setsDz ? validDeadzone(e?.deadzone) : dz0
    if (bp === undefined || dz === undefined || !outsideChannel(bp, dz)) return
    const inherited = setsBp && setsDz ? '' : ` (${setsBp ? 'deadzone' : 'balancePoint'} from baseSettings)`
    ctx.addIssue({
      code: 'custom',
      path: ['idSettings', i, setsDz ? 'deadzone' : 'balancePoint'],
      message: bandMessage(bp, dz) + inherited,
      input: raw
    })
  })
}

export const limitsSchema = z
  .strictObject(
    {
      baseSettings: z.strictObject(baseSettingsShape, { error: objectOf('the settings') }).prefault({}),
      idSettings: z
        .array(z.strictObject(idSettingsShape, { error: 'expected { "id": ..., <settings to override> }' }), {
          error: 'expected a list of { "id": ..., <settings to override> }'
        })
        .prefault([])
    },
    { error: objectOf('baseSettings and idSettings') }
  )
  .superRefine(checkBands, { when: () => true })

const CERT_EXPECTED = "expected the base64 (or hex) of LND's tls.cert file"
const MACAROON_EXPECTED = 'expected the base64 (or hex) of an LND macaroon file'
const lndNodeShape = {
  type: z.literal('lnd'),
  cert: checkedString(CERT_EXPECTED, certProblem),
  macaroon: checkedString(MACAROON_EXPECTED, macaroonProblem),
  socket: hostPort
}
const clnNodeShape = {
  type: z.literal('cln'),
  url: checkedString(CLN_URL_EXPECTED, clnUrlProblem),
  rune: checkedString(RUNE_EXPECTED, runeProblem),
  cert: checkedString(CLN_CA_EXPECTED, clnCaProblem).optional()
}
const NODE_EXPECTED =
  'expected { "type": "lnd", "cert": ..., "macaroon": ..., "socket": "host:port" } or { "type": "cln", "url": "https://host:port", "rune": ..., "cert": ... }'
const CLN_TYPE_MISSING =
  'expected "cln": this entry has Core Lightning\'s url or rune (only LND entries may leave type out)'
/** An entry without `type` that has CLN's fields: read as LND it would only list LND's fields as missing. */
const looksCln = (r: Record<string, unknown>): boolean =>
  ('url' in r || 'rune' in r) && !('socket' in r || 'macaroon' in r)
// `type` may be left out for LND (the original's configs have no other type): filled in first, so
// the entry is checked against the one shape its type names, and errors name that shape's fields.
const lightningNodeSchema = z.preprocess(
  (v) => {
    const r = asRecord(v)
    return r !== undefined && r.type === undefined && !looksCln(r) ? { ...r, type: 'lnd' } : v
  },
  z.discriminatedUnion('type', [z.strictObject(lndNodeShape), z.strictObject(clnNodeShape)], {
    error: (iss) => {
      if (iss.code !== 'invalid_union') return NODE_EXPECTED
      const type = asRecord(iss.input)?.type
      return type === undefined ? CLN_TYPE_MISSING : `expected "lnd" or "cln", got ${JSON.stringify(type)}`
    }
  })
)

const auditShape = {
  storage: z
    .strictObject(
      {
        path: z
          .string({ error: 'expected a directory path' })
          .min(1, { error: 'expected a directory path' })
          .prefault(DEFAULTS.audit.storage.path)
      },
      { error: objectOf('{ "path": ... }') }
    )
    .prefault({}),
  transactionHistory: z
    .string({ error: 'expected a non-empty name' })
    .min(1, { error: 'expected a non-empty name' })
    .prefault(DEFAULTS.audit.transactionHistory),
  eventLog: z
    .string({ error: 'expected a non-empty name' })
    .min(1, { error: 'expected a non-empty name' })
    .prefault(DEFAULTS.audit.eventLog),
  verboseScreenLogging: z.boolean({ error: 'expected true or false' }).prefault(DEFAULTS.audit.verboseScreenLogging),
  shouldMask: z
    .array(z.string({ error: 'expected a field name' }).min(1, { error: 'expected a field name' }), {
      error: 'expected a list of field names'
    })
    .prefault([...DEFAULTS.audit.shouldMask])
}

const swarmShape = {
  bootstrap: z.array(hostPort, { error: 'expected a list of "host:port"' }).prefault([])
}

const PORT_EXPECTED = 'expected a port from 0 to 65535 (0: any free port)'
const apiShape = {
  host: z
    .string({ error: 'expected a host name or IP address to listen on' })
    .min(1, { error: 'expected a host name or IP address to listen on' })
    .prefault(DEFAULTS.api.host),
  port: z
    .preprocess(
      fromNumericString,
      z
        .number({ error: PORT_EXPECTED })
        .int({ error: PORT_EXPECTED })
        .min(0, { error: PORT_EXPECTED })
        .max(65535, { error: PORT_EXPECTED })
    )
    .optional(),
  token: z
    .string({ error: 'expected a token of at least 16 characters' })
    .min(16, { error: 'expected a token of at least 16 characters' })
    .optional()
}

// --- counterparties (accounts across operators, src/accounts) ---
const SWARM_KEY_EXPECTED = 'expected a swarm public key: 64 lowercase hex characters (tightrope accounts shows them)'
const counterpartyShape = {
  name: z
    .string({ error: 'expected a name' })
    .min(1, { error: 'expected a name' })
    .max(64, { error: 'expected a name of at most 64 characters' }),
  swarmKey: z.string({ error: SWARM_KEY_EXPECTED }).regex(/^[0-9a-f]{64}$/, { error: SWARM_KEY_EXPECTED }),
  maxNetOutflowPerPeriod: S.maxNetOutflowPerPeriod.optional()
}
const counterpartiesSchema = z
  .array(
    z.strictObject(counterpartyShape, {
      error: 'expected { "name": ..., "swarmKey": ..., "maxNetOutflowPerPeriod"?: ... }'
    }),
    { error: 'expected a list of counterparties' }
  )
  .superRefine((list, ctx) => {
    list.forEach((c, i) => {
      if (list.findIndex((o) => o.swarmKey === c.swarmKey) !== i)
        ctx.addIssue({
          code: 'custom',
          path: [i, 'swarmKey'],
          message: 'expected each swarmKey once',
          input: c.swarmKey
        })
      if (list.findIndex((o) => o.name === c.name) !== i)
        ctx.addIssue({ code: 'custom', path: [i, 'name'], message: 'expected each name once', input: c.name })
    })
  })
  .prefault([])

const SECRET_EXPECTED = 'expected a non-empty string: the secret your cluster shares'
const topShape = {
  secret: z.string({ error: SECRET_EXPECTED }).min(1, { error: SECRET_EXPECTED }).prefault(DEFAULTS.secret),
  lightningNodes: z
    .array(lightningNodeSchema, {
      error: (iss) => (iss.input === undefined ? ADD_A_NODE : 'expected a list of nodes')
    })
    .min(1, { error: ADD_A_NODE }),
  audit: z
    .strictObject(auditShape, { error: objectOf('the audit log settings') })
    .superRefine((a, ctx) => {
      if (a.eventLog === a.transactionHistory)
        ctx.addIssue({
          code: 'custom',
          path: ['eventLog'],
          message: 'expected a name different from audit.transactionHistory (the two logs would share one Hypercore)',
          input: a.eventLog
        })
    })
    .prefault({}),
  limits: limitsSchema.prefault({}),
  swarm: z.strictObject(swarmShape, { error: objectOf('{ "bootstrap": [...] }') }).prefault({}),
  api: z.strictObject(apiShape, { error: objectOf('{ "host": ..., "port": ..., "token": ... }') }).prefault({}),
  notifications: notificationsSchema,
  counterparties: counterpartiesSchema
}

export const configSchema = z.strictObject(topShape, { error: 'expected a JSON object of settings' })

/** The keys each object accepts, by path with list indexes as "[]": for "did you mean" hints. */
export const KNOWN_KEYS: Record<string, readonly string[]> = {
  '': Object.keys(topShape),
  'lightningNodes[]': [...new Set([...Object.keys(lndNodeShape), ...Object.keys(clnNodeShape)])],
  audit: Object.keys(auditShape),
  'audit.storage': ['path'],
  limits: ['baseSettings', 'idSettings'],
  'limits.baseSettings': SETTING_KEYS,
  'limits.idSettings[]': Object.keys(idSettingsShape),
  swarm: Object.keys(swarmShape),
  api: Object.keys(apiShape),
  'notifications[]': ['url', 'secret', 'telegram', 'events', 'minTokens'],
  'notifications[].telegram': ['botToken', 'chatId', 'apiUrl'],
  'counterparties[]': Object.keys(counterpartyShape)
}

// Compile-time guarantee that the schema produces exactly the documented types in types.ts.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
const schemaMatchesTypes: Same<z.output<typeof configSchema>, TightropeConfig> = true
void schemaMatchesTypes

export type { CounterpartyConfig, IdSettings, LimitsConfig as Limits, Settings, TightropeConfig }
