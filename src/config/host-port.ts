/**
 * "host:port" as LND sockets and DHT bootstrap nodes are written: a host name (including .onion),
 * an IPv4 address or a bracketed IPv6 address, then a port from 1 to 65535. No scheme, no path:
 * "https://node:10009" or "node" alone are the usual mistakes and both are refused.
 */
const HOST_PORT =
  /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*):(\d{1,5})$/

export const HOST_PORT_EXPECTED = 'expected "host:port"'

/** What was expected, or undefined when the value is a usable "host:port". */
export function hostPortProblem(value: string): string | undefined {
  const m = HOST_PORT.exec(value)
  if (!m) return HOST_PORT_EXPECTED
  const port = Number(m[2])
  if (port < 1 || port > 65535) return `${HOST_PORT_EXPECTED} with a port from 1 to 65535`
  return undefined
}

/**
 * Whether a host name or address is this machine's loopback: "localhost", 127.0.0.0/8 or ::1
 * (bracketed or not). The one rule for where the API may listen without a token, which Host
 * headers it answers, and when the swarm's DHT is a private one on this machine.
 */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '')
  return h === 'localhost' || h === '::1' || h === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h)
}

/** The host of a "host:port" (brackets kept for IPv6), or the whole string when it has no port. */
export function hostOf(hostPort: string): string {
  const m = /^(\[[^\]]*\]|[^:]*):\d+$/.exec(hostPort)
  return m ? (m[1] as string) : hostPort
}
