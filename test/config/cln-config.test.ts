import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { generate } from 'selfsigned'
import { checkConfig } from '../../src/config/validate.js'
import { planReload } from '../../src/config/changes.js'
import { redactError } from '../../src/lightning/node-status.js'
import { CERT, MACAROON, MACAROON_BYTES, node, problemsOf, validConfig } from './fixtures.js'

/** A rune as CLN writes it: base64url of a 32-byte hash, then "=<unique id>&restrictions". */
export const runeOf = (text: string): string =>
  Buffer.concat([Buffer.alloc(32, 9), Buffer.from(text)]).toString('base64url')
const RUNE = runeOf('=0&method=getinfo|method=listpeerchannels')
const cln = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  type: 'cln',
  url: 'https://127.0.0.1:3010',
  rune: RUNE,
  cert: CERT,
  ...over
})
const AS_MACAROON =
  'lightningNodes[1].rune: expected a rune (lightning-cli createrune): base64url text, ' +
  'got what looks like an LND macaroon (version byte 2): a CLN entry takes a rune'
const withNode = (n: Record<string, unknown>): unknown => ({ ...validConfig(), lightningNodes: [node(), n] })

describe('a Core Lightning entry in lightningNodes', () => {
  it('is valid with url, rune and cert, or without cert, beside an LND entry', () => {
    for (const entry of [cln(), cln({ cert: undefined }), cln({ url: 'http://localhost:3010' })]) {
      const r = checkConfig(withNode(JSON.parse(JSON.stringify(entry))))
      assert.ok(r.ok, JSON.stringify(r))
      assert.deepEqual(
        r.config.lightningNodes.map((n) => n.type),
        ['lnd', 'cln']
      )
    }
  })

  // [what, the entry, the exact problem line]
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['url missing', cln({ url: undefined }), 'lightningNodes[1].url: expected "https://host:port" of clnrest'],
    ['url not a URL', cln({ url: '127.0.0.1:3010' }), 'lightningNodes[1].url: expected "https://host:port" of clnrest'],
    ['url another scheme', cln({ url: 'ftp://h:1' }), 'lightningNodes[1].url: expected "https://host:port" of clnrest'],
    [
      'url without port',
      cln({ url: 'https://node.example' }),
      'lightningNodes[1].url: expected "https://host:port" of clnrest with its port (clnrest-port, often 3010)'
    ],
    [
      'url with a path',
      cln({ url: 'https://h:3010/v1/getinfo' }),
      'lightningNodes[1].url: expected "https://host:port" of clnrest, without a path: Tightrope adds /v1/<method>'
    ],
    [
      'url with user:password',
      cln({ url: 'https://u:p@h:3010' }),
      'lightningNodes[1].url: expected "https://host:port" of clnrest, without user:password@ (the rune is the credential)'
    ],
    [
      'plain http to another machine',
      cln({ url: 'http://10.0.0.5:3010' }),
      'lightningNodes[1].url: expected "https://host:port" of clnrest: http:// only to this machine (127.0.0.1, ::1, localhost), since the rune would cross the network in clear'
    ],
    [
      'rune missing',
      cln({ rune: undefined }),
      'lightningNodes[1].rune: expected a rune (lightning-cli createrune): base64url text'
    ],
    [
      'rune empty',
      cln({ rune: '' }),
      'lightningNodes[1].rune: expected a rune (lightning-cli createrune): base64url text, got an empty string'
    ],
    [
      'rune with a line break',
      cln({ rune: `${RUNE}\n` }),
      'lightningNodes[1].rune: expected a rune (lightning-cli createrune): base64url text on one line, got whitespace or line breaks'
    ],
    [
      'rune not base64url',
      cln({ rune: 'abc+/def' }),
      'lightningNodes[1].rune: expected a rune: base64url characters only'
    ],
    [
      'rune cut short',
      cln({ rune: Buffer.alloc(20).toString('base64url') }),
      'lightningNodes[1].rune: expected a rune: this one is too short (cut off?)'
    ],
    [
      'a rune without its unique id',
      cln({ rune: runeOf('\u0002\u0001\u0003lnd') }),
      'lightningNodes[1].rune: expected a rune: it does not start with its unique id'
    ],
    ['an LND macaroon (base64) instead of a rune', cln({ rune: MACAROON }), AS_MACAROON],
    ['an LND macaroon (hex) instead of a rune', cln({ rune: MACAROON_BYTES.toString('hex') }), AS_MACAROON],
    [
      'cert is a path',
      cln({ cert: '/home/cln/.lightning/bitcoin/ca.pem' }),
      "lightningNodes[1].cert: expected the base64 (or hex) of clnrest's ca.pem, got what looks like a file path: " +
        'put the encoded file in the config, e.g. base64 -w0 FILE'
    ],
    [
      'cert is not a certificate',
      cln({ cert: Buffer.from('hello').toString('base64') }),
      "lightningNodes[1].cert: expected the base64 (or hex) of clnrest's ca.pem, which decodes to a PEM certificate " +
        '(-----BEGIN CERTIFICATE-----); this decodes to something else'
    ],
    ['LND fields on a CLN entry', cln({ socket: 'h:1' }), 'lightningNodes[1].socket: unknown setting'],
    ['a misspelt key', cln({ rnue: 'x' }), 'lightningNodes[1].rnue: unknown setting (did you mean "rune"?)']
  ]
  for (const [what, entry, line] of cases) {
    it(what, () => {
      const problems = problemsOf(withNode(JSON.parse(JSON.stringify(entry))))
      assert.ok(problems.includes(line), `expected the line\n  ${line}\namong\n  ${problems.join('\n  ')}`)
      assert.ok(!problems.some((p) => p.includes(RUNE)), 'no problem line quotes the rune')
    })
  }

  it('an entry with url and rune but no type is told to say "cln", not checked as LND', () => {
    const expected = [
      'lightningNodes[1].type: expected "cln": this entry has Core Lightning\'s url or rune (only LND entries may leave type out)'
    ]
    assert.deepEqual(problemsOf(withNode(JSON.parse(JSON.stringify(cln({ type: undefined }))))), expected)
    assert.deepEqual(problemsOf(withNode({ url: 'https://127.0.0.1:3010' })), expected)
    // An LND entry without type is still the original's shape, and one mixing both is checked as LND.
    assert.deepEqual(problemsOf({ ...validConfig(), lightningNodes: [{ ...node(), type: undefined }] }), [])
    assert.ok(
      problemsOf(withNode({ ...node(), type: undefined, rune: RUNE })).includes(
        'lightningNodes[1].rune: unknown setting'
      )
    )
  })

  it('a server certificate instead of clnrest ca.pem is refused', async () => {
    const pems = await generate([{ name: 'commonName', value: 'cln' }], {
      keyType: 'ec',
      curve: 'P-256',
      extensions: [{ name: 'basicConstraints', cA: false, critical: true }]
    })
    const problems = problemsOf(withNode(cln({ cert: Buffer.from(pems.cert).toString('base64') })))
    assert.ok(
      problems.includes(
        "lightningNodes[1].cert: expected the base64 (or hex) of clnrest's ca.pem, a CA certificate; " +
          'this one is not a CA (server.pem instead of ca.pem?)'
      ),
      problems.join('\n')
    )
  })

  it('a reload names a CLN node by its URL and never shows its rune', () => {
    const a = checkConfig(withNode(cln()))
    const b = checkConfig(withNode(cln({ rune: runeOf('=1&method=getinfo') })))
    assert.ok(a.ok && b.ok)
    const plan = planReload(a.config, b.config)
    assert.deepEqual(plan.applied, [
      { path: 'lightningNodes[https://127.0.0.1:3010]', from: 'cln (credentials)', to: 'cln (credentials, changed)' }
    ])
    assert.ok(!JSON.stringify(plan).includes(RUNE.slice(0, 20)))
  })

  it('an error that quotes the rune or the CA has them cut out before the status or a log sees it', () => {
    const out = redactError(`CLN at https://h:1: refused ${RUNE} with ${CERT}`, { rune: RUNE, cert: CERT })
    assert.equal(out, 'CLN at https://h:1: refused [redacted] with [redacted]')
  })
})
