import { timingSafeEqual } from 'node:crypto'
import { isLoopbackHost } from '../config/host-port.js'

/**
 * Who may read the API. Two separate checks, both pure:
 *
 * - The Host header, against DNS rebinding: a page on rebind.attacker.example whose name the
 *   attacker re-points at 127.0.0.1 reaches this port with its own name in Host, and the browser
 *   lets that page read the answers. Only the configured host, loopback and localhost are answered.
 *   When the API listens on every address (0.0.0.0, ::) it has a token (server.ts insists), and a
 *   rebinding page cannot know it, so any Host is answered there.
 * - The bearer token, from the Authorization header only: a token in a URL ends up in shell
 *   history, browser history and proxy logs.
 */

const WILDCARD = new Set(['0.0.0.0', '::', '[::]'])

/** The host name of a Host header value ("name:port", "[::1]:port", "name"), lowercased. */
export function hostHeaderName(value: string): string {
  const m = /^(\[[^\]]*\]|[^:]*)(?::\d+)?$/.exec(value.trim())
  return (m ? (m[1] as string) : value).toLowerCase()
}

/** Undefined when the request's Host may be answered; otherwise why not. */
export function hostProblem(
  hostHeader: string | undefined,
  configuredHost: string,
  hasToken: boolean
): string | undefined {
  if (!hostHeader) return 'a Host header is required'
  const name = hostHeaderName(hostHeader)
  const configured = configuredHost.toLowerCase()
  if (isLoopbackHost(name) || name === configured || name === `[${configured}]`) return undefined
  if (WILDCARD.has(configured) && hasToken) return undefined
  return (
    `Host ${JSON.stringify(hostHeader.slice(0, 100))} is not this API's ` +
    `(${configuredHost}, localhost or a loopback address): refused against DNS rebinding`
  )
}

/** Whether the Authorization header carries the token (constant-time comparison). */
export function bearerMatches(authorization: string | undefined, token: string): boolean {
  const given = authorization?.startsWith('Bearer ') ? authorization.slice(7) : undefined
  if (given === undefined) return false
  const a = Buffer.from(given)
  const b = Buffer.from(token)
  return a.length === b.length && timingSafeEqual(a, b)
}
