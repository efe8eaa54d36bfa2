import type { NotificationTarget } from './notifications.js'
/**
 * Settings in force for one side of one channel, after resolution
 * (base < node alias < channel id < "alias:channelId"). Durations are milliseconds,
 * amounts are satoshis ("tokens"), shares are fractions of the channel (0..1).
 */
export interface Settings {
  /** Largest single rebalancing payment, satoshis (whole number >= 1). */
  maxTransactionSize: number
  /** Shortest time between two rebalancing attempts on a channel side, ms (>= 0). */
  minTimeBetweenPayments: number
  /** The period the two per-period limits count over, ms (>= 1000). */
  limitsPeriod: number
  /** true: the last limitsPeriod up to now; false: calendar periods. */
  useRollingLimitsPeriod: boolean
  /** Most payments per period (whole number >= 0; 0 = never pay). */
  maxTransactionsPerPeriod: number
  /** Most satoshis paid per period (whole number >= 1). */
  maxAmountPerPeriod: number
  /** The local share of the channel this side aims for, strictly between 0 and 1. */
  balancePoint: number
  /** No action while the local share is within balancePoint ± deadzone (0..0.5). */
  deadzone: number
  /** Safety-net polling interval, ms (1 s .. 1 day). */
  refreshRate: number
  /** Payer: how long a payment we start may take before we stop waiting for it, ms (1 s .. 1 h). */
  paymentTimeout: number
  /** Payer: most blocks our HTLC may stay locked (LND's cltv_limit), whole number 22..2016. */
  cltvLimit: number
  /** Requester: the furthest a payer's retryAt may push our next request, ms (1 s .. 7 d). */
  maxRetryWait: number
  /**
   * Payer, across operators: most sats we may pay one counterparty (peer instance) net of what it
   * paid us, per limitsPeriod, payments in flight included (whole number >= 0). Unset: no cap.
   */
  maxNetOutflowPerPeriod?: number | undefined
}

/** One entry of limits.idSettings: an id and only the settings it overrides. */
export type IdSettings = { id: string } & { [K in keyof Settings]?: Settings[K] | undefined }

export interface LimitsConfig {
  /** Every setting: the bottom layer of every resolution. */
  baseSettings: Settings
  /** Overrides by node alias, channel id or "alias:channelId". */
  idSettings: IdSettings[]
}

/** How to reach one LND node. cert and macaroon are kept exactly as written (base64 or hex). */
export interface LndNodeConfig {
  type: 'lnd'
  cert: string
  macaroon: string
  /** "host:port" of LND's gRPC interface. */
  socket: string
}

/** How to reach one Core Lightning node through its clnrest plugin. Kept exactly as written. */
export interface ClnNodeConfig {
  type: 'cln'
  /** "https://host:port" of clnrest (http:// only to a loopback host). */
  url: string
  /** A rune (base64url), the only credential clnrest asks for. */
  rune: string
  /** Base64 (or hex) of clnrest's CA PEM (ca.pem); absent: the system's trusted CAs. */
  cert?: string | undefined
}

export type LightningNodeConfig = LndNodeConfig | ClnNodeConfig

/** The one label of a configured node (status, events, reloads): LND's socket, or clnrest's URL. */
export function nodeEndpoint(n: { type: 'cln'; url: string } | { type?: 'lnd'; socket: string }): string {
  return n.type === 'cln' ? n.url : n.socket
}

export interface AuditConfig {
  storage: { path: string }
  transactionHistory: string
  eventLog: string
  verboseScreenLogging: boolean
  shouldMask: string[]
}

export interface SwarmConfig {
  /** "host:port" of private DHT bootstrap nodes; empty = the public DHT. */
  bootstrap: string[]
}

export interface ApiConfig {
  host: string
  /** Set by the operator: that port or a clear error (0 = any free port). Unset: DEFAULT_API_PORT,
   * or any free port (with a warning) when another process holds it. */
  port?: number | undefined
  /** Bearer token (16+ characters); from api.token or TIGHTROPE_API_TOKEN, via the loader only. */
  token?: string | undefined
}

/** A peer instance's operator, named (config `counterparties`), with its own net cap if set. */
export interface CounterpartyConfig {
  name: string
  /** The instance's persistent swarm public key, 64 hex characters (see `tightrope accounts`). */
  swarmKey: string
  maxNetOutflowPerPeriod?: number | undefined
}

/** The validated configuration (original Tightrope's format + swarm + api), durations in ms. */
export interface TightropeConfig {
  secret: string
  lightningNodes: LightningNodeConfig[]
  audit: AuditConfig
  limits: LimitsConfig
  swarm: SwarmConfig
  api: ApiConfig
  /** Webhooks and Telegram chats told of what needs attention (none by default). */
  notifications: NotificationTarget[]
  /** Names (and net caps) for peer instances; unnamed ones are shown by key. */
  counterparties: CounterpartyConfig[]
}
