import { secretsOf } from './credentials.js'

/**
 * A configured node's place in the instance: 'connecting' until it first answers (retrying with
 * backoff), 'connected' while it is part of the instance (a payer, evaluated, proven to peers),
 * 'lost' after its connection dropped (it reconnects by itself and is 'connected' again).
 */
export type NodeState = 'connecting' | 'connected' | 'lost'

/** One configured node as the operator sees it (the status has one per `lightningNodes` entry). */
export interface NodeStatus {
  /** The node's one label: LND's "host:port" or clnrest's URL. */
  endpoint: string
  /** LND's "host:port" (LND nodes only; the same as `endpoint`). */
  socket?: string
  state: NodeState
  /** When it entered this state (ms since the epoch). */
  since: number
  alias?: string
  publicKey?: string
  /** The last connection error: names the socket, never the credentials. */
  error?: string
}

const MAX_ERROR_CHARS = 300

/**
 * An error as the status and the logs may show it. Errors come from gRPC, HTTPS and the TLS stack, not
 * from us; should one ever quote the cert, macaroon or rune, it is cut out rather than trusted not to.
 */
export function redactError(message: string, creds: Parameters<typeof secretsOf>[0]): string {
  let out = message
  for (const secret of secretsOf(creds)) {
    if (secret && secret.length >= 16) out = out.split(secret).join('[redacted]')
  }
  return out.length > MAX_ERROR_CHARS ? `${out.slice(0, MAX_ERROR_CHARS)}…` : out
}
