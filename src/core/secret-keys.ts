/** Which field names hold secrets: one rule for the audit log's masking and the config's change reports. */

/**
 * Words that make a key secret, matched against the key's words (camelCase, snake_case, kebab-case)
 * and pairs of adjacent words, so `tlsCert`, `MACAROON_HEX`, `paymentPreimage` and `private_key` are
 * caught but `tokens` (an amount) is not.
 * (`rune` is CLN's credential, as `macaroon` is LND's.)
 */
const SECRET_WORDS = new Set([
  'secret',
  'secrets',
  'macaroon',
  'macaroons',
  // Core Lightning's credential (clnrest's Rune header)
  'rune',
  'runes',
  'cert',
  'certs',
  'certificate',
  'privatekey',
  'secretkey',
  'preimage',
  'seed',
  'token',
  'password',
  'passphrase',
  'mnemonic',
  'authkey'
])

function words(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
}

export function isSecretKey(key: string): boolean {
  const w = words(key)
  if (SECRET_WORDS.has(w.join(''))) return true
  return w.some((word, i) => SECRET_WORDS.has(word) || SECRET_WORDS.has(word + (w[i + 1] ?? '')))
}
