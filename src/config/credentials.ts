import { X509Certificate } from 'node:crypto'

/**
 * Sanity checks for the LND credentials in lightningNodes[]: decode them the way the `lightning`
 * client will (hex when the string is even-length hex, base64 otherwise) and look at what comes
 * out, so a truncated paste, a file path or the wrong file is reported at start-up against the
 * field, not as an obscure TLS or gRPC failure later. The values themselves are kept as written.
 * Each function returns what was expected, or undefined when the value looks right.
 */

const HEX = /^(?:[0-9a-fA-F]{2})+$/
// Standard or URL-safe alphabet, optional padding; Node's decoder accepts both.
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/

export function decode(value: string, what: string): { bytes: Buffer } | { error: string } {
  const expected = `expected the base64 (or hex) of ${what}`
  if (value === '') return { error: `${expected}, got an empty string` }
  if (value.startsWith('-----BEGIN'))
    return { error: `${expected}, got the PEM text itself: encode the file, e.g. base64 -w0 tls.cert` }
  if (/\.(cert|crt|pem|macaroon)$/i.test(value))
    return {
      error: `${expected}, got what looks like a file path: put the encoded file in the config, e.g. base64 -w0 FILE`
    }
  if (/\s/.test(value))
    return { error: `${expected} on one line, got whitespace or line breaks: encode with base64 -w0` }
  if (HEX.test(value)) return { bytes: Buffer.from(value, 'hex') }
  if (BASE64.test(value) && value.replace(/=+$/, '').length % 4 !== 1) return { bytes: Buffer.from(value, 'base64') }
  return { error: `${expected}, got characters that are neither base64 nor hex` }
}

/** LND's tls.cert is a PEM certificate; grpc needs it as PEM. */
export function certProblem(value: string): string | undefined {
  const what = "LND's tls.cert file"
  const d = decode(value, what)
  if ('error' in d) return d.error
  const text = d.bytes.toString('latin1')
  if (!text.includes('-----BEGIN CERTIFICATE-----'))
    return (
      `expected the base64 (or hex) of ${what}, which decodes to a PEM certificate ` +
      `(-----BEGIN CERTIFICATE-----); this decodes to something else`
    )
  try {
    // Throws on a truncated or corrupted certificate.
    void new X509Certificate(d.bytes)
  } catch (err) {
    return (
      `expected the base64 (or hex) of ${what}; it decodes to a PEM certificate that ` +
      `cannot be read (${(err as Error).message}): was it cut short?`
    )
  }
  return undefined
}

/**
 * LND macaroons are the V2 binary format: version byte 2 first, and the last field is the 32-byte
 * signature (field type 6, length 32). Checking both ends catches the wrong file and truncation.
 */
export function macaroonProblem(value: string): string | undefined {
  const what = 'an LND macaroon file'
  const d = decode(value, what)
  if ('error' in d) return d.error
  const b = d.bytes
  if (b[0] !== 2)
    return `expected the base64 (or hex) of ${what}, which starts with version byte 2; this decodes to something else`
  if (b.length < 40 || b[b.length - 34] !== 6 || b[b.length - 33] !== 32)
    return `expected the base64 (or hex) of ${what}, which ends with its 32-byte signature; this one is cut short or damaged`
  return undefined
}
