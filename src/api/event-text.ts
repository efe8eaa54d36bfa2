/**
 * A daemon event as a sentence for a person (the dashboard's activity list). Values may come from
 * a peer: the page escapes the sentence as text; here they are only cut to a bounded length.
 */
type Event = { type: string } & Record<string, unknown>

const v = (x: unknown, max = 120): string => {
  const s = typeof x === 'string' ? x : x === undefined ? '?' : JSON.stringify(x)
  return s.length > max ? `${s.slice(0, max)}…` : s
}
const sats = (x: unknown): string => (typeof x === 'number' ? `${x.toLocaleString('en-US')} sat` : 'an amount')
const side = (e: Event): string => `${v(e.node)}'s side of ${v(e.channelId)}`

const SENTENCES: Record<string, (e: Event) => string> = {
  starting: (e) => `Starting with ${v(e.nodes)} configured node(s)${e.dryRun === true ? ', in dry-run mode' : ''}.`,
  started: (e) => {
    const nodes = Array.isArray(e.nodes) && e.nodes.length > 0 ? e.nodes.map((n) => v(n)).join(', ') : 'none yet'
    const connecting = Array.isArray(e.connecting)
      ? `; still connecting: ${e.connecting.map((n) => v(n)).join(', ')}`
      : ''
    return `Started; nodes in: ${nodes}${connecting}.`
  },
  stopped: () => 'Stopped.',
  node_connected: (e) => `Node ${v(e.node)} connected.`,
  node_reconnected: (e) => `Node ${v(e.node)} is back.`,
  node_disconnected: (e) => `Node ${v(e.node)} lost its connection${e.error ? `: ${v(e.error)}` : ''}.`,
  node_unreachable: (e) =>
    `${e.socket !== undefined ? `LND at ${v(e.socket)}` : `CLN at ${v(e.endpoint)}`} does not answer` +
    `${e.error ? ` (${v(e.error)})` : ''}; trying again.`,
  node_removed: (e) => `Node ${v(e.node)} was removed from the config.`,
  node_rune_limits: (e) =>
    `The rune for CLN at ${v(e.endpoint)} limits Tightrope: ` +
    `${[...(Array.isArray(e.problems) ? e.problems : []), ...(Array.isArray(e.warnings) ? e.warnings : [])]
      .map((m) => v(m, 200))
      .join('; ')}.`,
  channel_watched: (e) => `Watching ${side(e)}.`,
  channel_unwatched: (e) => `No longer watching ${side(e)}.`,
  decision: (e) => `${side(e)}: ${v(e.action)} (${v(e.detail, 200)}).`,
  rebalance_requested: (e) => `${side(e)} asked for ${sats(e.tokens)}.`,
  rebalanced: (e) => `${side(e)} was rebalanced: ${sats(e.tokens)} received.`,
  rebalance_not_done: (e) =>
    `${side(e)} was not rebalanced (${v(e.status)}: ${v(e.reason)}${e.detail ? `, ${v(e.detail, 200)}` : ''}).`,
  payment_started: (e) => `${v(e.node)} is paying ${sats(e.tokens)} over ${v(e.channelId)}.`,
  payment_succeeded: (e) => `${v(e.node)} paid ${sats(e.tokens)} over ${v(e.channelId)}, fee ${sats(e.fee)}.`,
  payment_failed: (e) => `${v(e.node)}'s payment over ${v(e.channelId)} failed: ${v(e.reason)}.`,
  payment_pending: (e) =>
    `${v(e.node)}'s payment over ${v(e.channelId)} is still in flight; its outcome will be recorded when LND knows it.`,
  payment_refused: (e) =>
    `${e.node !== undefined ? v(e.node) : 'We'} refused to pay over ` +
    `${v(e.channelId)}: ${v(e.reason)}${e.detail ? ` (${v(e.detail, 200)})` : ''}.`,
  payment_reconciled: (e) => `A payment interrupted earlier over ${v(e.channelId)} ended: ${v(e.outcome)}.`,
  peer_authenticated: (e) => `Peer ${v(e.peer)} joined${e.agent ? ` (${v(e.agent, 40)})` : ''}.`,
  peer_disconnected: (e) => `Peer ${v(e.peer)} left.`,
  peer_dropped: (e) => `Peer ${v(e.peer)} was disconnected: ${v(e.reason ?? e.detail)}.`,
  node_proven: (e) => `Peer ${v(e.peer)} proved it controls node ${v(e.alias ?? e.node ?? e.publicKey)}.`,
  swarm_joined: () => "Joined the cluster's swarm.",
  swarm_disabled: (e) => `Not joining other instances: ${v(e.reason, 200)}.`,
  api_listening: (e) => `Dashboard and API at ${v(e.url)}.`,
  api_port_taken: (e) => `Port ${v(e.port)} was taken; the API listens at ${v(e.listening)}.`,
  config_reloaded: (e) => {
    const waiting =
      Array.isArray(e.needsRestart) && e.needsRestart.length > 0
        ? `, ${e.needsRestart.length} waiting for a restart`
        : ''
    return `The config was reloaded: ${Array.isArray(e.applied) ? e.applied.length : 0} change(s) in force${waiting}.`
  },
  config_reload_refused: (e) =>
    `A config reload was refused: ${Array.isArray(e.errors) ? e.errors.map((x) => v(x)).join('; ') : '?'}.`,
  notification_failed: (e) => `A notification to ${v(e.target)} could not be delivered: ${v(e.error)}.`
}

export function eventText(e: Event): string {
  const sentence = SENTENCES[e.type]
  if (sentence) return sentence(e)
  const fields = Object.entries(e)
    .filter(([k]) => !['type', 'at', 'index'].includes(k))
    .map(([k, x]) => `${k} ${v(x, 60)}`)
    .join(', ')
  return `${e.type.replace(/_/g, ' ')}${fields ? `: ${fields}` : ''}.`
}
