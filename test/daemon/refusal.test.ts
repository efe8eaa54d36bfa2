import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { SimCluster } from '../../src/sim/cluster.js'
import { Daemon } from '../../src/daemon/daemon.js'
import { AuditLog } from '../../src/ledger/audit-log.js'
import { buildStatus } from '../../src/api/status.js'
import { eventually, moreEvaluations, readmeScenario } from '../helpers/sim.js'
import { BASE_SETTINGS, push, tempDir } from '../helpers/daemon.js'

describe('a refused request', () => {
  let cluster: SimCluster
  before(async () => {
    cluster = await SimCluster.start({ scenario: readmeScenario(), dht: false, control: false })
  })
  after(async () => {
    await cluster?.stop()
  })

  it('is not asked again at once, and the status says why nothing happens', async () => {
    const storage = await tempDir()
    const ledger = await AuditLog.open({
      storagePath: storage.path,
      eventLogName: 'e',
      transactionLogName: 't',
      shouldMask: []
    })
    // A (requester) would ask for up to 1M; B (payer) pays at most 50k at a time.
    const settingsFor = (alias: string) => ({
      ...BASE_SETTINGS,
      maxTransactionSize: alias === 'B' ? 50_000 : 1_000_000
    })
    const daemon = await Daemon.start({
      nodes: ['A', 'B'].map((a) => cluster.connection(a)),
      ledger,
      settingsFor,
      refreshRateMs: 1000,
      log: () => {}
    })
    try {
      await push(cluster, 'A', 'B', 600_000)
      await eventually(
        () => ledger.allTransactions().find((t) => t.role === 'payer' && t.reason === 'maxTransactionSize'),
        10_000,
        'the refusal'
      )
      const ab = cluster.channelBetween('A', 'B')?.id
      // The refusal is recorded before A's next evaluation turns it into a decision: wait for that.
      await eventually(
        () =>
          buildStatus(daemon).channels.find((c) => c.channelId === ab && c.node === 'A')?.next.reason === 'peerRefused'
            ? true
            : undefined,
        10_000,
        'A to decide on the refusal'
      )
      await moreEvaluations(cluster, 'A', 3) // A looked again, and again: it did not ask again
      assert.equal(
        ledger.allTransactions().filter((t) => t.role === 'payer' && t.status === 'refused').length,
        1,
        'asked once, not again and again'
      )
      const side = buildStatus(daemon).channels.find((c) => c.channelId === ab && c.node === 'A')
      assert.equal(side?.next.action, 'wait')
      assert.equal(side?.next.reason, 'peerRefused')
      assert.match(
        side?.next.detail ?? '',
        /refused by peer: maxTransactionSize \(.*50[,.]?000.*\); asking again after \d\d:\d\d:\d\d/
      )
    } finally {
      await daemon.stop()
      await storage.remove()
    }
  })
})
