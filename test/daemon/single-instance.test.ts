import { after, afterEach, before, beforeEach, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { SimCluster } from '../../src/sim/cluster.js'
import { readmeScenario, eventually, mixedScenario, moreEvaluations } from '../helpers/sim.js'
import { push, shareOf, startDaemon, tempDir, type TestDaemon } from '../helpers/daemon.js'
import type { TransactionRecord } from '../../src/ledger/types.js'

/**
 * One instance managing Alice's A and B against the simulator: A-B is rebalanced with direct,
 * zero-fee payments and the payer's limits hold, also across a restart. B is the payer in every
 * case, and the whole is run with B on LND (readme story) and on Core Lightning (scenarios/mixed.json,
 * the same channels): the limits are the payer's, whatever node pays. A (the requester) is LND.
 */
for (const payer of ['lnd', 'cln'] as const)
  describe(`one instance managing both ends of A-B (the payer B on ${payer})`, () => {
    let cluster: SimCluster
    let storage: { path: string; remove: () => Promise<void> }
    let running: TestDaemon | undefined

    before(async () => {
      cluster = await SimCluster.start({
        scenario: payer === 'cln' ? mixedScenario() : readmeScenario(),
        dht: false,
        control: false
      })
      assert.equal(cluster.nodeConnection('B').implementation, payer)
    })
    after(async () => {
      await cluster?.stop()
    })
    beforeEach(async () => {
      storage = await tempDir()
    })
    afterEach(async () => {
      await running?.daemon.stop()
      running = undefined
      await storage.remove()
    })

    /** Every payment the simulator finished after a point in its log. */
    const tightropePayments = (sinceIndex: number) => cluster.network.paymentLog.slice(sinceIndex)
    const payerRecords = (d: TestDaemon): TransactionRecord[] =>
      d.daemon.ledger.allTransactions().filter((r: TransactionRecord) => r.role === 'payer')

    it('brings A-B back inside the deadzone with direct, zero-fee payments', async () => {
      running = await startDaemon(cluster, ['A', 'B'], storage.path)
      const before = cluster.network.paymentLog.length
      await push(cluster, 'A', 'B', 600_000)
      assert.ok(shareOf(cluster, 'A', 'B') < 0.4, 'A-B left the deadzone')
      await eventually(
        () => (Math.abs(shareOf(cluster, 'A', 'B') - 0.5) <= 0.1 ? true : undefined),
        10_000,
        'A-B back inside the deadzone'
      )
      const ab = cluster.channelBetween('A', 'B')?.id
      const rebalances = tightropePayments(before).filter((p) => p.from === 'B' && p.to === 'A')
      assert.ok(rebalances.length >= 1)
      for (const p of rebalances) {
        assert.equal(p.feeMsat, 0, 'no fee')
        assert.deepEqual(p.chanIds, [ab], 'through A-B only')
        assert.equal(p.status, 'SUCCEEDED')
      }
      const d = running
      await eventually(
        () => (payerRecords(d).filter((r) => r.status === 'succeeded').length === rebalances.length ? true : undefined),
        5000,
        'every payment in the payer ledger'
      )
      const confirmed = (): number =>
        d.daemon.ledger
          .allTransactions()
          .filter((r: TransactionRecord) => r.role === 'requester' && r.status === 'succeeded').length
      await eventually(
        () => (confirmed() >= rebalances.length ? true : undefined),
        5000,
        'the requester to confirm each payment from its own invoice'
      )
      await moreEvaluations(cluster, 'A') // A looked again since: no second confirmation
      assert.equal(confirmed(), rebalances.length, 'each payment confirmed exactly once')
    })

    it('caps each payment at maxTransactionSize and stops at maxTransactionsPerPeriod, also after a restart', async () => {
      running = await startDaemon(cluster, ['A', 'B'], storage.path, {
        maxTransactionSize: 50_000,
        maxTransactionsPerPeriod: 2,
        useRollingLimitsPeriod: true
      })
      const before = cluster.network.paymentLog.length
      await push(cluster, 'A', 'B', 500_000)
      await eventually(
        () =>
          payerRecords(running as TestDaemon).some(
            (r) => r.status === 'refused' && r.reason === 'maxTransactionsPerPeriod'
          )
            ? true
            : undefined,
        10_000,
        'a refusal for maxTransactionsPerPeriod'
      )
      const paid = cluster.network.paymentLog
        .slice(before)
        .filter((p) => p.from === 'B' && p.to === 'A' && p.status === 'SUCCEEDED')
      assert.equal(paid.length, 2)
      for (const p of paid)
        assert.ok(p.amountMsat <= 50_000_000, `payment of ${p.amountMsat} msat within maxTransactionSize`)

      await running.daemon.stop()
      running = await startDaemon(cluster, ['A', 'B'], storage.path, {
        maxTransactionSize: 50_000,
        maxTransactionsPerPeriod: 2
      })
      const afterRestart = cluster.network.paymentLog.length
      await moreEvaluations(cluster, 'A', 3) // the restarted A (the poorer side) decided several times
      const more = cluster.network.paymentLog
        .slice(afterRestart)
        .filter((p) => p.from === 'B' && p.to === 'A' && p.status === 'SUCCEEDED')
      assert.equal(more.length, 0, 'the restarted payer still counts the earlier payments')
      assert.ok(shareOf(cluster, 'A', 'B') < 0.4, 'so A-B stays out of balance')
      // Put A-B back for the next test.
      await push(cluster, 'B', 'A', Math.round((0.5 - shareOf(cluster, 'A', 'B')) * 1_996_530))
    })

    it('stops at maxAmountPerPeriod in a fixed (calendar) period', async () => {
      running = await startDaemon(cluster, ['A', 'B'], storage.path, {
        maxTransactionSize: 60_000,
        maxAmountPerPeriod: 100_000,
        useRollingLimitsPeriod: false,
        limitsPeriod: 86_400_000
      })
      const before = cluster.network.paymentLog.length
      await push(cluster, 'A', 'B', 400_000)
      const d = running
      await eventually(
        () =>
          payerRecords(d).some((r) => r.status === 'refused' && r.reason === 'maxAmountPerPeriod') ? true : undefined,
        10_000,
        'a refusal for maxAmountPerPeriod'
      )
      const paid = cluster.network.paymentLog
        .slice(before)
        .filter((p) => p.from === 'B' && p.to === 'A' && p.status === 'SUCCEEDED')
      const total = paid.reduce((sum, p) => sum + p.amountMsat / 1000, 0)
      assert.ok(total <= 100_000, `paid ${total} sat within maxAmountPerPeriod`)
      assert.ok(paid.length >= 1)
      const refusal = payerRecords(d).find((r) => r.reason === 'maxAmountPerPeriod')
      assert.match(refusal?.detail ?? '', /\d/, 'the refusal says the numbers')
      await push(cluster, 'B', 'A', Math.round((0.5 - shareOf(cluster, 'A', 'B')) * 1_996_530))
    })

    it('keeps minTimeBetweenPayments between payments', async () => {
      running = await startDaemon(cluster, ['A', 'B'], storage.path, {
        maxTransactionSize: 40_000,
        minTimeBetweenPayments: 1500
      })
      const before = cluster.network.paymentLog.length
      await push(cluster, 'A', 'B', 300_000)
      await eventually(
        () =>
          cluster.network.paymentLog
            .slice(before)
            .filter((p) => p.from === 'B' && p.to === 'A' && p.status === 'SUCCEEDED').length >= 2
            ? true
            : undefined,
        10_000,
        'two rebalancing payments'
      )
      const times = cluster.network.paymentLog
        .slice(before)
        .filter((p) => p.from === 'B' && p.to === 'A' && p.status === 'SUCCEEDED')
        .map((p) => p.at)
      for (let i = 1; i < times.length; i++)
        assert.ok(
          (times[i] as number) - (times[i - 1] as number) >= 1400,
          `payments ${i - 1} and ${i} are ${(times[i] as number) - (times[i - 1] as number)} ms apart`
        )
    })
  })
