import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { loadConfig, type LoadOptions } from '../../src/config/load.js'
import { DEFAULTS } from '../../src/config/defaults.js'
import { nodeEndpoint, type TightropeConfig } from '../../src/config/types.js'
import { ORIGINAL_DEFAULT_JSON, configErrorOf, node } from './fixtures.js'

// dist/test/config/load.test.js → the repository's config/ directory
const REPO_CONFIG = fileURLToPath(new URL('../../../config', import.meta.url))

let root: string
const write = async (dir: string, name: string, content: unknown): Promise<void> => {
  await mkdir(dir, { recursive: true })
  await writeFile(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content, null, 2))
}
/** Loads without printing warnings; returns them too. */
const load = (opts: LoadOptions): { config: TightropeConfig; warnings: string[] } => {
  const warnings: string[] = []
  return { config: loadConfig({ onWarning: (l) => warnings.push(l), ...opts }), warnings }
}

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'tightrope-config-test-'))
})
after(async () => {
  await rm(root, { recursive: true, force: true })
})

describe('loading a directory the way the config package does', () => {
  let dir: string
  before(async () => {
    dir = join(root, 'merge')
    await write(dir, 'default.json', {
      secret: 'the default secret, long enough',
      lightningNodes: [node('10.0.0.1:10009'), node('10.0.0.2:10009')],
      audit: { storage: { path: './storage/' }, shouldMask: ['topic', 'publicKey'] },
      limits: { baseSettings: { balancePoint: 0.5, deadzone: 0.1 }, idSettings: [{ id: 'A', deadzone: 0.3 }] },
      api: { port: 8470 }
    })
    await write(dir, 'production.json', { api: { port: 9000 }, limits: { baseSettings: { deadzone: 0.3 } } })
    await write(dir, 'local.json', {
      lightningNodes: [node('10.0.0.3:10009')],
      audit: { shouldMask: ['remotePeer'] },
      limits: { baseSettings: { deadzone: 0.2 } }
    })
    await write(dir, 'local-production.json', { api: { host: '127.0.0.2' } })
    await write(dir, 'local-bob.json', {
      secret: "bob's own secret, long enough",
      limits: { idSettings: [{ id: 'B', deadzone: 0.05 }] }
    })
    await write(dir, 'custom-environment-variables.json', { audit: { storage: { path: 'TR_STORAGE' } } })
  })

  // [what, options, check]
  const cases: Array<[string, () => LoadOptions, (c: TightropeConfig) => void]> = [
    [
      "objects merge key by key: local.json's deadzone, default.json's balancePoint",
      () => ({ dir, env: {} }),
      (c) => {
        assert.equal(c.limits.baseSettings.deadzone, 0.2)
        assert.equal(c.limits.baseSettings.balancePoint, 0.5)
        assert.equal(c.secret, 'the default secret, long enough')
      }
    ],
    [
      'arrays are replaced, not merged: lightningNodes and shouldMask from local.json only',
      () => ({ dir, env: {} }),
      (c) => {
        assert.deepEqual(
          c.lightningNodes.map((n) => nodeEndpoint(n)),
          ['10.0.0.3:10009']
        )
        assert.deepEqual(c.audit.shouldMask, ['remotePeer'])
      }
    ],
    [
      'the instance (option) adds local-{instance}.json, whose idSettings replace the default ones',
      () => ({ dir, instance: 'bob', env: {} }),
      (c) => {
        assert.equal(c.secret, "bob's own secret, long enough")
        assert.deepEqual(c.limits.idSettings, [{ id: 'B', deadzone: 0.05 }])
      }
    ],
    [
      'NODE_APP_INSTANCE in the environment does the same',
      () => ({ dir, env: { NODE_APP_INSTANCE: 'bob' } }),
      (c) => assert.equal(c.secret, "bob's own secret, long enough")
    ],
    [
      'the instance option beats NODE_APP_INSTANCE',
      () => ({ dir, instance: 'carol', env: { NODE_APP_INSTANCE: 'bob' } }),
      (c) => assert.equal(c.secret, 'the default secret, long enough')
    ],
    [
      'without an instance, local-bob.json is not read',
      () => ({ dir, env: {} }),
      (c) => assert.deepEqual(c.limits.idSettings, [{ id: 'A', deadzone: 0.3 }])
    ],
    [
      'NODE_ENV adds {NODE_ENV}.json after default.json but before local.json, and local-{NODE_ENV}.json after local.json',
      () => ({ dir, env: { NODE_ENV: 'production' } }),
      (c) => {
        assert.equal(c.api.port, 9000)
        assert.equal(c.limits.baseSettings.deadzone, 0.2)
        assert.equal(c.api.host, '127.0.0.2')
      }
    ],
    [
      'NODE_CONFIG (JSON) overrides the files',
      () => ({ dir, env: { NODE_CONFIG: '{"api":{"port":7000}}' } }),
      (c) => assert.equal(c.api.port, 7000)
    ],
    [
      'custom-environment-variables.json maps variables onto fields',
      () => ({ dir, env: { TR_STORAGE: '/var/lib/tightrope' } }),
      (c) => assert.equal(c.audit.storage.path, '/var/lib/tightrope')
    ],
    [
      'TIGHTROPE_SECRET overrides every file',
      () => ({ dir, instance: 'bob', env: { TIGHTROPE_SECRET: 'from the environment, long enough' } }),
      (c) => assert.equal(c.secret, 'from the environment, long enough')
    ],
    [
      'TIGHTROPE_API_TOKEN sets api.token',
      () => ({ dir, env: { TIGHTROPE_API_TOKEN: 'a-long-enough-token-123' } }),
      (c) => assert.equal(c.api.token, 'a-long-enough-token-123')
    ],
    [
      'NODE_CONFIG_DIR chooses the directory when no dir is given',
      () => ({ env: { NODE_CONFIG_DIR: dir } }),
      (c) =>
        assert.deepEqual(
          c.lightningNodes.map((n) => nodeEndpoint(n)),
          ['10.0.0.3:10009']
        )
    ]
  ]
  for (const [what, opts, check] of cases) {
    it(what, () => check(load(opts()).config))
  }

  it('several directories, joined as NODE_CONFIG_DIR allows, load in order', async () => {
    const extra = join(root, 'extra')
    await write(extra, 'local.json', { limits: { baseSettings: { deadzone: 0.4 } } })
    assert.equal(load({ dir: [dir, extra].join(delimiter), env: {} }).config.limits.baseSettings.deadzone, 0.4)
  })

  it('warns when the instance has no file', () => {
    const { warnings } = load({ dir, instance: 'nobody', env: {} })
    assert.deepEqual(warnings, [
      `instance "nobody": no file for it in ${dir} (e.g. local-nobody.json), so it loads the same files as no instance`
    ])
  })

  it('leaves process.env as it was', () => {
    const before = { ...process.env }
    load({ dir, instance: 'bob', env: { NODE_ENV: 'production', TR_STORAGE: '/x' } })
    load({ dir })
    assert.deepEqual({ ...process.env }, before)
    assert.equal(process.env.TR_STORAGE, undefined)
  })
})

describe('several directories in one process, no global state', () => {
  it('alternating loads of two directories each see their own files', async () => {
    const alice = join(root, 'alice')
    const bob = join(root, 'bob')
    await write(alice, 'default.json', { secret: 'alice secret, long enough', lightningNodes: [node('10.0.0.1:1')] })
    await write(bob, 'default.json', { secret: 'bob secret, long enough...', lightningNodes: [node('10.0.0.2:2')] })
    await write(bob, 'local.json', { api: { port: 8471 } })
    for (let i = 0; i < 2; i++) {
      const a = load({ dir: alice, env: {} }).config
      const b = load({ dir: bob, env: {} }).config
      assert.deepEqual(
        [a.secret, a.lightningNodes[0] ? nodeEndpoint(a.lightningNodes[0]) : undefined, a.api.port],
        ['alice secret, long enough', '10.0.0.1:1', undefined]
      )
      assert.deepEqual(
        [b.secret, b.lightningNodes[0] ? nodeEndpoint(b.lightningNodes[0]) : undefined, b.api.port],
        ['bob secret, long enough...', '10.0.0.2:2', 8471]
      )
    }
  })
})

describe('loading problems are ConfigErrors with one line each', () => {
  // [what, setup returning the options, the expected problem lines]
  const cases: Array<[string, () => Promise<LoadOptions>, (dir: string) => string[]]> = [
    [
      'a missing directory',
      async () => ({ dir: join(root, 'does-not-exist'), env: {} }),
      () => [
        `config directory ${join(root, 'does-not-exist')} does not exist (set NODE_CONFIG_DIR or pass --config DIR)`
      ]
    ],
    [
      'an empty TIGHTROPE_SECRET',
      async () => {
        const dir = join(root, 'empty-secret')
        await write(dir, 'default.json', { lightningNodes: [node()] })
        return { dir, env: { TIGHTROPE_SECRET: '' } }
      },
      () => ["TIGHTROPE_SECRET: expected a value (unset it to use the config file's secret)"]
    ],
    [
      'a short TIGHTROPE_API_TOKEN, named as coming from the environment',
      async () => {
        const dir = join(root, 'short-token')
        await write(dir, 'default.json', { lightningNodes: [node()] })
        return { dir, env: { TIGHTROPE_API_TOKEN: 'short' } }
      },
      () => ['api.token (from TIGHTROPE_API_TOKEN): expected a token of at least 16 characters']
    ],
    [
      'validation problems in the merged files',
      async () => {
        const dir = join(root, 'invalid')
        await write(dir, 'default.json', { lightningNodes: [node()], limits: { baseSettings: { deadzone: 0.1 } } })
        await write(dir, 'local-x.json', {
          limits: { idSettings: [{ id: 'A' }, { id: 'B' }, { id: 'C', deadzone: 0.7 }] }
        })
        return { dir, instance: 'x', env: {} }
      },
      () => ['limits.idSettings[2].deadzone: expected a number between 0 and 0.5']
    ]
  ]
  for (const [what, setup, expected] of cases) {
    it(what, async () => {
      const opts = await setup()
      const err = configErrorOf(() => load(opts))
      assert.deepEqual(err.problems, expected(opts.dir as string))
    })
  }

  it('broken JSON names the file', async () => {
    const dir = join(root, 'broken')
    await write(dir, 'default.json', { lightningNodes: [node()] })
    await write(dir, 'local.json', '{ "secret": ')
    const err = configErrorOf(() => load({ dir, env: {} }))
    assert.equal(err.problems.length, 1)
    assert.match(
      err.problems[0] as string,
      new RegExp(
        `^cannot read the config files in ${dir}: .*${join(dir, 'local.json').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`
      )
    )
  })

  it('broken JSON beside a secret does not quote the secret (the message reaches the audit log on a reload)', async () => {
    const dir = join(root, 'broken-secret')
    await write(dir, 'default.json', { lightningNodes: [node()] })
    const secret = 'do-not-show-this-secret-value-0123456789'
    await write(dir, 'local.json', `{ "lightningNodes": [], "secret": ${secret} }`)
    const err = configErrorOf(() => load({ dir, env: { NODE_CONFIG: `{ "secret": ${secret} }` } }))
    assert.ok(err.problems.length >= 1)
    assert.ok(!err.message.includes(secret.slice(0, 12)), err.message)
    const fileErr = configErrorOf(() => load({ dir, env: {} }))
    assert.match(fileErr.problems[0] as string, /^cannot read the config files in /)
    assert.ok(!fileErr.message.includes(secret.slice(0, 12)), fileErr.message)
  })

  it('malformed NODE_CONFIG is refused instead of ignored', async () => {
    const dir = join(root, 'node-config')
    await write(dir, 'default.json', { lightningNodes: [node()] })
    const err = configErrorOf(() => load({ dir, env: { NODE_CONFIG: '{oops' } }))
    assert.match(err.problems[0] as string, /^NODE_CONFIG: expected JSON/)
  })
})

describe("the repository's config/default.json", () => {
  it('fails only for want of a node, saying where to add it', () => {
    const err = configErrorOf(() => load({ dir: REPO_CONFIG, env: {} }))
    assert.deepEqual(err.problems, ['lightningNodes: add at least one node in config/local.json'])
    assert.match(err.message, /lightningNodes: add at least one node in config\/local\.json/)
  })

  it("holds the original's defaults plus swarm and api, the same as the schema's fallbacks", async () => {
    const shipped = JSON.parse(await readFile(join(REPO_CONFIG, 'default.json'), 'utf8')) as Record<string, unknown>
    const { lightningNodes, ...originalRest } = ORIGINAL_DEFAULT_JSON
    assert.deepEqual(lightningNodes.length, 1)
    // New settings (payment bounds, retryAt cap) are added to the original's baseSettings.
    const limits = {
      ...originalRest.limits,
      baseSettings: { ...originalRest.limits.baseSettings, paymentTimeout: '60s', cltvLimit: 144, maxRetryWait: '4h' }
    }
    assert.deepEqual(shipped, {
      ...originalRest,
      limits,
      lightningNodes: [],
      swarm: { bootstrap: [] },
      api: { host: '127.0.0.1' }
    })
    assert.deepEqual(JSON.parse(JSON.stringify({ ...DEFAULTS, announceInterval: 90000, lightningNodes: [] })), shipped)
  })

  it("an original user's local.json, copied over as is, loads on top of it", async () => {
    const dir = join(root, 'migrated')
    await write(dir, 'default.json', await readFile(join(REPO_CONFIG, 'default.json'), 'utf8'))
    await write(dir, 'local.json', {
      secret: 'correcthorsebatterystaple',
      lightningNodes: [{ type: 'lnd', cert: node().cert, macaroon: node().macaroon, socket: '10.0.0.5:10009' }],
      announceInterval: 60000,
      limits: {
        baseSettings: { maxTransactionsPeriod: '4h', refreshRate: 30 },
        idSettings: [
          { id: 'Alice', deadzone: 0.2 },
          { id: 'Alice:712345x1234x0', balancePoint: 0.6 }
        ]
      }
    })
    const { config, warnings } = load({ dir, env: {} })
    assert.equal(config.secret, 'correcthorsebatterystaple')
    assert.equal(config.limits.baseSettings.refreshRate, 30_000)
    assert.equal(config.limits.baseSettings.minTimeBetweenPayments, 60_000)
    assert.deepEqual(config.limits.idSettings, [
      { id: 'Alice', deadzone: 0.2 },
      { id: 'Alice:712345x1234x0', balancePoint: 0.6 }
    ])
    assert.deepEqual(config.swarm, { bootstrap: [] })
    assert.equal(warnings.length, 1)
    assert.match(warnings[0] as string, /^limits\.baseSettings\.maxTransactionsPeriod: ignored/)
  })
})
