import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { SimCluster } from '../../src/sim/cluster.js'
import { eventually, readmeScenario } from '../helpers/sim.js'
import { push, shareOf, tempDir } from '../helpers/daemon.js'
import { writeConfigDir } from '../helpers/config.js'
import { runTightrope, runToEnd, type Running } from '../helpers/process.js'

describe('tightrope status and tightrope audit', () => {
  let cluster: SimCluster
  let dir: { path: string; remove: () => Promise<void> }
  let configDir: string
  let daemon: Running
  let ab: string

  before(async () => {
    cluster = await SimCluster.start({ scenario: readmeScenario(), dht: false, control: false })
    dir = await tempDir()
    configDir = await writeConfigDir(dir.path, cluster, ['A', 'B'])
    ab = cluster.channelBetween('A', 'B')?.id as string
    daemon = runTightrope(['start', '--config', configDir, '--log-format', 'json'])
    await eventually(() => daemon.events().find((e) => e.type === 'api_listening'), 20_000, 'the API')
    await push(cluster, 'A', 'B', 600_000)
    await eventually(
      () => (Math.abs(shareOf(cluster, 'A', 'B') - 0.5) <= 0.1 ? true : undefined),
      10_000,
      'A-B rebalanced'
    )
    await eventually(() => daemon.events().find((e) => e.type === 'rebalanced'), 5000, 'the rebalance recorded')
  })
  after(async () => {
    await daemon?.stop('SIGKILL')
    await cluster?.stop()
    await dir?.remove()
  })

  it('status shows nodes and each watched channel with its next action', async () => {
    const r = await runToEnd(['status', '--config', configDir])
    assert.equal(r.code, 0, r.output)
    assert.match(r.output, /^nodes {2}A, B$/m)
    assert.match(r.output, new RegExp(`^${ab}\\s+A\\s+B\\s+\\d+\\.\\d%\\s+40\\.0%-60\\.0%\\s+ok$`, 'm'))
    const json = JSON.parse((await runToEnd(['status', '--config', configDir, '--json'])).output)
    assert.equal(json.channels.filter((c: { channelId: string }) => c.channelId === ab).length, 2)
  })

  it('audit reads the logs through the running daemon, as lines, JSON and CSV', async () => {
    const started = await runToEnd(['audit', 'events', '--type', 'started', '--config', configDir])
    assert.equal(started.code, 0)
    assert.equal(started.output.trim().split('\n').length, 1)
    assert.match(started.output, / started nodes=\["A","B"\]/)
    const txs = JSON.parse(
      (await runToEnd(['audit', 'transactions', '--config', configDir, '--json', '--channel', ab])).output
    ) as Array<{ role: string; status: string }>
    assert.ok(txs.some((t) => t.role === 'requester' && t.status === 'succeeded'))
    assert.ok(txs.some((t) => t.role === 'payer' && t.status === 'succeeded'))
    const csv = (await runToEnd(['audit', 'transactions', '--config', configDir, '--csv'])).output.trim().split('\n')
    assert.match(csv[0] as string, /^role,status,channelId,/)
    assert.equal(csv.length, txs.length + 1)
    const recent = await runToEnd(['audit', 'events', '--since', '1h', '--limit', '2', '--config', configDir])
    assert.equal(recent.output.trim().split('\n').length, 2)
  })

  it('with the daemon stopped, reads and verifies the files directly', async () => {
    assert.equal(await daemon.stop('SIGTERM'), 0)
    const r = await runToEnd(['audit', 'transactions', '--verify', '--config', configDir])
    assert.equal(r.code, 0, r.output)
    assert.match(r.output, /^verified .*storage: \d+ events, \d+ transactions$/m)
    assert.match(r.output, /requester succeeded/)
    const s = await runToEnd(['status', '--config', configDir])
    assert.equal(s.code, 1)
    assert.match(s.output, /no daemon answers for this config .* is `tightrope start` running\?/)
  })

  it('refuses bad input with a reason', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['audit', 'nothing'], /expected "events" or "transactions", got "nothing"/],
      [['audit', 'events', '--since', 'yesterday'], /--since: expected an ISO 8601 date or a duration/],
      [['audit', 'events', '--limit', '0'], /--limit: expected a whole number/],
      [['audit', 'events', '--json', '--csv'], /choose one/],
      [['status', '--frobnicate'], /Unknown option '--frobnicate'/]
    ]
    for (const [args, message] of cases) {
      const r = await runToEnd([...args, '--config', configDir])
      assert.equal(r.code, 2, args.join(' '))
      assert.match(r.output, message)
    }
  })
})
