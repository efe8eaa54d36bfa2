/**
 * "host:port" as LND sockets and DHT bootstrap nodes are written: a host name (including .onion),
 * an IPv4 address or a bracketed IPv6 address, then a port from 1 to 65535. No scheme, no path:
 * "https://node:10009" or "node" alone are the usual mistakes and both are refused.
 */
const HOST_PORT = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*):(\d{1,5})$/

export const HOST_PORT_EXPECTED = 'expected "host:port"'

/** What was expected, or undefined when the value is a usable "host:port". */
export function hostPortProblem (value: string): string | undefined {
  const m = HOST_PORT.exec(value)
  if (!m) return HOST_PORT_EXPECTED
  const port = Number(m[2])
  if (port < 1 || port > 65535) return `${HOST_PORT_EXPECTED} with a port from 1 to 65535`
  return undefined
}
