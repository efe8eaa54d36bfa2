import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { SimCluster } from '../../src/sim/cluster.js'
import { eventually, moreEvaluations, readmeScenario } from '../helpers/sim.js'
import { push, shareOf, startDaemon, tempDir } from '../helpers/daemon.js'
import { writeConfigDir } from '../helpers/config.js'
import { runTightrope, runToEnd } from '../helpers/process.js'

describe('tightrope start, as an operator runs it', () => {
  let cluster: SimCluster
  before(async () => {
    cluster = await SimCluster.start({ scenario: readmeScenario(), dht: false, control: false })
  })
  after(async () => {
    await cluster?.stop()
  })

  it('rebalances from a config directory, logs no secret, stops cleanly on SIGTERM', async () => {
    const dir = await tempDir()
    const configDir = await writeConfigDir(dir.path, cluster, ['A', 'B'])
    // The default text format on purpose: what an operator's terminal shows is what must hold no secret.
    const proc = runTightrope(['start', '--config', configDir])
    try {
      await eventually(() => (proc.output().includes(' started ') ? true : undefined), 20_000, 'the daemon to start')
      await push(cluster, 'A', 'B', 600_000)
      await eventually(
        () => (Math.abs(shareOf(cluster, 'A', 'B') - 0.5) <= 0.1 ? true : undefined),
        15_000,
        'A-B back in its deadzone'
      )
      await eventually(() => (proc.output().includes(' rebalanced ') ? true : undefined), 5000, 'a rebalanced line')
      assert.equal(await proc.stop('SIGTERM'), 0)
      const out = proc.output()
      assert.match(out, / stopped /)
      const macaroon = cluster.connection('A').macaroon
      assert.ok(
        !out.includes(macaroon) && !out.includes(Buffer.from(macaroon, 'base64').toString('hex')),
        'no macaroon in the output'
      )
      assert.doesNotMatch(out, /DEP0123/)
    } finally {
      await proc.stop('SIGKILL')
      await dir.remove()
    }
  })

  it('refuses a bad config with the field and the expectation, exit code 1', async () => {
    const dir = await tempDir()
    try {
      const configDir = await writeConfigDir(dir.path, cluster, ['A'])
      await writeFile(
        join(configDir, 'local-broken.json'),
        JSON.stringify({ limits: { idSettings: [{ id: 'A' }, { id: 'B' }, { id: 'x', deadzone: 0.9 }] } })
      )
      const r = await runToEnd(['start', '--config', configDir, '--instance', 'broken'])
      assert.equal(r.code, 1)
      assert.match(r.output, /limits\.idSettings\[2\]\.deadzone: expected a number between 0 and 0\.5/)
      const usage = await runToEnd(['start', '--nope'])
      assert.equal(usage.code, 2)
    } finally {
      await dir.remove()
    }
  })

  it('--dry-run decides and logs but never pays', async () => {
    const storage = await tempDir()
    const d = await startDaemon(cluster, ['C', 'D'], storage.path, {}, { dryRun: true })
    try {
      const before = cluster.network.paymentLog.length
      await push(cluster, 'C', 'D', 600_000)
      await eventually(
        () => (d.events.some((e) => e.type === 'dry_run_request') ? true : undefined),
        5000,
        'a dry-run request line'
      )
      await moreEvaluations(cluster, 'C') // C decided again since: still nothing paid
      const rebalances = cluster.network.paymentLog.slice(before).filter((p) => p.from === 'D' && p.to === 'C')
      assert.equal(rebalances.length, 0)
      assert.ok(
        cluster.network
          .node('C')
          .invoices.list()
          .every((i) => !i.memo.startsWith('tightrope')),
        'no invoice created'
      )
    } finally {
      await d.daemon.stop()
      await storage.remove()
      await push(cluster, 'D', 'C', 600_000)
    }
  })

  it('survives LND going offline and coming back, without a restart', async () => {
    const storage = await tempDir()
    const d = await startDaemon(cluster, ['D', 'E'], storage.path)
    try {
      await cluster.setOnline('E', false)
      await eventually(
        () => (d.events.some((e) => e.type === 'node_disconnected' && e.node === 'E') ? true : undefined),
        10_000,
        'E disconnected'
      )
      await cluster.setOnline('E', true)
      await eventually(
        () => (d.events.some((e) => e.type === 'node_reconnected' && e.node === 'E') ? true : undefined),
        15_000,
        'E reconnected'
      )
      await push(cluster, 'D', 'E', 600_000)
      await eventually(
        () => (Math.abs(shareOf(cluster, 'D', 'E') - 0.5) <= 0.1 ? true : undefined),
        15_000,
        'D-E rebalanced after the outage'
      )
    } finally {
      await d.daemon.stop()
      await storage.remove()
    }
  })
})
