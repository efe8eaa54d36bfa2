/**
 * The event catalogue: every event the daemon emits, its fields, whether the terminal shows it
 * when verboseScreenLogging is off, and what it means. One definition: the emitters are checked
 * against it by the compiler, the terminal filter and the JSON log read it, and docs/operations.md
 * lists it (test/core/events.test.ts keeps that list equal to `eventCatalogueMarkdown()`).
 */

type Err = { error: string }
type Side = { channelId: string; node: string }
/** A configured node's label: `endpoint` (LND's socket or clnrest's URL); LND's also as `socket`. */
type Where = { endpoint: string; socket?: string }

/** Fields of each event type (besides `type` and `at`, which every event has). */
export interface EventFields {
  starting: { nodes: number; dryRun: boolean }
  started: { nodes: Array<string | undefined>; connecting?: string[] }
  stopped: Record<string, never>
  stopping_with_work_in_flight: { detail: string }
  audit_log_write_failed: Err
  storage_permissions_too_open: { problem: string; fix: string }
  node_connected: { node: string; publicKey: string } & Where
  node_disconnected: { node: string; error: string | undefined } & Where
  node_reconnected: { node: string }
  node_unreachable: { error: string | undefined; retryInMs: number } & Where
  node_rune_limits: { problems: string[]; warnings: string[] } & Where
  evaluate_error: { node: string } & Err
  channel_watched: Side & { remotePublicKey: string; share: number }
  channel_unwatched: Side
  decision: Side & { action: string; reason: string; detail: string; share: number }
  dry_run_request: Side & { tokens: number }
  rebalance_requested: Side & { tokens: number; paymentHash: string }
  rebalanced: Side & { tokens: number; paymentHash: string }
  rebalance_not_done: Side & { status: string; reason: string; detail?: string }
  request_error: Side & Err
  payer_unreachable: Side & Err
  payment_started: Side & { tokens: number; paymentHash: string }
  payment_succeeded: Side & { tokens: number; fee: number; paymentHash: string }
  payment_failed: Side & { reason: string; paymentHash: string }
  payment_refused: Side & { reason: string; detail: string; retryAt?: number }
  payment_pending: Side & { tokens: number; paymentHash: string }
  payment_reconciled: { channelId: string; paymentHash: string; outcome: string }
  swarm_joined: { publicKey: string; privateDht: boolean }
  swarm_disabled: { reason: string }
  peer_authenticated: { peer: string; agent: string; nodes: Array<{ publicKey: string; alias: string }> }
  node_proven: { peer: string; node: string; alias: string }
  node_claim_refused: { peer: string; counts: Record<string, number>; nodes: string[] }
  peer_disconnected: { peer: string }
  peer_dropped: { peer: string; reason: string }
  message_dropped: { peer: string; reason: string; count: number }
  peer_requests_refused: { peer: string; counts: Record<string, number> }
  stranger_connections_closed: { counts: Record<string, number> }
  api_listening: { url: string; dashboard: string }
  api_port_taken: { port: number; listening: string; detail: string }
  notification_failed: { target: string; notification: string; error: string }
  config_reloaded: {
    applied: Array<{ path: string; from?: string; to?: string }>
    needsRestart: Array<{ path: string; from?: string; to?: string }>
  }
  config_reload_refused: { errors: string[]; detail: string }
  config_reload_error: Err
  node_removed: { node: string } & Where
  history_save_error: Err
  accounts_error: Err
  statement_disagreement: { counterparty: string; kind: string; paymentHash?: string; detail: string }
}

export type EventType = keyof EventFields

/** One event as it happens: a discriminated union on `type`. */
export type TightropeEvent = { [K in EventType]: { type: K; at: number } & EventFields[K] }[EventType]

/** Where emitters send events: the type names the fields. */
export type EventSink = <K extends EventType>(type: K, fields: EventFields[K]) => void

interface EventInfo {
  /** Shown on the terminal when verboseScreenLogging is off: what an operator acts on. */
  screen: boolean
  /** What it means, for docs/operations.md. */
  doc: string
}

/** Every event type, in the order docs/operations.md lists them. */
export const EVENT_CATALOGUE: { readonly [K in EventType]: EventInfo } = {
  starting: { screen: true, doc: 'the daemon starts (`nodes` configured, `dryRun`)' },
  started: {
    screen: true,
    doc: 'every node had its first attempt: `nodes` connected, `connecting` endpoints still trying'
  },
  stopped: { screen: true, doc: 'the daemon stopped; the logs are flushed' },
  stopping_with_work_in_flight: {
    screen: false,
    doc: "a stop gave up waiting for payments in flight; they are settled from each node's own record at the next start"
  },
  audit_log_write_failed: {
    screen: true,
    doc: 'an event could not be written to the event log (`error`); shown on the terminal only'
  },
  storage_permissions_too_open: {
    screen: true,
    doc: 'the storage directory or a file in it is open to group or others (`problem`, `fix`); printed at start, not logged'
  },
  node_connected: {
    screen: true,
    doc: 'a node answered and joined the instance (`node`, `publicKey`, `endpoint`, `socket`)'
  },
  node_disconnected: { screen: true, doc: 'a connected node was lost (`node`, `endpoint`, `socket`, `error`)' },
  node_reconnected: { screen: true, doc: 'a lost node is back' },
  node_unreachable: { screen: true, doc: 'a connection attempt failed (`endpoint`, `socket`, `error`, `retryInMs`)' },
  node_rune_limits: {
    screen: true,
    doc:
      "a Core Lightning node's rune refuses a method Tightrope needs (`problems`, with the createrune command) " +
      'or limits calls however they are made (`warnings`: rate=/per=, an expired time<, id=); read offline ' +
      'before connecting, as `config check` does (`endpoint`)'
  },
  evaluate_error: { screen: true, doc: "evaluating a node's channels failed (`node`, `error`)" },
  channel_watched: {
    screen: false,
    doc: 'a channel side is watched (`channelId`, `node`, `remotePublicKey`, `share`)'
  },
  channel_unwatched: { screen: false, doc: 'a channel side is no longer listed by its node' },
  decision: { screen: false, doc: "a channel side's next action changed (`action`, `reason`, `detail`, `share`)" },
  dry_run_request: { screen: false, doc: 'dry run: the request that would have been made (`tokens`)' },
  rebalance_requested: {
    screen: false,
    doc: 'an invoice was created and the far end asked to pay it (`tokens`, `paymentHash`)'
  },
  rebalanced: { screen: true, doc: 'our invoice was paid (`tokens`, `paymentHash`)' },
  rebalance_not_done: { screen: true, doc: 'a request ended without payment (`status`, `reason`, `detail`)' },
  request_error: { screen: true, doc: 'making a request failed on our side (`error`)' },
  payer_unreachable: { screen: true, doc: 'the far end could not be asked (`error`)' },
  payment_started: { screen: false, doc: "we pay a peer's or our own node's invoice (`tokens`, `paymentHash`)" },
  payment_succeeded: { screen: true, doc: 'our payment succeeded (`tokens`, `fee`, `paymentHash`)' },
  payment_failed: { screen: true, doc: 'our payment failed (`reason`, `paymentHash`)' },
  payment_refused: { screen: true, doc: 'we refused to pay (`reason`, `detail`, `retryAt`)' },
  payment_pending: {
    screen: false,
    doc: 'still in flight after `paymentTimeout`: the payee holds it; the channel pays nothing else until the node reports its outcome'
  },
  payment_reconciled: {
    screen: false,
    doc: "a payment left pending was settled from the node's record (LND's payment, CLN's listsendpays; `outcome`)"
  },
  swarm_joined: { screen: true, doc: 'joined the swarm topic (`publicKey`, `privateDht`)' },
  swarm_disabled: { screen: false, doc: 'not joining other instances (`reason`)' },
  peer_authenticated: { screen: true, doc: 'a peer proved membership (`peer`, `agent`, `nodes`)' },
  node_proven: { screen: true, doc: 'a peer proved it controls a node (`peer`, `node`, `alias`)' },
  node_claim_refused: {
    screen: true,
    doc:
      "a peer's node claims did not hold: counts by reason (`ourNode`, `badSignature`) and up to 8 of the " +
      '`nodes`, at most one per peer a minute'
  },
  peer_disconnected: { screen: true, doc: "an authenticated peer's connection closed" },
  peer_dropped: { screen: true, doc: "we closed a peer's connection (`reason`)" },
  message_dropped: { screen: false, doc: "a peer's message was malformed (`reason`, `count`)" },
  peer_requests_refused: {
    screen: false,
    doc: 'requests refused before any payment decision, counts by reason, at most one per peer a minute'
  },
  stranger_connections_closed: {
    screen: false,
    doc: 'connections closed before they authenticated, counts by reason, at most one a minute'
  },
  api_listening: { screen: true, doc: 'the API listens (`url`, `dashboard`)' },
  api_port_taken: { screen: true, doc: 'the default API port was taken; listening elsewhere (`port`, `listening`)' },
  notification_failed: {
    screen: false,
    doc: 'a notification could not be delivered (`target`, `notification`, `error`)'
  },
  config_reloaded: {
    screen: true,
    doc:
      'the config was re-read (SIGHUP, `tightrope config reload`): `applied[]` and ' +
      '`needsRestart[]`, each `{ path, from?, to? }`, secrets shown as `(secret)`'
  },
  config_reload_refused: {
    screen: true,
    doc: 'a reload found the config invalid (`errors[]`); the config in force is unchanged'
  },
  config_reload_error: { screen: true, doc: 'a reload failed while applying (`error`)' },
  node_removed: {
    screen: true,
    doc: 'a reload removed a node from the config; it left the instance (`node`, `endpoint`, `socket`)'
  },
  history_save_error: { screen: true, doc: 'the share history (dashboard charts) could not be saved (`error`)' },
  accounts_error: { screen: true, doc: 'the accounts service failed a step (`error`)' },
  statement_disagreement: {
    screen: true,
    doc: "a counterparty's statement disagrees with our ledger (`counterparty`, `kind`, `paymentHash`, `detail`)"
  }
}

export const EVENT_TYPES = Object.keys(EVENT_CATALOGUE) as EventType[]

export function isEventType(type: string): type is EventType {
  return Object.hasOwn(EVENT_CATALOGUE, type)
}

/** The catalogue as docs/operations.md lists it: one bullet per event type, `*` when on screen. */
export function eventCatalogueMarkdown(): string {
  return (
    EVENT_TYPES.map((t) => `- \`${t}\`${EVENT_CATALOGUE[t].screen ? ' *' : ''}: ${EVENT_CATALOGUE[t].doc}`).join('\n') +
    '\n'
  )
}
