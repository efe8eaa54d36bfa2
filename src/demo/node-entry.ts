import type { NodeConnection } from '../sim/cluster.js'
import type { NodeCredentials } from '../lightning/credentials.js'

/**
 * A simulated node's nodes.json entry as the `lightningNodes` entry an operator would write for
 * it: LND's socket, cert and macaroon, or clnrest's URL, rune and CA. The one place that knows both.
 */
export function lightningNodeEntry(c: NodeConnection): NodeCredentials {
  return c.implementation === 'cln'
    ? { type: 'cln', url: c.url, rune: c.rune, cert: c.cert }
    : { type: 'lnd', cert: c.cert, macaroon: c.macaroon, socket: c.socket }
}
