import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { SimCluster } from '../../src/sim/cluster.js'
import type { PaymentTruth } from '../../src/sim/model/network.js'
import { readmeScenario } from '../helpers/sim.js'
import { pick, seededRandom } from '../helpers/random.js'

const SEED = Number(process.env.SIM_PROPERTY_SEED ?? 20261124)
const PAYMENTS = Number(process.env.SIM_PROPERTY_PAYMENTS ?? 3000)
const PARALLEL = 100

/** Each node's total funds over all its channels, msat (what fees and payments move between nodes). */
function nodeFunds(cluster: SimCluster): Map<string, number> {
  const totals = new Map<string, number>()
  for (const ch of cluster.network.channels.values()) {
    for (const side of [0, 1] as const) {
      const alias = cluster.network.node(ch.nodes[side]).alias
      totals.set(alias, (totals.get(alias) ?? 0) + ch.funds[side])
    }
  }
  return totals
}

describe(`property: ${PAYMENTS} random payments, ${PARALLEL} at a time (seed ${SEED})`, () => {
  let cluster: SimCluster
  before(async () => {
    cluster = await SimCluster.start({ scenario: readmeScenario(), dht: false, control: false })
  })
  after(async () => {
    await cluster?.stop()
  })

  it('conserves every channel, never goes negative, settles or fails each payment once, and fees add up', async () => {
    const random = seededRandom(SEED)
    const aliases = [...cluster.network.nodes.values()].map((n) => n.alias)
    const startFunds = nodeFunds(cluster)
    const results: PaymentTruth[] = []
    let violations = 0
    const watchdog = setInterval(() => {
      for (const ch of cluster.network.channels.values()) {
        try {
          ch.checkInvariants()
        } catch {
          violations++
        }
      }
    }, 5)
    try {
      for (let done = 0; done < PAYMENTS; done += PARALLEL) {
        const batch = Array.from({ length: Math.min(PARALLEL, PAYMENTS - done) }, () => {
          const from = pick(random, aliases)
          let to = pick(random, aliases)
          while (to === from) to = pick(random, aliases)
          // Mostly ordinary amounts, sometimes more than any channel can carry.
          const tokens = random() < 0.05 ? 6_000_000 : 1 + Math.floor(random() * 200_000)
          return cluster.pay({ from, to, tokens })
        })
        results.push(...(await Promise.all(batch)))
      }
    } finally {
      clearInterval(watchdog)
    }
    assert.equal(violations, 0, 'conservation held at every sample during the run')

    for (const ch of cluster.network.channels.values()) {
      ch.checkInvariants()
      assert.equal(ch.htlcs.size, 0, `channel ${ch.chanId} has no HTLC left`)
      assert.ok(ch.funds[0] >= 0 && ch.funds[1] >= 0)
      assert.ok(ch.balance(0) >= 0 && ch.balance(1) >= 0, 'LND balances never negative')
    }

    // Every payment finished exactly once, and both outcomes happened.
    const hashes = new Set(results.map((r) => r.paymentHash))
    assert.equal(hashes.size, PAYMENTS)
    const logged = cluster.network.paymentLog.filter((p) => hashes.has(p.paymentHash))
    assert.equal(logged.length, PAYMENTS, 'one final record per payment')
    const succeeded = results.filter((r) => r.status === 'SUCCEEDED')
    assert.ok(succeeded.length > PAYMENTS / 2, `most payments succeed (${succeeded.length})`)
    assert.ok(
      results.some((r) => r.status === 'FAILED'),
      'some payments fail'
    )

    // The payee's invoice agrees with the payer's outcome.
    for (const r of results) {
      const invoice = cluster.network.node(r.to).invoices.get(r.paymentHash)
      assert.equal(
        invoice?.state === 'SETTLED',
        r.status === 'SUCCEEDED',
        `invoice ${r.paymentHash} state matches ${r.status}`
      )
    }

    // Money only moved as the settled routes say: payer -(amount+fee), payee +amount, hops +fee.
    const expected = new Map(startFunds)
    const add = (alias: string, msat: number): void => {
      expected.set(alias, (expected.get(alias) ?? 0) + msat)
    }
    for (const r of succeeded) {
      const record = cluster.network.node(r.from).payments.get(r.paymentHash)
      const attempt = record?.htlcs.find((h) => h.status === 'SUCCEEDED')
      assert.ok(attempt, `payment ${r.paymentHash} has its settled attempt`)
      add(r.from, -attempt.route.totalAmtMsat)
      for (const hop of attempt.route.hops) add(cluster.network.node(hop.pubKey).alias, hop.htlcAmountMsat)
      for (const hop of attempt.route.hops.slice(0, -1))
        add(cluster.network.node(hop.pubKey).alias, -hop.amtToForwardMsat)
      assert.equal(attempt.route.totalAmtMsat - r.amountMsat, r.feeMsat)
    }
    assert.deepEqual(nodeFunds(cluster), expected)
  })
})
