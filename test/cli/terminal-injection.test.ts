import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { SimCluster } from '../../src/sim/cluster.js'
import { LndNode } from '../../src/lightning/lnd-node.js'
import { loadSwarmKeyPair } from '../../src/swarm/key-pair.js'
import { eventually, readmeScenario } from '../helpers/sim.js'
import { tempDir } from '../helpers/daemon.js'
import { writeConfigDir } from '../helpers/config.js'
import { RoguePeer } from '../helpers/rogue-peer.js'
import { runTightrope, runToEnd, waitForFile, type Running } from '../helpers/process.js'

const SECRET = 'cluster-secret-the-rogue-also-knows'
// Each ends the line and forges a success after it, then moves the cursor up to hide the real one.
const ALIAS = 'X\nFORGED payment_succeeded tokens=999999 \u001b[1A\u009b2K'
const CHANNEL = '1x1x1\nFORGED payment_ok\u001b[1A'
const ISO_LINE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z [a-z_]+( |$)/

/**
 * A peer that knows the secret puts newlines and escape sequences in its node's alias and in a
 * channel id. They reach the operator's terminal (the daemon's own output, `tightrope status`,
 * `tightrope audit`) quoted and escaped: no line is forged, no control sequence runs.
 */
// This test reads the daemon's text output on purpose, not its structured events: the text that
// reaches a terminal is what is under test.
describe("peer-supplied strings on the operator's terminal", () => {
  let cluster: SimCluster
  let dir: { path: string; remove: () => Promise<void> }
  let configDir: string
  let daemon: Running
  let rogue: RoguePeer | undefined
  let x: LndNode

  before(async () => {
    cluster = await SimCluster.start({ scenario: readmeScenario(), dht: true, control: false })
    dir = await tempDir()
    configDir = await writeConfigDir(dir.path, cluster, ['A', 'B'], { secret: SECRET })
    daemon = runTightrope(['start', '--config', configDir])
    await waitForFile(join(dir.path, 'storage', 'api.json'), 30_000, daemon)
    // The swarm joins once the nodes had their first attempt, after the API is up.
    await eventually(
      () => (daemon.output().includes('swarm_joined') ? true : undefined),
      30_000,
      'the daemon in the swarm'
    )
    const target = (await loadSwarmKeyPair(join(dir.path, 'storage', 'swarm-key'))).publicKey.toString('hex')
    // C has a channel with Alice's A, so its claim is checked and, once proven, shown with its alias.
    x = await LndNode.connect(cluster.connection('C'))
    rogue = await RoguePeer.connect({
      bootstrap: cluster.bootstrap,
      secret: SECRET,
      target,
      claims: [{ publicKey: x.identity.publicKey, alias: ALIAS, sign: (m) => x.signMessage(m) }]
    })
    await eventually(
      () => (daemon.output().includes('peer_authenticated') ? true : undefined),
      20_000,
      'the rogue admitted'
    )
    await rogue.payInvoice({ channelId: CHANNEL, invoice: 'lnbc1notaninvoice', tokens: 1 }).catch(() => undefined)
    // Refused before any payment decision (protocol v3): counted, never printed with its values.
    await eventually(
      () => (daemon.output().includes('peer_requests_refused') ? true : undefined),
      20_000,
      'the request refused'
    )
  })
  after(async () => {
    await rogue?.destroy()
    await x?.stop()
    await daemon?.stop('SIGKILL')
    await cluster?.stop()
    await dir?.remove()
  })

  const check = (output: string, what: string): void => {
    assert.ok(
      !output.includes('\u001b') && !output.includes('\u009b'),
      `${what}: no escape character reaches the terminal`
    )
    for (const line of output.split('\n').filter((l) => l.trim() !== ''))
      assert.doesNotMatch(line, /^"?FORGED/, `${what}: no forged line: ${line}`)
  }

  it("the daemon's own lines", () => {
    const out = daemon.output()
    check(out, 'daemon')
    for (const line of out.split('\n').filter((l) => l !== ''))
      assert.match(line, ISO_LINE, `every line is one of the daemon's: ${line}`)
    assert.doesNotMatch(out, /^\S+ payment_succeeded /m, 'no payment_succeeded line: nothing was paid')
    // The swarm layer already replaces control and format characters in a claimed alias by '?'.
    assert.ok(
      out.includes('"alias":"X?FORGED payment_succeeded tokens=999999 ?[1A?2K"'),
      'the alias, defused, in peer_authenticated'
    )
    assert.match(out, /peer_requests_refused .*"invalidInvoice":1/)
    assert.ok(
      !out.includes('FORGED payment_ok'),
      'a channel id refused early never reaches the terminal, escaped or not'
    )
  })

  it('tightrope status and tightrope audit (lines, JSON, CSV)', async () => {
    const status = await runToEnd(['status', '--config', configDir])
    assert.equal(status.code, 0, status.output)
    check(status.output, 'status')
    assert.match(status.output, /^peers {2}\S+ \(X\?FORGED/m)
    for (const format of [[], ['--json'], ['--csv']]) {
      const r = await runToEnd(['audit', 'events', '--config', configDir, ...format])
      assert.equal(r.code, 0, r.output)
      check(r.output, `audit ${format.join('')}`)
      assert.ok(r.output.includes('X?FORGED'), `audit ${format.join('')} shows the alias, defused`)
    }
    const json = JSON.parse(
      (await runToEnd(['audit', 'events', '--type', 'peer_requests_refused', '--config', configDir, '--json'])).output
    ) as Array<{ counts: Record<string, number> }>
    assert.deepEqual(
      json.map((e) => e.counts),
      [{ invalidInvoice: 1 }],
      "counted, without the peer's values"
    )
    assert.ok(!JSON.stringify(json).includes(CHANNEL))
  })
})
