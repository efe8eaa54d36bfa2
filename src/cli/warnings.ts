/**
 * The `lightning` client passes the socket's host as the TLS servername, so Node prints DEP0123
 * ("Setting the TLS ServerName to an IP address is not permitted") for every LND at an IP address.
 * It is harmless (the certificate's IP SAN is still verified) and would bury real messages.
 */
export function silenceIpServernameWarning(): void {
  const original = process.emitWarning.bind(process) as (...args: unknown[]) => void
  process.emitWarning = ((warning: unknown, ...rest: unknown[]) => {
    const code = typeof rest[0] === 'object' && rest[0] !== null ? (rest[0] as { code?: string }).code : rest[1]
    if (code === 'DEP0123') return
    original(warning, ...rest)
  }) as typeof process.emitWarning
}
