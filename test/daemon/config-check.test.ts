import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { SimCluster } from '../../src/sim/cluster.js'
import { readmeScenario } from '../helpers/sim.js'
import { tempDir } from '../helpers/daemon.js'
import { writeConfigDir } from '../helpers/config.js'
import { runToEnd } from '../helpers/process.js'

describe('tightrope config check', () => {
  let cluster: SimCluster
  let dir: { path: string; remove: () => Promise<void> }
  let configDir: string
  before(async () => {
    cluster = await SimCluster.start({ scenario: readmeScenario(), dht: false, control: false })
    dir = await tempDir()
    const ab = cluster.channelBetween('A', 'B')?.id as string
    configDir = await writeConfigDir(dir.path, cluster, ['A', 'B'], {
      idSettings: [
        { id: 'A', deadzone: 0.2 },
        { id: `B:${ab}`, balancePoint: 0.6 }
      ]
    })
  })
  after(async () => {
    await cluster?.stop()
    await dir?.remove()
  })

  it('prints the settings in force per node and channel with their source', async () => {
    const r = await runToEnd(['config', 'check', '--config', configDir])
    assert.equal(r.code, 0, r.output)
    assert.match(r.output, /configuration is valid: 2 node\(s\), 2 override\(s\)/)
    const ab = cluster.channelBetween('A', 'B')?.id as string
    const bSection = r.output.split(`B on ${ab}`)[1]?.split('\n\n')[0] ?? ''
    assert.match(bSection, /balancePoint\s+0\.6\s+from alias:channel/)
    const aSection = r.output.split(`A on ${ab}`)[1]?.split('\n\n')[0] ?? ''
    assert.match(aSection, /deadzone\s+0\.2\s+from alias/)
  })

  it('--json gives every channel side', async () => {
    const r = await runToEnd(['config', 'check', '--config', configDir, '--json'])
    const report = JSON.parse(r.output) as { channels: Array<{ node: string }> }
    assert.equal(report.channels.filter((c) => c.node === 'A').length, 3)
    assert.equal(report.channels.filter((c) => c.node === 'B').length, 2)
  })

  it('exits 1 on an invalid config and on an unreachable node, saying which', async () => {
    await writeFile(join(configDir, 'local-bad.json'), JSON.stringify({ limits: { baseSettings: { deadzone: 2 } } }))
    const bad = await runToEnd(['config', 'check', '--config', configDir, '--instance', 'bad'])
    assert.equal(bad.code, 1)
    assert.match(bad.output, /limits\.baseSettings\.deadzone: expected a number between 0 and 0\.5/)
    const a = cluster.connection('A')
    await writeFile(
      join(configDir, 'local-gone.json'),
      JSON.stringify({ lightningNodes: [{ type: 'lnd', cert: a.cert, macaroon: a.macaroon, socket: '127.0.0.1:1' }] })
    )
    const gone = await runToEnd(['config', 'check', '--config', configDir, '--instance', 'gone'])
    assert.equal(gone.code, 1)
    assert.match(gone.output, /problem: lightningNodes\[0\] \(127\.0\.0\.1:1\)/)
    const offline = await runToEnd(['config', 'check', '--config', configDir, '--instance', 'gone', '--offline'])
    assert.equal(offline.code, 0)
  })
})
