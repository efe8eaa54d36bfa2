import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { SimCluster } from '../../src/sim/cluster.js'
import { parseScenario, type Scenario } from '../../src/sim/scenario.js'
import { AuditLog } from '../../src/ledger/audit-log.js'
import { eventually, moreEvaluations, readmeScenario } from '../helpers/sim.js'
import { push, shareOf, tempDir } from '../helpers/daemon.js'
import { writeConfigDir } from '../helpers/config.js'
import { runTightrope, runToEnd } from '../helpers/process.js'

function mixedScenario(): Scenario {
  const s = readmeScenario()
  return parseScenario({
    ...s,
    nodes: s.nodes.map((n) => (n.alias === 'B' || n.alias === 'C' ? { ...n, implementation: 'cln' } : n))
  })
}

/** tightrope as its own process with a Core Lightning node (B) beside an LND one (A). */
describe('a CLN node through the tightrope command', () => {
  let cluster: SimCluster
  let dir: { path: string; remove: () => Promise<void> }
  let configDir: string
  before(async () => {
    cluster = await SimCluster.start({ scenario: mixedScenario(), dht: false, control: false })
    dir = await tempDir()
    configDir = await writeConfigDir(dir.path, cluster, ['A', 'B'])
  })
  after(async () => {
    await cluster?.stop()
    await dir?.remove()
  })

  it('config check connects to the CLN node and lists its channels; a rune short of methods is named', async () => {
    const ok = await runToEnd(['config', 'check', '--config', configDir, '--json'])
    assert.equal(ok.code, 0, ok.output)
    const report = JSON.parse(ok.output) as { channels: Array<{ node: string }>; problems: string[] }
    assert.equal(report.channels.filter((c) => c.node === 'B').length, 2)
    assert.deepEqual(report.problems, [])

    const b = cluster.nodeConnection('B')
    assert.equal(b.implementation, 'cln')
    if (b.implementation !== 'cln') return
    // A rune that allows reading only (not authentic either: the node refuses it too).
    const readonly = Buffer.concat([Buffer.alloc(32, 3), Buffer.from('=0&method^list|method^get')]).toString(
      'base64url'
    )
    await writeFile(
      join(configDir, 'local-readonly.json'),
      JSON.stringify({ lightningNodes: [{ type: 'cln', url: b.url, rune: readonly, cert: b.cert }] })
    )
    const bad = await runToEnd(['config', 'check', '--config', configDir, '--instance', 'readonly'])
    assert.equal(bad.code, 1)
    assert.match(
      bad.output,
      /problem: lightningNodes\[0\] \(https:\/\/127\.0\.0\.1:\d+\): rune: the rune does not allow invoice \(refused by "method\^list\|method\^get"\)/
    )
    assert.match(bad.output, /sendpay \(refused by/)
    assert.match(bad.output, /lightning-cli createrune/)
    assert.ok(!bad.output.includes(readonly) && !bad.output.includes(b.rune), 'no rune in the output')
  })

  it('a CLN payer killed mid-payment learns the outcome from CLN after a restart: paid exactly once', async () => {
    let proc = runTightrope(['start', '--config', configDir, '--log-format', 'json'])
    try {
      await eventually(() => (proc.events().some((e) => e.type === 'started') ? true : undefined), 30_000, 'start')
      cluster.addFault({ type: 'hold', from: 'B', to: 'A' })
      const pushed = await push(cluster, 'A', 'B', 600_000)
      const held = await eventually(() => cluster.network.faults.listHeld()[0], 30_000, 'the CLN payment held')
      await eventually(
        () => (proc.events().some((e) => e.type === 'payment_started' && e.node === 'B') ? true : undefined),
        10_000,
        'the pending entry'
      )
      proc.child.kill('SIGKILL')
      await new Promise<void>((resolve) => proc.child.once('exit', () => resolve()))
      cluster.network.faults.clear()
      cluster.network.faults.release(held.id) // it completes while the payer is down
      await eventually(
        () => (cluster.network.paymentLog.some((p) => p.paymentHash === held.paymentHash) ? true : undefined),
        10_000,
        'the payment to settle'
      )

      proc = runTightrope(['start', '--config', configDir, '--log-format', 'json'])
      const reconciled = await eventually(
        () => proc.events().find((e) => e.type === 'payment_reconciled'),
        30_000,
        `reconciliation:\n${proc.output()}`
      )
      assert.equal(reconciled.type === 'payment_reconciled' && reconciled.outcome, 'succeeded')
      await eventually(() => (Math.abs(shareOf(cluster, 'A', 'B') - 0.5) <= 0.1 ? true : undefined), 30_000, 'balanced')
      await moreEvaluations(cluster, 'A', 3) // A (LND) decided several times since: it asked no second time
      const rebalances = cluster.network.paymentLog.filter(
        (p) => p.paymentHash !== pushed.paymentHash && p.from === 'B' && p.to === 'A' && p.status === 'SUCCEEDED'
      )
      assert.equal(rebalances.length, 1, 'paid exactly once')
      assert.equal(rebalances[0]?.feeMsat, 0)
      assert.equal(proc.events().filter((e) => e.type === 'payment_reconciled').length, 1, 'reconciled once')
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
      } finally {
        await ledger.close()
      }
    } finally {
      await proc.stop('SIGKILL')
    }
  })
})
