import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import Corestore from 'corestore'
import { launchChromium } from '../helpers/browser.js'
import { SimCluster } from '../../src/sim/cluster.js'
import { loadSwarmKeyPair } from '../../src/swarm/key-pair.js'
import type { AccountsReport, CounterpartyReport } from '../../src/accounts/service.js'
import type { StatementEntry } from '../../src/accounts/types.js'
import { eventually, readmeScenario } from '../helpers/sim.js'
import { push, shareOf, tempDir } from '../helpers/daemon.js'
import { writeConfigDir, type ConfigOverrides } from '../helpers/config.js'
import { runTightrope, runToEnd, type Running } from '../helpers/process.js'

const SECRET = 'correcthorsebatterystaple-accounts'
const CAP = 300_000
const CHUNK = 100_000

interface Operator {
  dir: string
  configDir: string
  storage: string
  key: string
  proc: Running
  restart: () => Promise<void>
}

/** `tightrope start` in its own process, with a swarm key made beforehand (so the other can name it). */
async function operator(
  cluster: SimCluster,
  aliases: string[],
  key: { publicKey: Buffer },
  dir: string,
  o: ConfigOverrides,
  cleanup: Array<() => Promise<unknown>>
): Promise<Operator> {
  const configDir = await writeConfigDir(dir, cluster, aliases, o)
  const started = (p: Running): Promise<unknown> =>
    eventually(
      () => (p.output().includes(' started ') ? true : undefined),
      30_000,
      `${aliases.join(',')} to start:\n${p.output()}`
    )
  const op: Operator = {
    dir,
    configDir,
    storage: join(dir, 'storage'),
    key: key.publicKey.toString('hex'),
    proc: runTightrope(['start', '--config', configDir]),
    restart: async () => {
      assert.equal(await op.proc.stop(), 0)
      op.proc = runTightrope(['start', '--config', configDir])
      await started(op.proc)
    }
  }
  cleanup.push(async () => {
    await op.proc.stop()
  })
  await started(op.proc)
  return op
}

async function api(op: Operator, path: string): Promise<string> {
  const { url } = JSON.parse(await readFile(join(op.storage, 'api.json'), 'utf8')) as { url: string }
  const res = await fetch(url + path, { signal: AbortSignal.timeout(10_000) })
  assert.equal(res.status, 200, path)
  return res.text()
}
const accountsOf = async (op: Operator): Promise<AccountsReport> =>
  JSON.parse(await api(op, '/api/accounts')) as AccountsReport
const withOther = async (op: Operator, other: Operator): Promise<CounterpartyReport | undefined> =>
  (await accountsOf(op)).counterparties.find((c) => c.counterparty === other.key)

describe('accounts across operators: Alice (A, B) and Bob (C, D, E), each its own process', () => {
  let cluster: SimCluster
  const cleanup: Array<() => Promise<unknown>> = []
  const pushes = new Set<string>()
  let alice: Operator
  let bob: Operator
  /** Rebalancing payments over A-C, by the simulator: Bob paying Alice is C -> A. */
  const rebalances = (): Array<{ at: number; bobPays: boolean; sats: number }> =>
    cluster.network.paymentLog
      .filter(
        (p) =>
          !pushes.has(p.paymentHash) &&
          p.status === 'SUCCEEDED' &&
          ((p.from === 'A' && p.to === 'C') || (p.from === 'C' && p.to === 'A'))
      )
      .map((p) => ({ at: p.at, bobPays: p.from === 'C', sats: p.amountMsat / 1000 }))
  const truth = (): {
    bobPaid: number
    bobPaidCount: number
    aliceReceived: number
    alicePaid: number
    alicePaidCount: number
  } => {
    const r = rebalances()
    const bob = r.filter((p) => p.bobPays)
    const alice = r.filter((p) => !p.bobPays)
    return {
      bobPaid: bob.reduce((s, p) => s + p.sats, 0),
      bobPaidCount: bob.length,
      aliceReceived: bob.reduce((s, p) => s + p.sats, 0),
      alicePaid: alice.reduce((s, p) => s + p.sats, 0),
      alicePaidCount: alice.length
    }
  }
  /** Moves A-C so that A's share is `share` (a push over the channel itself, not a rebalance). */
  const pushTo = async (share: number): Promise<void> => {
    const capacity = cluster.channelBetween('A', 'C')?.capacity as number
    const delta = Math.round((shareOf(cluster, 'A', 'C') - share) * capacity)
    pushes.add((await (delta > 0 ? push(cluster, 'A', 'C', delta) : push(cluster, 'C', 'A', -delta))).paymentHash)
  }
  const refusalsForCap = (): number =>
    (bob.proc.output().match(/payment_refused .*reason=maxNetOutflowPerPeriod/g) ?? []).length

  before(async () => {
    cluster = await SimCluster.start({ scenario: readmeScenario(), dht: true, control: false })
    const dirs = [await tempDir('tightrope-acc-alice-'), await tempDir('tightrope-acc-bob-')]
    cleanup.push(async () => {
      for (const d of dirs) await d.remove()
    })
    const [aliceDir, bobDir] = dirs.map((d) => d.path) as [string, string]
    // Each swarm key made before the first start, so that the other's config can name it. The
    // store is created first: Corestore treats files in a directory it did not create as old storage.
    const keyOf = async (dir: string): Promise<{ publicKey: Buffer }> => {
      const store = new Corestore(join(dir, 'storage'))
      await store.ready()
      await store.close()
      return loadSwarmKeyPair(join(dir, 'storage', 'swarm-key'))
    }
    const aliceKey = await keyOf(aliceDir)
    const bobKey = await keyOf(bobDir)
    // Chunks of 100k; Alice asks again soon after a refusal, so that she notices when Bob has room.
    const settings = { maxTransactionSize: CHUNK, maxTransactionsPerPeriod: 100, maxRetryWait: '1s' }
    alice = await operator(
      cluster,
      ['A', 'B'],
      aliceKey,
      aliceDir,
      {
        secret: SECRET,
        baseSettings: settings,
        counterparties: [{ name: 'bob', swarmKey: bobKey.publicKey.toString('hex') }]
      },
      cleanup
    )
    bob = await operator(
      cluster,
      ['C', 'D', 'E'],
      bobKey,
      bobDir,
      {
        secret: SECRET,
        baseSettings: settings,
        counterparties: [{ name: 'alice', swarmKey: aliceKey.publicKey.toString('hex'), maxNetOutflowPerPeriod: CAP }]
      },
      cleanup
    )
    await eventually(
      () =>
        alice.proc.output().includes('peer_authenticated') && bob.proc.output().includes('peer_authenticated')
          ? true
          : undefined,
      20_000,
      'mutual authentication'
    )
  })
  after(async () => {
    for (const c of cleanup.reverse()) await c()
    await cluster?.stop()
  })

  it("Bob's payments to Alice stop at his cap for her, and resume when the flow reverses", async () => {
    await pushTo(0.2)
    await eventually(
      () => (refusalsForCap() >= 1 ? true : undefined),
      60_000,
      'Bob refusing for maxNetOutflowPerPeriod'
    ).catch(async (err: Error) => {
      throw new Error(
        `${err.message}\nbob's accounts: ${await api(bob, '/api/accounts')}\nbob:\n${bob.proc
          .output()
          .split('\n')
          .filter((l) => /payment_|peer_|error|refus/.test(l))
          .slice(-15)
          .join('\n')}\nalice:\n${alice.proc
          .output()
          .split('\n')
          .filter((l) => /swarm_joined|peer_auth|error|refus/.test(l))
          .slice(-15)
          .join('\n')}`
      )
    })
    assert.equal(truth().bobPaid, CAP, 'he paid exactly up to the cap (three chunks)')
    // The flow reverses: C is pushed poor, and Alice pays Bob back.
    await pushTo(0.66)
    await eventually(() => (shareOf(cluster, 'C', 'A') >= 0.4 ? true : undefined), 60_000, 'Alice to pay Bob')
    assert.ok(truth().alicePaid >= CHUNK)
    const before = refusalsForCap()
    await pushTo(0.3)
    await eventually(() => (refusalsForCap() > before ? true : undefined), 60_000, 'Bob to reach his cap again')
    const t = truth()
    assert.ok(t.bobPaid > CAP, 'Bob paid again once Alice had paid him')
    // Ground truth, in the order the payments happened: Bob's net never went above the cap.
    let net = 0
    for (const p of rebalances().sort((a, b) => a.at - b.at)) {
      net += p.bobPays ? p.sats : -p.sats
      assert.ok(net <= CAP, `Bob's net ${net} above ${CAP}`)
    }
    assert.equal(t.bobPaid - t.alicePaid, CAP, 'and reached it')
  })

  it("Alice's accounts for Bob and Bob's for Alice mirror each other and the simulator; the statements agree", async () => {
    const expected = truth()
    const settled = async (): Promise<[CounterpartyReport, CounterpartyReport] | undefined> => {
      const a = await withOther(alice, bob)
      const b = await withOther(bob, alice)
      if (
        !a ||
        !b ||
        a.total.receivedSats !== expected.bobPaid ||
        b.total.receivedSats !== expected.alicePaid ||
        !a.statement.agrees ||
        !b.statement.agrees
      )
        return undefined
      return [a, b]
    }
    await eventually(settled, 30_000, 'accounts and statements to settle')
    // Through the CLI, as an operator would read them.
    const cli = async (op: Operator): Promise<AccountsReport> => {
      const r = await runToEnd(['accounts', '--json', '--config', op.configDir])
      assert.equal(r.code, 0, r.output)
      return JSON.parse(r.output.slice(r.output.indexOf('{'))) as AccountsReport
    }
    const a = (await cli(alice)).counterparties.find((c) => c.counterparty === bob.key) as CounterpartyReport
    const b = (await cli(bob)).counterparties.find((c) => c.counterparty === alice.key) as CounterpartyReport
    // The table and the CSV say the same.
    const table = await runToEnd(['accounts', '--config', alice.configDir])
    assert.equal(table.code, 0, table.output)
    assert.match(
      table.output,
      new RegExp(
        `^bob +${a.total.paidSats} \\(${a.total.paidCount}\\) +${a.total.receivedSats} ` +
          `\\(${a.total.receivedCount}\\) +${a.total.netSats} .* agrees$`,
        'm'
      )
    )
    const csv = await runToEnd(['accounts', '--csv', '--config', bob.configDir])
    assert.equal(csv.code, 0, csv.output)
    assert.ok(
      csv.output.includes(
        `alice,${alice.key},${b.total.paidSats},${b.total.paidCount},${b.total.receivedSats},${b.total.receivedCount},${b.total.netSats},`
      ),
      csv.output
    )
    assert.equal(a.name, 'bob')
    assert.equal(b.name, 'alice')
    assert.deepEqual(a.total, {
      paidSats: b.total.receivedSats,
      paidCount: b.total.receivedCount,
      receivedSats: b.total.paidSats,
      receivedCount: b.total.paidCount,
      netSats: -b.total.netSats
    })
    assert.deepEqual(a.total, {
      paidSats: expected.alicePaid,
      paidCount: expected.alicePaidCount,
      receivedSats: expected.bobPaid,
      receivedCount: expected.bobPaidCount,
      netSats: expected.alicePaid - expected.bobPaid
    })
    const ac = cluster.channelBetween('A', 'C')?.id as string
    assert.deepEqual(Object.keys(a.channels), [ac])
    assert.deepEqual(Object.keys(b.channels), [ac])
    assert.equal(b.cap.maxNetOutflowPerPeriod, CAP)
    assert.equal(b.cap.usedSats, CAP)
    assert.equal(a.cap.maxNetOutflowPerPeriod, undefined)
    assert.ok(
      a.nodes.some((n) => n.alias === 'C') && b.nodes.some((n) => n.alias === 'A'),
      "each shows the other's proven node"
    )
    const metrics = await api(alice, '/metrics')
    assert.match(
      metrics,
      new RegExp(`tightrope_counterparty_net_sats\\{counterparty="bob"\\} ${expected.alicePaid - expected.bobPaid}\\n`)
    )
    assert.match(metrics, /tightrope_counterparty_statement_agrees\{counterparty="bob"\} 1\n/)
  })

  it(
    'a statement that lists a payment that never happened is flagged (API, metric); ' +
      'nothing is paid for it; restarts lose nothing',
    async () => {
      const before = (await withOther(bob, alice)) as CounterpartyReport
      const paymentsBefore = cluster.network.paymentLog.length
      // Bob's statement about Alice gets an entry no ledger has: his store, edited while he is stopped.
      await bob.proc.stop()
      const store = new Corestore(join(bob.storage, 'statements'))
      const core = store.get<StatementEntry>({ name: `statement/${alice.key}`, valueEncoding: 'json' })
      await core.ready()
      const lengthBefore = core.length
      const fake = randomBytes(32).toString('hex')
      await core.append({
        paymentHash: fake,
        channelId: cluster.channelBetween('A', 'C')?.id as string,
        tokens: 12_345,
        direction: 'paid',
        at: Date.now(),
        outcome: 'succeeded'
      })
      await core.close()
      await store.close()
      await bob.restart()
      // Alice replicates the new entry over the new connection and flags it.
      const flagged = await eventually(
        async () => {
          const a = await withOther(alice, bob)
          return a?.statement.problems.find((p) => p.paymentHash === fake)
        },
        30_000,
        'Alice to flag the invented payment'
      )
      assert.equal(flagged.kind, 'unknown')
      const a = (await withOther(alice, bob)) as CounterpartyReport
      assert.equal(a.statement.agrees, false)
      assert.equal(a.statement.entries, lengthBefore + 1, 'caught up after the reconnect')
      assert.match(
        await api(alice, '/metrics'),
        /tightrope_counterparty_statement_problems\{counterparty="bob"\} [1-9]/
      )
      assert.match(alice.proc.output(), new RegExp(`statement_disagreement .*kind=unknown .*${fake}`))
      assert.equal(a.total.receivedSats, truth().bobPaid, 'her accounts come from her ledger, not from his statement')
      assert.ok(
        !cluster.network.paymentLog.slice(paymentsBefore).some((p) => p.paymentHash === fake),
        'nothing paid for it'
      )
      // Bob lost nothing over his restart.
      const after = (await withOther(bob, alice)) as CounterpartyReport
      assert.deepEqual(after.total, before.total)
      assert.equal(after.cap.usedSats, before.cap.usedSats)
    }
  )

  it("a statement replaced by another (Bob's statements wiped: a new core without the old history) is flagged as rewritten", async () => {
    await bob.proc.stop()
    await rm(join(bob.storage, 'statements'), { recursive: true, force: true })
    await bob.restart()
    const flagged = await eventually(
      async () => (await withOther(alice, bob))?.statement.problems.find((p) => p.kind === 'rewritten'),
      30_000,
      'Alice to flag the replaced statement'
    )
    assert.match(flagged.detail, /another statement/)
    assert.match(await api(alice, '/metrics'), /tightrope_counterparty_statement_agrees\{counterparty="bob"\} 0\n/)
    // Bob rebuilt his own statement of Alice from his ledger: hers still agrees with his ledger.
    await eventually(
      async () => ((await withOther(bob, alice))?.statement.agrees === true ? true : undefined),
      30_000,
      'Bob still agreeing with Alice'
    )
  })

  it("the dashboard's accounts panel shows Bob, the net and the disagreement", async () => {
    const browser = await launchChromium()
    try {
      const page = await browser.newPage()
      const { url } = JSON.parse(await readFile(join(alice.storage, 'api.json'), 'utf8')) as { url: string }
      await page.goto(`${url}/`)
      const card = page.locator(`[data-counterparty="${bob.key}"]`)
      await card.waitFor({ timeout: 15_000 })
      assert.equal(await card.getAttribute('data-agrees'), 'false')
      const text = (await card.textContent()) ?? ''
      assert.match(text, /^bob/)
      assert.match(text, /disagreement/)
      assert.match(text, /unknown: they list a payment we have no record of/)
      const t = truth()
      assert.ok(text.includes(`net ${(t.alicePaid - t.bobPaid).toLocaleString('en-US')} sat`), text)
    } finally {
      await browser.close()
    }
  })
})
