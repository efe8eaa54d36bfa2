import type { LndCredentials } from './lnd-node.js'

/**
 * A configured node's place in the instance: 'connecting' until it first answers (retrying with
 * backoff), 'connected' while it is part of the instance (a payer, evaluated, proven to peers),
 * 'lost' after its connection dropped (it reconnects by itself and is 'connected' again).
 */
export type NodeState = 'connecting' | 'connected' | 'lost'

/** One configured node as the operator sees it (the status has one per `lightningNodes` entry). */
export interface NodeStatus {
  socket: string
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
 * An error as the status and the logs may show it. Errors come from gRPC and the TLS stack, not
 * from us; should one ever quote the cert or macaroon, it is cut out rather than trusted not to.
 */
export function redactError(message: string, creds: Pick<LndCredentials, 'cert' | 'macaroon'>): string {
  let out = message
  const macaroonHex = /^[A-Za-z0-9+/=_-]+$/.test(creds.macaroon)
    ? Buffer.from(creds.macaroon, 'base64').toString('hex')
    : ''
  for (const secret of [creds.macaroon, macaroonHex, creds.cert]) {
    if (secret && secret.length >= 16) out = out.split(secret).join('[redacted]')
  }
  return out.length > MAX_ERROR_CHARS ? `${out.slice(0, MAX_ERROR_CHARS)}…` : out
}
