import { X509Certificate } from 'node:crypto'
import { decode } from './credentials.js'
import { isLoopbackHost } from './host-port.js'
import { decodeRune } from './rune.js'

/**
 * Checks for a Core Lightning node's entry in lightningNodes[] (clnrest): each returns what was
 * expected, or undefined when the value looks right. Values are kept as written.
 */

export const CLN_URL_EXPECTED = 'expected "https://host:port" of clnrest'

/**
 * The rune travels in a header on every call, so the URL must be https; plain http only to this
 * machine (clnrest-protocol=http behind a local proxy or on a test node), where nothing can read it.
 */
export function clnUrlProblem(value: string): string | undefined {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return CLN_URL_EXPECTED
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return CLN_URL_EXPECTED
  if (url.username || url.password) return `${CLN_URL_EXPECTED}, without user:password@ (the rune is the credential)`
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash)
    return `${CLN_URL_EXPECTED}, without a path: Tightrope adds /v1/<method>`
  if (url.port === '') return `${CLN_URL_EXPECTED} with its port (clnrest-port, often 3010)`
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname))
    return `${CLN_URL_EXPECTED}: http:// only to this machine (127.0.0.1, ::1, localhost), since the rune would cross the network in clear`
  return undefined
}

export const RUNE_EXPECTED = 'expected a rune (lightning-cli createrune): base64url text'

export function runeProblem(value: string): string | undefined {
  if (value === '') return `${RUNE_EXPECTED}, got an empty string`
  if (/\s/.test(value)) return `${RUNE_EXPECTED} on one line, got whitespace or line breaks`
  const r = decodeRune(value)
  if (r.ok) return undefined
  return looksLikeMacaroon(value)
    ? `${RUNE_EXPECTED}, got what looks like an LND macaroon (version byte 2): a CLN entry takes a rune`
    : r.reason
}

/**
 * An LND macaroon pasted into a CLN entry (the two configs sit side by side): a V2 macaroon is
 * version byte 2 then its location (field 1) or identifier (field 2). Only asked once the value
 * failed as a rune, so a rune whose hash happens to start so is never refused for it.
 */
function looksLikeMacaroon(value: string): boolean {
  const bytes =
    /^[0-9a-fA-F]+$/.test(value) && value.length % 2 === 0 ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64')
  return bytes[0] === 2 && (bytes[1] === 1 || bytes[1] === 2)
}

export const CLN_CA_EXPECTED = "expected the base64 (or hex) of clnrest's ca.pem"

/** clnrest's ca.pem: a CA certificate (CA:TRUE) that signed the server's certificate. */
export function clnCaProblem(value: string): string | undefined {
  const d = decode(value, "clnrest's ca.pem")
  if ('error' in d) return d.error
  if (!d.bytes.toString('latin1').includes('-----BEGIN CERTIFICATE-----'))
    return `${CLN_CA_EXPECTED}, which decodes to a PEM certificate (-----BEGIN CERTIFICATE-----); this decodes to something else`
  let cert: X509Certificate
  try {
    cert = new X509Certificate(d.bytes)
  } catch (err) {
    return `${CLN_CA_EXPECTED}; it decodes to a PEM certificate that cannot be read (${(err as Error).message}): was it cut short?`
  }
  if (!cert.ca) return `${CLN_CA_EXPECTED}, a CA certificate; this one is not a CA (server.pem instead of ca.pem?)`
  return undefined
}
