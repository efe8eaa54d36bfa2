import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { inForceAfterReload, planReload } from '../../src/config/changes.js'
import { validateConfig } from '../../src/config/load.js'
import { CERT, MACAROON } from './fixtures.js'

const node = (socket: string, macaroon = MACAROON) => ({ type: 'lnd', cert: CERT, macaroon, socket })
const base = { secret: 'x'.repeat(24), lightningNodes: [node('127.0.0.1:10009')] }
const config = (extra: Record<string, unknown> = {}) => validateConfig({ ...base, ...extra })

describe('a reload: what changes, what waits for a restart', () => {
  it('nothing changed', () => {
    assert.deepEqual(planReload(config(), config()), { applied: [], needsRestart: [] })
  })

  it('limits, id settings, nodes and notifications apply; secret, swarm, api and audit wait', () => {
    const next = config({
      secret: 'y'.repeat(24),
      lightningNodes: [node('127.0.0.1:10009'), node('127.0.0.1:10010')],
      limits: { baseSettings: { maxTransactionSize: 5000 }, idSettings: [{ id: 'A', deadzone: 0.2 }] },
      api: { port: 9000 },
      audit: { verboseScreenLogging: true },
      notifications: [
        { url: 'https://hooks.example/path/TOKEN', secret: 'sixteen-chars-secret', events: ['node_lost'] }
      ]
    })
    const plan = planReload(config(), next)
    assert.deepEqual(plan.applied, [
      { path: 'lightningNodes[127.0.0.1:10010]', to: 'lnd (credentials)' },
      { path: 'limits.baseSettings.maxTransactionSize', from: '1000000', to: '5000' },
      { path: 'limits.idSettings[A].deadzone', to: '0.2' },
      { path: 'notifications[webhook https://hooks.example (node_lost)]', to: 'on' }
    ])
    assert.deepEqual(plan.needsRestart, [
      { path: 'api.port', to: '9000' },
      { path: 'audit.verboseScreenLogging', from: 'false', to: 'true' },
      { path: 'secret', from: '(secret)', to: '(secret, changed)' }
    ])
    const text = JSON.stringify(plan)
    for (const secret of ['y'.repeat(24), 'x'.repeat(24), 'TOKEN', 'sixteen-chars-secret', MACAROON])
      assert.ok(!text.includes(secret), secret)
  })

  it('new credentials for a node are a change, shown without them', () => {
    const other = Buffer.from(MACAROON, 'base64')
    other.writeUInt8(other.readUInt8(10) ^ 1, 10)
    const plan = planReload(config(), config({ lightningNodes: [node('127.0.0.1:10009', other.toString('base64'))] }))
    assert.deepEqual(plan.applied, [
      { path: 'lightningNodes[127.0.0.1:10009]', from: 'lnd (credentials)', to: 'lnd (credentials, changed)' }
    ])
  })

  it('what a reload puts in force keeps the restart-only sections', () => {
    const current = config()
    const next = config({ secret: 'z'.repeat(24), limits: { baseSettings: { deadzone: 0.3 } } })
    const inForce = inForceAfterReload(current, next)
    assert.equal(inForce.secret, current.secret)
    assert.equal(inForce.limits.baseSettings.deadzone, 0.3)
  })
})
