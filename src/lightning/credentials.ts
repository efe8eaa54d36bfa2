import { nodeEndpoint } from '../config/types.js'
import type { LndCredentials } from './lnd-node.js'

/** How to reach a Core Lightning node: clnrest's URL, a rune, and clnrest's CA (base64 or hex PEM). */
export interface ClnCredentials {
  type: 'cln'
  url: string
  rune: string
  cert?: string | undefined
}

/** Any configured node; an LND entry may leave `type` out (as the original's configs do). */
export type NodeCredentials = (LndCredentials & { type?: 'lnd' }) | ClnCredentials

/** The one label of a node everywhere (status, events, reloads): LND's socket or clnrest's URL. */
export const endpointOf: (c: NodeCredentials) => string = nodeEndpoint

/** What the operator reads in messages: "LND at 127.0.0.1:10009", "CLN at https://…". */
export function nodeLabel(c: NodeCredentials): string {
  return c.type === 'cln' ? `CLN at ${c.url}` : `LND at ${c.socket}`
}

/** The secret values of an entry, cut out of any error text before it is shown or logged. */
export function secretsOf(c: { cert?: string | undefined; macaroon?: string; rune?: string }): string[] {
  const macaroonHex =
    c.macaroon !== undefined && /^[A-Za-z0-9+/=_-]+$/.test(c.macaroon)
      ? Buffer.from(c.macaroon, 'base64').toString('hex')
      : ''
  return [c.macaroon ?? '', macaroonHex, c.rune ?? '', c.cert ?? '']
}
