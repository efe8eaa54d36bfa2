import { afterEach, beforeEach, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { formatDuration, parseDuration } from '../../src/config/duration.js'
import { loadConfig, validateConfig } from '../../src/config/load.js'
import { ConfigError } from '../../src/config/errors.js'
import { resolveSettings, resolveWithSources } from '../../src/config/resolve.js'
import { tempDir } from '../helpers/daemon.js'

const CERT = Buffer.from('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n').toString('base64')
const node = (socket = '127.0.0.1:10009') => ({ type: 'lnd', cert: CERT, macaroon: 'AgEDbG5k', socket })
const base = { maxTransactionSize: 1000000, minTimeBetweenPayments: '60s', limitsPeriod: '4h', useRollingLimitsPeriod: true, maxTransactionsPerPeriod: 20, maxAmountPerPeriod: 100000000, balancePoint: 0.5, deadzone: 0.1, refreshRate: 10 }
const valid = () => ({ secret: 'correct horse battery staple', lightningNodes: [node()], audit: { storage: { path: './storage' } }, limits: { baseSettings: { ...base }, idSettings: [] as unknown[] } })

function problemsOf (raw: unknown): string[] {
  try { validateConfig(raw) } catch (err) { if (err instanceof ConfigError) return err.problems; throw err }
  return []
}

describe('durations', () => {
  const cases: Array<[unknown, number | RegExp, number?]> = [
    ['60s', 60_000], ['10m', 600_000], ['4h', 14_400_000], ['1d', 86_400_000], ['1.5h', 5_400_000], ['250', 250], [1500, 1500],
    [10, 10_000, 1000], ['soon', /expected a duration like "60s", "10m", "4h" or "1d", got "soon"/], ['-5s', /got "-5s"/], [true, /got true/], [-1, /got -1/]
  ]
  for (const [input, expected, bare] of cases) {
    it(`${JSON.stringify(input)}${bare ? ' (bare = seconds)' : ''}`, () => {
      const r = parseDuration(input, bare)
      if (typeof expected === 'number') assert.deepEqual(r, { ok: true, ms: expected })
      else assert.match(r.ok ? 'ok' : r.error, expected)
    })
  }
  it('formats back', () => { assert.deepEqual([60_000, 14_400_000, 86_400_000, 1500].map(formatDuration), ['1m', '4h', '1d', '1500ms']) })
})

describe('config validation names the field and what was expected', () => {
  it('accepts the original format and converts durations', () => {
    const c = validateConfig(valid())
    assert.equal(c.limits.baseSettings.minTimeBetweenPayments, 60_000)
    assert.equal(c.limits.baseSettings.refreshRate, 10_000)
    assert.equal(c.audit.eventLog, 'event-log')
    assert.deepEqual(c.swarm.bootstrap, [])
    assert.equal(c.api.host, '127.0.0.1')
  })

  const broken: Array<[string, (c: ReturnType<typeof valid>) => void, RegExp]> = [
    ['deadzone in idSettings', (c) => { c.limits.idSettings = [{ id: 'A' }, { id: 'B' }, { id: 'C', deadzone: 0.7 }] }, /^limits\.idSettings\[2\]\.deadzone: expected a number between 0 and 0\.5$/],
    ['balancePoint', (c) => { (c.limits.baseSettings as any).balancePoint = 1 }, /^limits\.baseSettings\.balancePoint: expected a number between 0 and 1$/],
    ['band outside the channel', (c) => { Object.assign(c.limits.baseSettings, { balancePoint: 0.9, deadzone: 0.2 }) }, /^limits\.baseSettings\.deadzone: expected balancePoint ± deadzone inside 0\.\.1/],
    ['socket', (c) => { c.lightningNodes[0] = node('localhost') }, /^lightningNodes\[0\]\.socket: expected "host:port"$/],
    ['port range', (c) => { c.lightningNodes[0] = node('10.0.0.1:99999') }, /^lightningNodes\[0\]\.socket: expected a port from 1 to 65535$/],
    ['cert encoding', (c) => { (c.lightningNodes[0] as any).cert = 'not base64!' }, /^lightningNodes\[0\]\.cert: expected the base64 \(or hex\) of the LND tls\.cert file$/],
    ['node type', (c) => { (c.lightningNodes[0] as any).type = 'cln' }, /^lightningNodes\[0\]\.type: expected "lnd"/],
    ['no nodes', (c) => { c.lightningNodes = [] }, /^lightningNodes: add at least one node \(in config\/local\.json\)$/],
    ['duration', (c) => { (c.limits.baseSettings as any).minTimeBetweenPayments = 'soon' }, /^limits\.baseSettings\.minTimeBetweenPayments: expected a duration like "60s", "10m", "4h" or "1d", got "soon"$/],
    ['refreshRate too fast', (c) => { (c.limits.baseSettings as any).refreshRate = 0.5 }, /^limits\.baseSettings\.refreshRate: expected at least 1s/],
    ['amount', (c) => { (c.limits.baseSettings as any).maxTransactionSize = 0 }, /^limits\.baseSettings\.maxTransactionSize: expected a whole number of satoshis above 0$/],
    ['count', (c) => { (c.limits.baseSettings as any).maxTransactionsPerPeriod = 1.5 }, /^limits\.baseSettings\.maxTransactionsPerPeriod: expected a whole number of payments, 0 or more$/],
    ['boolean', (c) => { (c.limits.baseSettings as any).useRollingLimitsPeriod = 'yes' }, /^limits\.baseSettings\.useRollingLimitsPeriod: expected true or false$/],
    ['missing base setting', (c) => { delete (c.limits.baseSettings as any).deadzone }, /^limits\.baseSettings\.deadzone: expected a number between 0 and 0\.5$/],
    ['typo with hint', (c) => { (c.limits.baseSettings as any).maxTransactionsPeriod = 5 }, /^limits\.baseSettings: unknown setting "maxTransactionsPeriod" \(did you mean "maxTransactionsPerPeriod"\?\)$/],
    ['unknown top-level key', (c) => { (c as any).secrett = 'x' }, /^\(config\): unknown setting "secrett"$/],
    ['idSettings without id', (c) => { c.limits.idSettings = [{ deadzone: 0.2 }] }, /^limits\.idSettings\[0\]\.id: expected a node alias/],
    ['secret', (c) => { (c as any).secret = '' }, /^secret: expected a long random string/],
    ['bootstrap', (c) => { (c as any).swarm = { bootstrap: ['nowhere'] } }, /^swarm\.bootstrap\[0\]: expected "host:port"$/]
  ]
  for (const [name, breakIt, expected] of broken) {
    it(name, () => {
      const c = valid()
      breakIt(c)
      const problems = problemsOf(c)
      assert.ok(problems.some((p) => expected.test(p)), `got: ${problems.join(' | ')}`)
    })
  }

  it('reports every problem at once', () => {
    const c = valid()
    ;(c.limits.baseSettings as any).deadzone = 3
    c.lightningNodes[0] = node('bad')
    const problems = problemsOf(c)
    assert.ok(problems.some((p) => p.startsWith('limits.baseSettings.deadzone:')))
    assert.ok(problems.some((p) => p.startsWith('lightningNodes[0].socket:')))
  })
})

describe('settings resolution: base < alias < channel id < "alias:channelId"', () => {
  const limits = validateConfig({
    ...valid(),
    limits: {
      baseSettings: base,
      idSettings: [
        { id: 'Bob:5x1x0', deadzone: 0.05 },
        { id: '5x1x0', deadzone: 0.2, maxTransactionSize: 5000 },
        { id: 'Alice', deadzone: 0.3, balancePoint: 0.4, minTimeBetweenPayments: '10m' }
      ]
    }
  }).limits
  const cases: Array<[string, string, Partial<Record<string, unknown>>]> = [
    ['Carol', '9x9x9', { deadzone: 0.1, balancePoint: 0.5, maxTransactionSize: 1000000 }],
    ['Alice', '9x9x9', { deadzone: 0.3, balancePoint: 0.4, minTimeBetweenPayments: 600_000 }],
    ['Alice', '5x1x0', { deadzone: 0.2, balancePoint: 0.4, maxTransactionSize: 5000 }],
    ['Bob', '5x1x0', { deadzone: 0.05, balancePoint: 0.5, maxTransactionSize: 5000 }]
  ]
  for (const [alias, channelId, expected] of cases) {
    it(`${alias} on ${channelId}`, () => {
      const s = resolveSettings(limits, { alias, channelId }) as unknown as Record<string, unknown>
      for (const [k, v] of Object.entries(expected)) assert.equal(s[k], v, k)
    })
  }
  it('says where each setting came from', () => {
    const { sources } = resolveWithSources(limits, { alias: 'Bob', channelId: '5x1x0' })
    assert.equal(sources.deadzone, 'alias:channel')
    assert.equal(sources.maxTransactionSize, 'channel')
    assert.equal(sources.balancePoint, 'base')
  })
})

describe('loading files the way the config package does', () => {
  let dir: { path: string; remove: () => Promise<void> }
  beforeEach(async () => { dir = await tempDir('tightrope-config-') })
  afterEach(async () => { await dir.remove() })

  it('merges default.json, local.json and local-{instance}.json; arrays are replaced', async () => {
    const cfg = join(dir.path, 'config')
    await mkdir(cfg)
    await writeFile(join(cfg, 'default.json'), JSON.stringify({ ...valid(), lightningNodes: [node('10.0.0.1:1'), node('10.0.0.2:2')] }))
    await writeFile(join(cfg, 'local.json'), JSON.stringify({ lightningNodes: [node('10.0.0.3:3')], limits: { baseSettings: { deadzone: 0.2 } } }))
    await writeFile(join(cfg, 'local-bob.json'), JSON.stringify({ secret: 'bobs secret' }))
    const plain = loadConfig({ dir: cfg, env: {} })
    assert.deepEqual(plain.lightningNodes.map((n) => n.socket), ['10.0.0.3:3'])
    assert.equal(plain.limits.baseSettings.deadzone, 0.2)
    assert.equal(plain.limits.baseSettings.balancePoint, 0.5)
    assert.equal(plain.secret, 'correct horse battery staple')
    assert.equal(loadConfig({ dir: cfg, instance: 'bob', env: {} }).secret, 'bobs secret')
    assert.equal(loadConfig({ dir: cfg, env: { TIGHTROPE_SECRET: 'from env' } }).secret, 'from env')
  })

  it('honours NODE_CONFIG_DIR and refuses a missing directory or broken JSON', async () => {
    const cfg = join(dir.path, 'elsewhere')
    await mkdir(cfg)
    await writeFile(join(cfg, 'default.json'), JSON.stringify(valid()))
    assert.equal(loadConfig({ env: { NODE_CONFIG_DIR: cfg } }).lightningNodes.length, 1)
    assert.throws(() => loadConfig({ dir: join(dir.path, 'missing'), env: {} }), /does not exist/)
    await writeFile(join(cfg, 'local.json'), '{ not json')
    assert.throws(() => loadConfig({ dir: cfg, env: {} }), /cannot read the config files/)
  })

  it('the repository default.json asks for nodes in local.json', () => {
    assert.throws(() => loadConfig({ dir: 'config', env: {} }), /lightningNodes: add at least one node \(in config\/local\.json\)/)
  })
})
