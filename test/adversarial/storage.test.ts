import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { SimCluster } from '../../src/sim/cluster.js'
import { Daemon } from '../../src/daemon/daemon.js'
import { AuditLog } from '../../src/ledger/audit-log.js'
import { eventually, readmeScenario } from '../helpers/sim.js'
import { BASE_SETTINGS, push, tempDir } from '../helpers/daemon.js'
import { writeConfigDir } from '../helpers/config.js'
import type { TightropeEvent } from '../../src/core/events.js'
import { runToEnd } from '../helpers/process.js'

describe('the audit storage cannot be written', () => {
  let cluster: SimCluster
  before(async () => {
    cluster = await SimCluster.start({ scenario: readmeScenario(), dht: false, control: false })
  })
  after(async () => {
    await cluster?.stop()
  })

  it('at start: a clear error naming the path, exit 1', async () => {
    const dir = await tempDir()
    try {
      const blocker = join(dir.path, 'not-a-directory')
      await writeFile(blocker, 'x')
      const configDir = await writeConfigDir(dir.path, cluster, ['A'], { storage: join(blocker, 'storage') })
      const r = await runToEnd(['start', '--config', configDir])
      assert.equal(r.code, 1)
      assert.match(r.output, new RegExp(`audit storage ${join(blocker, 'storage').replace(/[/.]/g, '\\$&')}`))
    } finally {
      await dir.remove()
    }
  })

  it('while running: nothing is paid that could not be recorded, and the failure is reported', async () => {
    const storage = await tempDir()
    const ledger = await AuditLog.open({
      storagePath: storage.path,
      eventLogName: 'e',
      transactionLogName: 't',
      shouldMask: []
    })
    const events: TightropeEvent[] = []
    const daemon = await Daemon.start({
      nodes: ['A', 'B'].map((a) => cluster.connection(a)),
      ledger,
      settingsFor: () => BASE_SETTINGS,
      refreshRateMs: 1000,
      log: (e) => events.push(e)
    })
    try {
      await ledger.close() // the storage goes away under the running daemon
      const before = cluster.network.paymentLog.length
      await push(cluster, 'A', 'B', 600_000)
      await eventually(() => events.find((e) => e.type === 'request_error'), 10_000, 'the failed request reported')
      assert.ok(
        events.some((e) => e.type === 'audit_log_write_failed'),
        'event-log write failures are reported on the terminal'
      )
      await new Promise((resolve) => setTimeout(resolve, 1500))
      assert.equal(
        cluster.network.paymentLog.slice(before).filter((p) => p.from === 'B' && p.to === 'A').length,
        0,
        'no unrecorded payment'
      )
      const open = cluster.network
        .node('A')
        .invoices.list()
        .filter((i) => i.memo.startsWith('tightrope') && i.state === 'OPEN')
      assert.equal(open.length, 0, "the unrecorded request's invoice was withdrawn")
    } finally {
      await daemon.stop().catch(() => {})
      await storage.remove()
    }
  })
})
