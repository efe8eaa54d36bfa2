import { ConfigError } from '../../src/config/errors.js'
import { checkConfig } from '../../src/config/validate.js'

/** Shared inputs for the config tests. */

// A real self-signed P-256 certificate like LND's tls.cert (made with openssl for these tests).
export const CERT_PEM = `-----BEGIN CERTIFICATE-----
MIIB1DCCAXmgAwIBAgIUNTaua0XVBr9Teye1//H7hVMdUOAwCgYIKoZIzj0EAwIw
MDEfMB0GA1UECgwWbG5kIGF1dG9nZW5lcmF0ZWQgY2VydDENMAsGA1UEAwwEdGVz
dDAgFw0yNjExMjQxMDIxMDJaGA8yMTI2MTAzMTEwMjEwMlowMDEfMB0GA1UECgwW
bG5kIGF1dG9nZW5lcmF0ZWQgY2VydDENMAsGA1UEAwwEdGVzdDBZMBMGByqGSM49
AgEGCCqGSM49AwEHA0IABNUgZRafhW9YR16R1sEnrxc9gSgdXQ3yqeQCLdUqLTJK
adRhwtREnF9+S4yBeWmvLhioqGolmCBmCY8ksg7WFNSjbzBtMB0GA1UdDgQWBBR5
YhuM1+fnDdaNuJy9Ga4ksgcfVTAfBgNVHSMEGDAWgBR5YhuM1+fnDdaNuJy9Ga4k
sgcfVTAPBgNVHRMBAf8EBTADAQH/MBoGA1UdEQQTMBGHBH8AAAGCCWxvY2FsaG9z
dDAKBggqhkjOPQQDAgNJADBGAiEA0fqAQFwwPZVxwmKjQtJx/YFn6v9Yx2Fv/DtZ
IdAvmAQCIQDOSHamBiRRtVCQdumooTcjepZEahaJYqJGdvcDeCVcdg==
-----END CERTIFICATE-----
`

export const CERT = Buffer.from(CERT_PEM).toString('base64')

/** A minimal well-formed V2 macaroon: version 2, location "lnd", an identifier, EOS, EOS, 32-byte signature. */
export const MACAROON_BYTES = Buffer.concat([
  Buffer.from([2, 1, 3]),
  Buffer.from('lnd'),
  Buffer.from([2, 4]),
  Buffer.from('abcd'),
  Buffer.from([0, 0, 6, 32]),
  Buffer.alloc(32, 7)
])
export const MACAROON = MACAROON_BYTES.toString('base64')

export const node = (socket = '127.0.0.1:10009'): Record<string, unknown> => ({
  type: 'lnd',
  cert: CERT,
  macaroon: MACAROON,
  socket
})

/** The original Tightrope's config/default.json, verbatim (with its placeholder node). */
export const ORIGINAL_DEFAULT_JSON = {
  secret: 'secret',
  lightningNodes: [{ type: 'lnd', cert: '', macaroon: '', socket: '' }],
  announceInterval: 90000,
  audit: {
    storage: { path: './storage/' },
    transactionHistory: 'transaction-log',
    eventLog: 'event-log',
    verboseScreenLogging: false,
    shouldMask: ['topic', 'publicKey', 'remotePeer', 'paidTo', 'paidBy']
  },
  limits: {
    baseSettings: {
      maxTransactionSize: 1000000,
      minTimeBetweenPayments: '60s',
      limitsPeriod: '4h',
      useRollingLimitsPeriod: true,
      maxTransactionsPerPeriod: 20,
      maxAmountPerPeriod: 100000000,
      balancePoint: 0.5,
      deadzone: 0.1,
      refreshRate: 10
    },
    idSettings: []
  }
}

/** A complete valid config in the original's format; tests break one field at a time. */
export function validConfig(): any {
  return {
    secret: 'correct horse battery staple',
    lightningNodes: [node()],
    audit: { storage: { path: './storage' } },
    limits: { baseSettings: { ...ORIGINAL_DEFAULT_JSON.limits.baseSettings }, idSettings: [] }
  }
}

export function problemsOf(raw: unknown): string[] {
  const r = checkConfig(raw)
  return r.ok ? [] : r.problems
}

export function configErrorOf(fn: () => unknown): ConfigError {
  try {
    fn()
  } catch (err) {
    if (err instanceof ConfigError) return err
    throw err
  }
  throw new Error('expected a ConfigError, nothing was thrown')
}
