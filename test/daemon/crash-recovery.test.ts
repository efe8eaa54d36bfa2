import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { SimCluster } from '../../src/sim/cluster.js'
import { AuditLog } from '../../src/ledger/audit-log.js'
import { eventually, moreEvaluations, readmeScenario } from '../helpers/sim.js'
import { push, shareOf, tempDir } from '../helpers/daemon.js'
import { writeConfigDir } from '../helpers/config.js'
import { runTightrope } from '../helpers/process.js'

describe('the payer is killed while its payment is held in flight', () => {
  let cluster: SimCluster
  before(async () => {
    cluster = await SimCluster.start({ scenario: readmeScenario(), dht: false, control: false })
  })
  after(async () => {
    await cluster?.stop()
  })

  it('learns the outcome from LND after a restart, records it, and never pays twice', async () => {
    const dir = await tempDir()
    const configDir = await writeConfigDir(dir.path, cluster, ['A', 'B'])
    let proc = runTightrope(['start', '--config', configDir, '--log-format', 'json'])
    try {
      await eventually(() => (proc.events().some((e) => e.type === 'started') ? true : undefined), 20_000, 'start')
      cluster.addFault({ type: 'hold', from: 'B', to: 'A' })
      const pushed = await push(cluster, 'A', 'B', 600_000)
      const held = await eventually(
        () => cluster.network.faults.listHeld()[0],
        10_000,
        'the rebalancing payment held in flight'
      )
      await eventually(
        () => (proc.events().some((e) => e.type === 'payment_started') ? true : undefined),
        5000,
        'the pending entry'
      )
      proc.child.kill('SIGKILL')
      await new Promise<void>((resolve) => proc.child.once('exit', () => resolve()))

      cluster.network.faults.release(held.id) // the payment completes while the payer is down
      await eventually(
        () => (cluster.network.paymentLog.some((p) => p.paymentHash === held.paymentHash) ? true : undefined),
        5000,
        'the payment to settle'
      )

      proc = runTightrope(['start', '--config', configDir, '--log-format', 'json'])
      const reconciled = await eventually(
        () => proc.events().find((e) => e.type === 'payment_reconciled'),
        20_000,
        `reconciliation:\n${proc.output()}`
      )
      assert.equal(reconciled.type === 'payment_reconciled' && reconciled.outcome, 'succeeded')
      await eventually(
        () => (Math.abs(shareOf(cluster, 'A', 'B') - 0.5) <= 0.1 ? true : undefined),
        10_000,
        'A-B balanced'
      )
      await moreEvaluations(cluster, 'A', 3) // A decided several times since: it asked no second time
      const rebalances = cluster.network.paymentLog.filter(
        (p) => p.paymentHash !== pushed.paymentHash && p.from === 'B' && p.to === 'A' && p.status === 'SUCCEEDED'
      )
      assert.equal(rebalances.length, 1, 'paid exactly once')
      assert.equal(await proc.stop('SIGTERM'), 0)

      const ledger = await AuditLog.open({
        storagePath: join(dir.path, 'storage'),
        eventLogName: 'event-log',
        transactionLogName: 'transaction-log',
        shouldMask: []
      })
      try {
        const payer = ledger
          .allTransactions()
          .filter((t) => t.role === 'payer' && t.paymentHash === held.paymentHash)
          .map((t) => t.status)
        assert.deepEqual(payer, ['pending', 'succeeded'])
        const requester = ledger
          .allTransactions()
          .filter((t) => t.role === 'requester' && t.paymentHash === held.paymentHash)
          .map((t) => t.status)
        assert.deepEqual(requester, ['requested', 'succeeded'], 'the requester, restarted too, confirms by its invoice')
      } finally {
        await ledger.close()
      }
    } finally {
      await proc.stop('SIGKILL')
      await dir.remove()
    }
  })
})
