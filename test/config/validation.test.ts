import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { checkConfig, validateConfig } from '../../src/config/validate.js'
import { ConfigError } from '../../src/config/errors.js'
import { assertReadyToStart } from '../../src/config/start-check.js'
import {
  CERT,
  CERT_PEM,
  MACAROON,
  MACAROON_BYTES,
  ORIGINAL_DEFAULT_JSON,
  configErrorOf,
  node,
  problemsOf,
  validConfig
} from './fixtures.js'

const DURATION = 'expected a duration like "60s", "10m", "4h" or "1d"'
const b64 = (s: string | Buffer): string => Buffer.from(s).toString('base64')

describe('every validation problem is one line: the field path, then what was expected', () => {
  // [what, how to break a valid config, the exact line expected among the problems]
  const cases: Array<[string, (c: any) => void, string]> = [
    // the file itself
    [
      'unknown top-level key, with a hint',
      (c) => {
        c.secrett = 'x'
      },
      'secrett: unknown setting (did you mean "secret"?)'
    ],
    [
      'unknown key, no close match',
      (c) => {
        c.colour = 'blue'
      },
      'colour: unknown setting'
    ],
    // secret
    [
      'secret empty',
      (c) => {
        c.secret = ''
      },
      'secret: expected a non-empty string: the secret your cluster shares'
    ],
    [
      'secret not a string',
      (c) => {
        c.secret = 42
      },
      'secret: expected a non-empty string: the secret your cluster shares'
    ],
    // lightningNodes
    [
      'no nodes',
      (c) => {
        c.lightningNodes = []
      },
      'lightningNodes: add at least one node in config/local.json'
    ],
    [
      'nodes missing',
      (c) => {
        delete c.lightningNodes
      },
      'lightningNodes: add at least one node in config/local.json'
    ],
    [
      'nodes not a list',
      (c) => {
        c.lightningNodes = node()
      },
      'lightningNodes: expected a list of nodes'
    ],
    [
      'node not an object',
      (c) => {
        c.lightningNodes = ['127.0.0.1:10009']
      },
      'lightningNodes[0]: expected { "type": "lnd", "cert": ..., "macaroon": ..., "socket": "host:port" } or { "type": "cln", "url": "https://host:port", "rune": ..., "cert": ... }'
    ],
    [
      'node type',
      (c) => {
        c.lightningNodes[0].type = 'cln-rest'
      },
      'lightningNodes[0].type: expected "lnd" or "cln", got "cln-rest"'
    ],
    [
      'node unknown key',
      (c) => {
        c.lightningNodes[0].sockett = 'x:1'
      },
      'lightningNodes[0].sockett: unknown setting (did you mean "socket"?)'
    ],
    [
      'socket without port',
      (c) => {
        c.lightningNodes[0].socket = 'localhost'
      },
      'lightningNodes[0].socket: expected "host:port"'
    ],
    [
      'socket with scheme',
      (c) => {
        c.lightningNodes = [node(), node('https://lnd:10009')]
      },
      'lightningNodes[1].socket: expected "host:port"'
    ],
    [
      'socket empty (the original placeholder)',
      (c) => {
        c.lightningNodes[0].socket = ''
      },
      'lightningNodes[0].socket: expected "host:port"'
    ],
    [
      'socket missing',
      (c) => {
        delete c.lightningNodes[0].socket
      },
      'lightningNodes[0].socket: expected "host:port"'
    ],
    [
      'socket port 0',
      (c) => {
        c.lightningNodes[0].socket = '10.0.0.1:0'
      },
      'lightningNodes[0].socket: expected "host:port" with a port from 1 to 65535'
    ],
    [
      'socket port too big',
      (c) => {
        c.lightningNodes[0].socket = '10.0.0.1:99999'
      },
      'lightningNodes[0].socket: expected "host:port" with a port from 1 to 65535'
    ],
    [
      'cert empty',
      (c) => {
        c.lightningNodes[0].cert = ''
      },
      "lightningNodes[0].cert: expected the base64 (or hex) of LND's tls.cert file, got an empty string"
    ],
    [
      'cert missing',
      (c) => {
        delete c.lightningNodes[0].cert
      },
      "lightningNodes[0].cert: expected the base64 (or hex) of LND's tls.cert file"
    ],
    [
      'cert as PEM text',
      (c) => {
        c.lightningNodes[0].cert = CERT_PEM
      },
      "lightningNodes[0].cert: expected the base64 (or hex) of LND's tls.cert file, " +
        'got the PEM text itself: encode the file, e.g. base64 -w0 tls.cert'
    ],
    [
      'cert as a path',
      (c) => {
        c.lightningNodes[0].cert = '/home/me/.lnd/tls.cert'
      },
      "lightningNodes[0].cert: expected the base64 (or hex) of LND's tls.cert file, " +
        'got what looks like a file path: put the encoded file in the config, e.g. base64 -w0 FILE'
    ],
    [
      'cert wrapped',
      (c) => {
        c.lightningNodes[0].cert = CERT.slice(0, 76) + '\n' + CERT.slice(76)
      },
      "lightningNodes[0].cert: expected the base64 (or hex) of LND's tls.cert file on " +
        'one line, got whitespace or line breaks: encode with base64 -w0'
    ],
    [
      'cert bad characters',
      (c) => {
        c.lightningNodes[0].cert = 'not-base64!'
      },
      "lightningNodes[0].cert: expected the base64 (or hex) of LND's tls.cert file, got characters that are neither base64 nor hex"
    ],
    [
      'cert not a certificate',
      (c) => {
        c.lightningNodes[0].cert = b64('hello world')
      },
      "lightningNodes[0].cert: expected the base64 (or hex) of LND's tls.cert file, " +
        'which decodes to a PEM certificate (-----BEGIN CERTIFICATE-----); this decodes ' +
        'to something else'
    ],
    [
      'cert is the macaroon',
      (c) => {
        c.lightningNodes[0].cert = MACAROON
      },
      "lightningNodes[0].cert: expected the base64 (or hex) of LND's tls.cert file, " +
        'which decodes to a PEM certificate (-----BEGIN CERTIFICATE-----); this decodes ' +
        'to something else'
    ],
    [
      'macaroon empty',
      (c) => {
        c.lightningNodes[0].macaroon = ''
      },
      'lightningNodes[0].macaroon: expected the base64 (or hex) of an LND macaroon file, got an empty string'
    ],
    [
      'macaroon is the cert',
      (c) => {
        c.lightningNodes[0].macaroon = CERT
      },
      'lightningNodes[0].macaroon: expected the base64 (or hex) of an LND macaroon ' +
        'file, which starts with version byte 2; this decodes to something else'
    ],
    [
      'macaroon cut short',
      (c) => {
        c.lightningNodes[0].macaroon = MACAROON_BYTES.subarray(0, MACAROON_BYTES.length - 5).toString('hex')
      },
      'lightningNodes[0].macaroon: expected the base64 (or hex) of an LND macaroon ' +
        'file, which ends with its 32-byte signature; this one is cut short or damaged'
    ],
    [
      'macaroon as a path',
      (c) => {
        c.lightningNodes[0].macaroon = '~/.lnd/data/chain/bitcoin/mainnet/admin.macaroon'
      },
      'lightningNodes[0].macaroon: expected the base64 (or hex) of an LND macaroon ' +
        'file, got what looks like a file path: put the encoded file in the config, e.g. base64 -w0 FILE'
    ],
    // audit
    [
      'audit not an object',
      (c) => {
        c.audit = 'on'
      },
      'audit: expected an object (the audit log settings)'
    ],
    [
      'audit.storage not an object',
      (c) => {
        c.audit.storage = './storage'
      },
      'audit.storage: expected an object ({ "path": ... })'
    ],
    [
      'audit.storage.path empty',
      (c) => {
        c.audit.storage.path = ''
      },
      'audit.storage.path: expected a directory path'
    ],
    [
      'audit.transactionHistory',
      (c) => {
        c.audit.transactionHistory = ''
      },
      'audit.transactionHistory: expected a non-empty name'
    ],
    [
      'audit.eventLog',
      (c) => {
        c.audit.eventLog = 7
      },
      'audit.eventLog: expected a non-empty name'
    ],
    [
      'audit logs share a name',
      (c) => {
        c.audit.eventLog = 'transaction-log'
      },
      'audit.eventLog: expected a name different from audit.transactionHistory (the two logs would share one Hypercore)'
    ],
    [
      'audit.verboseScreenLogging',
      (c) => {
        c.audit.verboseScreenLogging = 'yes'
      },
      'audit.verboseScreenLogging: expected true or false'
    ],
    [
      'audit.shouldMask not a list',
      (c) => {
        c.audit.shouldMask = 'topic'
      },
      'audit.shouldMask: expected a list of field names'
    ],
    [
      'audit.shouldMask entry',
      (c) => {
        c.audit.shouldMask = ['topic', 3]
      },
      'audit.shouldMask[1]: expected a field name'
    ],
    [
      "audit unknown key (the original's old name is dropped, a typo is not)",
      (c) => {
        c.audit.transactionHistroy = 'x'
      },
      'audit.transactionHistroy: unknown setting (did you mean "transactionHistory"?)'
    ],
    // limits
    [
      'limits not an object',
      (c) => {
        c.limits = []
      },
      'limits: expected an object (baseSettings and idSettings)'
    ],
    [
      'baseSettings not an object',
      (c) => {
        c.limits.baseSettings = 5
      },
      'limits.baseSettings: expected an object (the settings)'
    ],
    [
      'maxTransactionSize 0',
      (c) => {
        c.limits.baseSettings.maxTransactionSize = 0
      },
      'limits.baseSettings.maxTransactionSize: expected a whole number of satoshis above 0'
    ],
    [
      'maxTransactionSize fraction',
      (c) => {
        c.limits.baseSettings.maxTransactionSize = 1.5
      },
      'limits.baseSettings.maxTransactionSize: expected a whole number of satoshis above 0'
    ],
    [
      'maxTransactionSize text',
      (c) => {
        c.limits.baseSettings.maxTransactionSize = 'lots'
      },
      'limits.baseSettings.maxTransactionSize: expected a whole number of satoshis above 0'
    ],
    [
      'minTimeBetweenPayments',
      (c) => {
        c.limits.baseSettings.minTimeBetweenPayments = 'soon'
      },
      `limits.baseSettings.minTimeBetweenPayments: ${DURATION}, got "soon"`
    ],
    [
      'minTimeBetweenPayments negative',
      (c) => {
        c.limits.baseSettings.minTimeBetweenPayments = -60
      },
      `limits.baseSettings.minTimeBetweenPayments: ${DURATION}, got -60`
    ],
    [
      'limitsPeriod 0',
      (c) => {
        c.limits.baseSettings.limitsPeriod = '0s'
      },
      'limits.baseSettings.limitsPeriod: expected a duration of at least 1s, got "0s"'
    ],
    [
      'limitsPeriod bare ms below 1 s',
      (c) => {
        c.limits.baseSettings.limitsPeriod = 500
      },
      'limits.baseSettings.limitsPeriod: expected a duration of at least 1s, got 500'
    ],
    [
      'useRollingLimitsPeriod as text',
      (c) => {
        c.limits.baseSettings.useRollingLimitsPeriod = 'false'
      },
      'limits.baseSettings.useRollingLimitsPeriod: expected true or false'
    ],
    [
      'maxTransactionsPerPeriod negative',
      (c) => {
        c.limits.baseSettings.maxTransactionsPerPeriod = -1
      },
      'limits.baseSettings.maxTransactionsPerPeriod: expected a whole number of payments, 0 or more'
    ],
    [
      'maxTransactionsPerPeriod fraction',
      (c) => {
        c.limits.baseSettings.maxTransactionsPerPeriod = 2.5
      },
      'limits.baseSettings.maxTransactionsPerPeriod: expected a whole number of payments, 0 or more'
    ],
    [
      'maxAmountPerPeriod 0',
      (c) => {
        c.limits.baseSettings.maxAmountPerPeriod = 0
      },
      'limits.baseSettings.maxAmountPerPeriod: expected a whole number of satoshis above 0'
    ],
    [
      'balancePoint 0',
      (c) => {
        c.limits.baseSettings.balancePoint = 0
      },
      'limits.baseSettings.balancePoint: expected a number between 0 and 1 (exclusive)'
    ],
    [
      'balancePoint 1',
      (c) => {
        c.limits.baseSettings.balancePoint = 1
      },
      'limits.baseSettings.balancePoint: expected a number between 0 and 1 (exclusive)'
    ],
    [
      'balancePoint text',
      (c) => {
        c.limits.baseSettings.balancePoint = 'half'
      },
      'limits.baseSettings.balancePoint: expected a number between 0 and 1 (exclusive)'
    ],
    [
      'deadzone too big',
      (c) => {
        c.limits.baseSettings.deadzone = 0.6
      },
      'limits.baseSettings.deadzone: expected a number between 0 and 0.5'
    ],
    [
      'deadzone negative',
      (c) => {
        c.limits.baseSettings.deadzone = -0.1
      },
      'limits.baseSettings.deadzone: expected a number between 0 and 0.5'
    ],
    [
      'band outside the channel',
      (c) => {
        Object.assign(c.limits.baseSettings, { balancePoint: 0.9, deadzone: 0.2 })
      },
      'limits.baseSettings.deadzone: expected balancePoint ± deadzone within 0..1, got 0.9 ± 0.2'
    ],
    [
      'refreshRate below 1 s',
      (c) => {
        c.limits.baseSettings.refreshRate = 0.5
      },
      'limits.baseSettings.refreshRate: expected a duration from 1s to 1d, got 0.5'
    ],
    [
      'refreshRate above a day',
      (c) => {
        c.limits.baseSettings.refreshRate = '2d'
      },
      'limits.baseSettings.refreshRate: expected a duration from 1s to 1d, got "2d"'
    ],
    [
      'paymentTimeout above an hour',
      (c) => {
        c.limits.baseSettings.paymentTimeout = '2h'
      },
      'limits.baseSettings.paymentTimeout: expected a duration from 1s to 1h, got "2h"'
    ],
    [
      'paymentTimeout below 1 s (bare number = ms)',
      (c) => {
        c.limits.baseSettings.paymentTimeout = 500
      },
      'limits.baseSettings.paymentTimeout: expected a duration from 1s to 1h, got 500'
    ],
    [
      "cltvLimit above LND's maximum",
      (c) => {
        c.limits.baseSettings.cltvLimit = 2017
      },
      'limits.baseSettings.cltvLimit: expected a whole number of blocks from 22 to 2016'
    ],
    [
      'cltvLimit not whole',
      (c) => {
        c.limits.idSettings = [{ id: 'A', cltvLimit: 100.5 }]
      },
      'limits.idSettings[0].cltvLimit: expected a whole number of blocks from 22 to 2016'
    ],
    [
      'maxRetryWait above 7 days',
      (c) => {
        c.limits.baseSettings.maxRetryWait = '8d'
      },
      'limits.baseSettings.maxRetryWait: expected a duration from 1s to 7d, got "8d"'
    ],
    [
      'refreshRate junk',
      (c) => {
        c.limits.baseSettings.refreshRate = 'often'
      },
      `limits.baseSettings.refreshRate: ${DURATION}, got "often"`
    ],
    [
      'baseSettings typo',
      (c) => {
        c.limits.baseSettings.maxTransactionSise = 5
      },
      'limits.baseSettings.maxTransactionSise: unknown setting (did you mean "maxTransactionSize"?)'
    ],
    [
      'idSettings not a list',
      (c) => {
        c.limits.idSettings = { id: 'A' }
      },
      'limits.idSettings: expected a list of { "id": ..., <settings to override> }'
    ],
    [
      'idSettings entry not an object',
      (c) => {
        c.limits.idSettings = [{ id: 'A' }, 'B']
      },
      'limits.idSettings[1]: expected { "id": ..., <settings to override> }'
    ],
    [
      'idSettings entry without id',
      (c) => {
        c.limits.idSettings = [{ deadzone: 0.2 }]
      },
      'limits.idSettings[0].id: expected a node alias, a channel id or "alias:channelId"'
    ],
    [
      'idSettings empty id',
      (c) => {
        c.limits.idSettings = [{ id: '' }]
      },
      'limits.idSettings[0].id: expected a node alias, a channel id or "alias:channelId"'
    ],
    [
      'idSettings numeric id',
      (c) => {
        c.limits.idSettings = [{ id: 712345 }]
      },
      'limits.idSettings[0].id: expected a node alias, a channel id or "alias:channelId"'
    ],
    [
      'idSettings[2].deadzone',
      (c) => {
        c.limits.idSettings = [{ id: 'A' }, { id: 'B' }, { id: 'C', deadzone: 0.7 }]
      },
      'limits.idSettings[2].deadzone: expected a number between 0 and 0.5'
    ],
    [
      'idSettings[1].balancePoint',
      (c) => {
        c.limits.idSettings = [{ id: 'A' }, { id: 'B', balancePoint: 1.5 }]
      },
      'limits.idSettings[1].balancePoint: expected a number between 0 and 1 (exclusive)'
    ],
    [
      'idSettings[0].minTimeBetweenPayments',
      (c) => {
        c.limits.idSettings = [{ id: 'A', minTimeBetweenPayments: 'later' }]
      },
      `limits.idSettings[0].minTimeBetweenPayments: ${DURATION}, got "later"`
    ],
    [
      'idSettings[0].maxAmountPerPeriod',
      (c) => {
        c.limits.idSettings = [{ id: 'A', maxAmountPerPeriod: -5 }]
      },
      'limits.idSettings[0].maxAmountPerPeriod: expected a whole number of satoshis above 0'
    ],
    [
      'idSettings[0].useRollingLimitsPeriod',
      (c) => {
        c.limits.idSettings = [{ id: 'A', useRollingLimitsPeriod: 1 }]
      },
      'limits.idSettings[0].useRollingLimitsPeriod: expected true or false'
    ],
    [
      'idSettings band, both set',
      (c) => {
        c.limits.idSettings = [{ id: 'A', balancePoint: 0.2, deadzone: 0.3 }]
      },
      'limits.idSettings[0].deadzone: expected balancePoint ± deadzone within 0..1, got 0.2 ± 0.3'
    ],
    [
      'idSettings band, deadzone from base',
      (c) => {
        c.limits.idSettings = [{ id: 'A' }, { id: 'B', balancePoint: 0.95 }]
      },
      'limits.idSettings[1].balancePoint: expected balancePoint ± deadzone within 0..1, got 0.95 ± 0.1 (deadzone from baseSettings)'
    ],
    [
      'idSettings band, balancePoint from base',
      (c) => {
        c.limits.baseSettings.balancePoint = 0.7
        c.limits.idSettings = [{ id: 'A', deadzone: 0.4 }]
      },
      'limits.idSettings[0].deadzone: expected balancePoint ± deadzone within 0..1, got 0.7 ± 0.4 (balancePoint from baseSettings)'
    ],
    [
      'idSettings typo',
      (c) => {
        c.limits.idSettings = [{ id: 'A', deadZone: 0.2 }]
      },
      'limits.idSettings[0].deadZone: unknown setting (did you mean "deadzone"?)'
    ],
    [
      'limits typo',
      (c) => {
        c.limits.idSetting = []
      },
      'limits.idSetting: unknown setting (did you mean "idSettings"?)'
    ],
    // swarm
    [
      'swarm not an object',
      (c) => {
        c.swarm = ['a:1']
      },
      'swarm: expected an object ({ "bootstrap": [...] })'
    ],
    [
      'swarm.bootstrap not a list',
      (c) => {
        c.swarm = { bootstrap: 'a:1' }
      },
      'swarm.bootstrap: expected a list of "host:port"'
    ],
    [
      'swarm.bootstrap entry',
      (c) => {
        c.swarm = { bootstrap: ['dht.example.com:49737', 'nowhere'] }
      },
      'swarm.bootstrap[1]: expected "host:port"'
    ],
    // api
    [
      'api.host empty',
      (c) => {
        c.api = { host: '' }
      },
      'api.host: expected a host name or IP address to listen on'
    ],
    [
      'api.port too big',
      (c) => {
        c.api = { port: 70000 }
      },
      'api.port: expected a port from 0 to 65535 (0: any free port)'
    ],
    [
      'api.port text',
      (c) => {
        c.api = { port: 'http' }
      },
      'api.port: expected a port from 0 to 65535 (0: any free port)'
    ],
    [
      'api.token short',
      (c) => {
        c.api = { token: 'hunter2' }
      },
      'api.token: expected a token of at least 16 characters'
    ],
    [
      'api typo',
      (c) => {
        c.api = { prot: 1 }
      },
      'api.prot: unknown setting (did you mean "port"?)'
    ]
  ]
  for (const [what, breakIt, line] of cases) {
    it(what, () => {
      const c = validConfig()
      breakIt(c)
      const problems = problemsOf(c)
      assert.ok(problems.includes(line), `expected the line\n  ${line}\ngot\n  ${problems.join('\n  ')}`)
    })
  }

  it('a value that is not an object at all', () => {
    assert.deepEqual(problemsOf([]), ['(config): expected a JSON object of settings'])
    assert.deepEqual(problemsOf('{"secret": "x"}'), ['(config): expected a JSON object of settings'])
  })

  it('lists every problem at once, in file order, once each', () => {
    const c = validConfig()
    c.lightningNodes[0].socket = 'bad'
    c.limits.baseSettings.deadzone = 3
    c.limits.idSettings = [{ id: 'A' }, { id: 'B', refreshRate: 'x' }]
    c.api = { port: -1 }
    assert.deepEqual(problemsOf(c), [
      'lightningNodes[0].socket: expected "host:port"',
      'limits.baseSettings.deadzone: expected a number between 0 and 0.5',
      `limits.idSettings[1].refreshRate: ${DURATION}, got "x"`,
      'api.port: expected a port from 0 to 65535 (0: any free port)'
    ])
  })

  it('validateConfig throws a ConfigError carrying the lines, its message lists them under the source', () => {
    const c = validConfig()
    c.limits.baseSettings.balancePoint = 2
    c.secret = ''
    const err = configErrorOf(() => validateConfig(c, { source: '/etc/tightrope' }))
    assert.ok(err instanceof ConfigError)
    assert.equal(err.name, 'ConfigError')
    assert.deepEqual(err.problems, [
      'secret: expected a non-empty string: the secret your cluster shares',
      'limits.baseSettings.balancePoint: expected a number between 0 and 1 (exclusive)'
    ])
    assert.equal(
      err.message,
      'invalid configuration (/etc/tightrope):\n  secret: expected a non-empty ' +
        'string: the secret your cluster shares\n  limits.baseSettings.balancePoint: ' +
        'expected a number between 0 and 1 (exclusive)'
    )
  })
})

describe('what is accepted, and what it becomes', () => {
  it('the original default.json with a real node: every default, durations in ms, announceInterval dropped', () => {
    const c = validateConfig({ ...ORIGINAL_DEFAULT_JSON, lightningNodes: [node()] })
    assert.deepEqual(c, {
      secret: 'secret',
      lightningNodes: [{ type: 'lnd', cert: CERT, macaroon: MACAROON, socket: '127.0.0.1:10009' }],
      audit: {
        storage: { path: './storage/' },
        transactionHistory: 'transaction-log',
        eventLog: 'event-log',
        verboseScreenLogging: false,
        shouldMask: ['topic', 'publicKey', 'remotePeer', 'paidTo', 'paidBy']
      },
      limits: {
        baseSettings: {
          maxTransactionSize: 1_000_000,
          minTimeBetweenPayments: 60_000,
          limitsPeriod: 14_400_000,
          useRollingLimitsPeriod: true,
          maxTransactionsPerPeriod: 20,
          maxAmountPerPeriod: 100_000_000,
          balancePoint: 0.5,
          deadzone: 0.1,
          refreshRate: 10_000,
          paymentTimeout: 60_000,
          cltvLimit: 144,
          maxRetryWait: 14_400_000
        },
        idSettings: []
      },
      swarm: { bootstrap: [] },
      // No port: unset means 8470, or a free port when 8470 is taken (the operator did not choose it).
      api: { host: '127.0.0.1' },
      notifications: [],
      counterparties: []
    })
  })

  it("only lightningNodes is required: everything else has the original's defaults", () => {
    const c = validateConfig({ lightningNodes: [node()] })
    assert.equal(c.secret, 'secret')
    assert.equal(c.audit.storage.path, './storage/')
    assert.equal(c.limits.baseSettings.limitsPeriod, 14_400_000)
    assert.equal(c.limits.baseSettings.refreshRate, 10_000)
    assert.equal(c.api.port, undefined, 'not set by the operator: the daemon may fall back to a free port')
  })

  // [what, patch applied to a valid config, check on the result]
  const accepted: Array<[string, (c: any) => void, (c: any) => void]> = [
    [
      'node type defaults to lnd',
      (c) => {
        delete c.lightningNodes[0].type
      },
      (c) => assert.equal(c.lightningNodes[0].type, 'lnd')
    ],
    [
      'hex credentials, kept as written',
      (c) => {
        c.lightningNodes[0].cert = Buffer.from(CERT_PEM).toString('hex')
        c.lightningNodes[0].macaroon = MACAROON_BYTES.toString('hex')
      },
      (c) => assert.equal(c.lightningNodes[0].macaroon, MACAROON_BYTES.toString('hex'))
    ],
    [
      'URL-safe base64 macaroon',
      (c) => {
        c.lightningNodes[0].macaroon = MACAROON_BYTES.toString('base64url')
      },
      (c) => assert.equal(c.lightningNodes[0].macaroon, MACAROON_BYTES.toString('base64url'))
    ],
    [
      'IPv6 and onion sockets',
      (c) => {
        c.lightningNodes = [node('[::1]:10009'), node('abcdefghij234567.onion:10009')]
      },
      (c) => assert.equal(c.lightningNodes.length, 2)
    ],
    [
      'bare durations: ms, except refreshRate in seconds',
      (c) =>
        Object.assign(c.limits.baseSettings, {
          minTimeBetweenPayments: 60000,
          limitsPeriod: '3600000',
          refreshRate: '30'
        }),
      (c) =>
        assert.deepEqual(
          [
            c.limits.baseSettings.minTimeBetweenPayments,
            c.limits.baseSettings.limitsPeriod,
            c.limits.baseSettings.refreshRate
          ],
          [60_000, 3_600_000, 30_000]
        )
    ],
    [
      'refreshRate with a unit',
      (c) => {
        c.limits.baseSettings.refreshRate = '2m'
      },
      (c) => assert.equal(c.limits.baseSettings.refreshRate, 120_000)
    ],
    [
      'numeric strings for numbers, as the original tolerated',
      (c) => Object.assign(c.limits.baseSettings, { maxTransactionSize: '500000', balancePoint: '0.4' }),
      (c) =>
        assert.deepEqual([c.limits.baseSettings.maxTransactionSize, c.limits.baseSettings.balancePoint], [500_000, 0.4])
    ],
    [
      'zero payments per period and no wait',
      (c) => Object.assign(c.limits.baseSettings, { maxTransactionsPerPeriod: 0, minTimeBetweenPayments: '0s' }),
      (c) => assert.equal(c.limits.baseSettings.maxTransactionsPerPeriod, 0)
    ],
    [
      'band touching both edges',
      (c) => Object.assign(c.limits.baseSettings, { balancePoint: 0.5, deadzone: 0.5 }),
      (c) => assert.equal(c.limits.baseSettings.deadzone, 0.5)
    ],
    [
      'idSettings keep only what they set, durations in ms',
      (c) => {
        c.limits.idSettings = [{ id: 'A', deadzone: 0.2, minTimeBetweenPayments: '10m' }]
      },
      (c) => assert.deepEqual(c.limits.idSettings, [{ id: 'A', deadzone: 0.2, minTimeBetweenPayments: 600_000 }])
    ],
    [
      'api port 0 (any free port) and a token',
      (c) => {
        c.api = { port: 0, token: 'a-long-enough-token-123' }
      },
      (c) => assert.deepEqual(c.api, { host: '127.0.0.1', port: 0, token: 'a-long-enough-token-123' })
    ],
    [
      'swarm bootstrap',
      (c) => {
        c.swarm = { bootstrap: ['127.0.0.1:49737', 'node1.hyperdht.org:49737'] }
      },
      (c) => assert.deepEqual(c.swarm.bootstrap, ['127.0.0.1:49737', 'node1.hyperdht.org:49737'])
    ]
  ]
  for (const [what, patch, check] of accepted) {
    it(what, () => {
      const c = validConfig()
      patch(c)
      const r = checkConfig(c)
      assert.ok(r.ok, r.ok ? '' : r.problems.join('\n'))
      check(r.config)
    })
  }

  it('does not modify the object it is given', () => {
    const c = validConfig()
    c.limits.baseSettings.maxTransactionsPeriod = '4h'
    const before = JSON.stringify(c)
    validateConfig(c)
    assert.equal(JSON.stringify(c), before)
  })
})

describe('warnings: valid, behaves as in the original, but probably not meant', () => {
  // [what, patch, the exact warning line]
  const cases: Array<[string, (c: any) => void, string]> = [
    [
      "README's maxTransactionsPeriod is the original's own key: dropped with a note, not refused",
      (c) => {
        c.limits.baseSettings.maxTransactionsPeriod = '4h'
      },
      'limits.baseSettings.maxTransactionsPeriod: ignored (an older setting of the ' +
        'original Tightrope, which ignored it too); both limits count over limitsPeriod'
    ],
    [
      'old maxAmountPeriod in an idSettings entry',
      (c) => {
        c.limits.idSettings = [{ id: 'A', maxAmountPeriod: '1d' }]
      },
      'limits.idSettings[0].maxAmountPeriod: ignored (an older setting of the ' +
        'original Tightrope, which ignored it too); both limits count over limitsPeriod'
    ],
    [
      'old nodeSettings',
      (c) => {
        c.limits.nodeSettings = []
      },
      'limits.nodeSettings: ignored (an older setting of the original Tightrope, which ignored it too); overrides go in limits.idSettings'
    ],
    [
      'old audit.transactionLog',
      (c) => {
        c.audit.transactionLog = 'tx'
      },
      'audit.transactionLog: ignored (an older setting of the original Tightrope, ' +
        'which ignored it too); the log name is audit.transactionHistory'
    ],
    [
      'old refreshRateSeconds',
      (c) => {
        c.refreshRateSeconds = 10
      },
      'refreshRateSeconds: ignored (an older setting of the original Tightrope, which ' +
        'ignored it too); polling is limits.baseSettings.refreshRate'
    ],
    [
      'bare minTimeBetweenPayments under a second',
      (c) => {
        c.limits.baseSettings.minTimeBetweenPayments = 60
      },
      'limits.baseSettings.minTimeBetweenPayments: 60 is read as 60 ms (a number ' +
        'without a unit is milliseconds, as in the original Tightrope); write "60s" if ' +
        'you meant seconds'
    ],
    [
      'bare limitsPeriod under a minute',
      (c) => {
        c.limits.idSettings = [{ id: 'A', limitsPeriod: '3600' }]
      },
      'limits.idSettings[0].limitsPeriod: "3600" is read as 3600 ms (a number without ' +
        'a unit is milliseconds, as in the original Tightrope); write "3600s" if you meant seconds'
    ],
    [
      'duplicate ids: the first wins, as in the original',
      (c) => {
        c.limits.idSettings = [{ id: 'A', deadzone: 0.2 }, { id: 'B' }, { id: 'A', deadzone: 0.3 }]
      },
      'limits.idSettings[2].id: "A" is also the id of limits.idSettings[0]; only that first entry is used'
    ],
    [
      'short secret',
      (c) => {
        c.secret = 'hunter2'
      },
      'secret: only 7 characters; anyone watching the DHT could guess it. Use a long random value (e.g. openssl rand -hex 32)'
    ]
  ]
  for (const [what, patch, line] of cases) {
    it(what, () => {
      const c = validConfig()
      patch(c)
      const r = checkConfig(c)
      assert.ok(r.ok, r.ok ? '' : r.problems.join('\n'))
      assert.ok(r.warnings.includes(line), `expected the warning\n  ${line}\ngot\n  ${r.warnings.join('\n  ')}`)
    })
  }

  it("announceInterval (in the original's current default.json) is dropped silently; a clean config has no warnings", () => {
    const c = validConfig()
    c.announceInterval = 90000
    const r = checkConfig(c)
    assert.ok(r.ok)
    assert.deepEqual(r.warnings, [])
    assert.equal('announceInterval' in r.config, false)
  })

  it('validateConfig hands warnings to onWarning', () => {
    const c = validConfig()
    c.limits.baseSettings.maxTransactionsPeriod = '4h'
    const seen: string[] = []
    validateConfig(c, { onWarning: (l) => seen.push(l) })
    assert.equal(seen.length, 1)
    assert.match(seen[0] as string, /^limits\.baseSettings\.maxTransactionsPeriod: ignored/)
  })
})

describe('the placeholder secret: valid, but refused when starting for real', () => {
  it('refuses "secret"', () => {
    const err = configErrorOf(() => assertReadyToStart({ secret: 'secret' }))
    assert.deepEqual(err.problems, [
      "secret: expected your cluster's own long random secret, not the placeholder " +
        '"secret" from default.json (set it in config/local.json or TIGHTROPE_SECRET)'
    ])
  })
  it('accepts any other secret', () => {
    assert.doesNotThrow(() => assertReadyToStart({ secret: 'correcthorsebatterystaple' }))
  })
  it('validation itself accepts it (the demo and tests use generated or placeholder secrets)', () => {
    assert.equal(validateConfig({ ...validConfig(), secret: 'secret' }).secret, 'secret')
  })
})
