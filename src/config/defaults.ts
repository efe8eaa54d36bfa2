/**
 * The defaults, written the way a config file writes them (durations as strings). They are the
 * original Tightrope's config/default.json values, plus our new `swarm` and `api` sections, so a
 * value missing from every file behaves as it did there. config/default.json ships the same values
 * (a unit test keeps the two equal); the schema falls back to these when a directory has no
 * default.json or a caller validates an object directly.
 *
 * There is no default node: lightningNodes must be given (the original's default was a node with
 * empty credentials, which could only fail).
 */
export const PLACEHOLDER_SECRET = 'secret'

export const DEFAULT_SETTINGS = {
  maxTransactionSize: 1_000_000,
  minTimeBetweenPayments: '60s',
  limitsPeriod: '4h',
  useRollingLimitsPeriod: true,
  maxTransactionsPerPeriod: 20,
  maxAmountPerPeriod: 100_000_000,
  balancePoint: 0.5,
  deadzone: 0.1,
  // Seconds: the original multiplied a bare refreshRate by 1000.
  refreshRate: 10,
  // New (not in the original): bounds on a payment the payer starts, and on a payer's retryAt.
  paymentTimeout: '60s',
  cltvLimit: 144,
  maxRetryWait: '4h'
} as const

export const DEFAULTS = {
  secret: PLACEHOLDER_SECRET,
  audit: {
    storage: { path: './storage/' },
    transactionHistory: 'transaction-log',
    eventLog: 'event-log',
    verboseScreenLogging: false,
    shouldMask: ['topic', 'publicKey', 'remotePeer', 'paidTo', 'paidBy']
  },
  limits: { baseSettings: DEFAULT_SETTINGS, idSettings: [] as const },
  swarm: { bootstrap: [] as const },
  // No port: api.port unset means DEFAULT_API_PORT, or any free port when that one is taken.
  api: { host: '127.0.0.1' }
} as const

/** The API's port when the config sets none (configs copied from the original have no api section). */
export const DEFAULT_API_PORT = 8470
