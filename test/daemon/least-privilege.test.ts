import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { SimCluster } from '../../src/sim/cluster.js'
import { Daemon } from '../../src/daemon/daemon.js'
import { AuditLog } from '../../src/ledger/audit-log.js'
import { LEAST_PRIVILEGE_PERMISSIONS } from '../../src/lightning/permissions.js'
import { eventually, readmeScenario } from '../helpers/sim.js'
import { BASE_SETTINGS, push, shareOf, tempDir } from '../helpers/daemon.js'

describe('the least-privilege macaroon the README recommends is enough', () => {
  let cluster: SimCluster
  before(async () => {
    cluster = await SimCluster.start({ scenario: readmeScenario(), dht: false, control: false })
  })
  after(async () => {
    await cluster?.stop()
  })

  it('rebalances A-B with macaroons baked with exactly those permissions', async () => {
    const storage = await tempDir()
    const ledger = await AuditLog.open({
      storagePath: storage.path,
      eventLogName: 'e',
      transactionLogName: 't',
      shouldMask: []
    })
    const nodes = ['A', 'B'].map((alias) => {
      const c = cluster.connection(alias)
      return {
        cert: c.cert,
        socket: c.socket,
        macaroon: cluster.server(alias).bakeMacaroon(LEAST_PRIVILEGE_PERMISSIONS).toString('base64')
      }
    })
    const daemon = await Daemon.start({
      nodes,
      ledger,
      settingsFor: () => BASE_SETTINGS,
      refreshRateMs: 1000,
      log: () => {}
    })
    try {
      await push(cluster, 'A', 'B', 600_000)
      await eventually(
        () => (Math.abs(shareOf(cluster, 'A', 'B') - 0.5) <= 0.1 ? true : undefined),
        10_000,
        'A-B rebalanced'
      )
      await eventually(
        () => (ledger.allTransactions().some((t) => t.role === 'payer' && t.status === 'succeeded') ? true : undefined),
        5000,
        'the payment in the ledger'
      )
    } finally {
      await daemon.stop()
      await storage.remove()
    }
  })

  it('without offchain:write the payment fails, is recorded with its reason, and nothing moves', async () => {
    const storage = await tempDir()
    const ledger = await AuditLog.open({
      storagePath: storage.path,
      eventLogName: 'e',
      transactionLogName: 't',
      shouldMask: []
    })
    const without = LEAST_PRIVILEGE_PERMISSIONS.filter((p) => !(p.entity === 'offchain' && p.action === 'write'))
    const nodes = ['C', 'D'].map((alias) => {
      const c = cluster.connection(alias)
      return {
        cert: c.cert,
        socket: c.socket,
        macaroon: cluster.server(alias).bakeMacaroon(without).toString('base64')
      }
    })
    const daemon = await Daemon.start({
      nodes,
      ledger,
      settingsFor: () => BASE_SETTINGS,
      refreshRateMs: 1000,
      log: () => {}
    })
    try {
      const before = cluster.network.paymentLog.length
      await push(cluster, 'C', 'D', 600_000)
      const failed = await eventually(
        () => ledger.allTransactions().find((t) => t.role === 'payer' && t.status === 'failed'),
        10_000,
        'a failed payment in the ledger'
      )
      assert.match(failed.reason ?? '', /permission denied/)
      assert.equal(cluster.network.paymentLog.slice(before).filter((p) => p.from === 'D' && p.to === 'C').length, 0)
    } finally {
      await daemon.stop()
      await storage.remove()
    }
  })
})
