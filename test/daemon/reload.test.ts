import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { SimCluster } from '../../src/sim/cluster.js'
import { eventually, readmeScenario } from '../helpers/sim.js'
import { push, shareOf, tempDir } from '../helpers/daemon.js'
import { writeConfigDir } from '../helpers/config.js'
import { runTightrope, runToEnd, waitForFile, type Running } from '../helpers/process.js'
import type { Status } from '../../src/api/status.js'
import type { TransactionRecord } from '../../src/ledger/types.js'

interface Page<T> {
  total: number
  entries: T[]
}

describe('tightrope config reload (and SIGHUP): a changed config without a restart', () => {
  let cluster: SimCluster
  let dir: { path: string; remove: () => Promise<void> }
  let configDir: string
  let proc: Running | undefined
  let url: string
  const localFile = (): string => join(configDir, 'local.json')
  const get = async <T>(path: string): Promise<T> => (await (await fetch(url + path)).json()) as T
  const editLocal = async (edit: (local: any) => void): Promise<void> => {
    const local = JSON.parse(await readFile(localFile(), 'utf8'))
    edit(local)
    await writeFile(localFile(), JSON.stringify(local, null, 2))
  }

  before(async () => {
    cluster = await SimCluster.start({ scenario: readmeScenario(), dht: false, control: false })
    dir = await tempDir()
    configDir = await writeConfigDir(dir.path, cluster, ['A', 'B'])
    proc = runTightrope(['start', '--config', configDir])
    const apiFile = join(dir.path, 'storage', 'api.json')
    await waitForFile(apiFile, 30_000, proc)
    url = (JSON.parse(await readFile(apiFile, 'utf8')) as { url: string }).url
    await eventually(
      async () => ((await get<Status>('/api/status')).nodes.every((n) => n.state === 'connected') ? true : undefined),
      30_000,
      'A and B connected'
    )
  })
  after(async () => {
    await proc?.stop('SIGKILL')
    await cluster?.stop()
    await dir?.remove()
  })

  it('a new limit is used by the next payer check, in the same process; the change is an audit event without secrets', async () => {
    const pid = proc?.child.pid
    // B pays A's invoices on A-B. Lower B's maxTransactionSize (an id setting) below what A will ask.
    await editLocal((l) => {
      l.limits.idSettings = [{ id: 'B', maxTransactionSize: 50_000 }]
    })
    const r = await runToEnd(['config', 'reload', '--config', configDir])
    assert.equal(r.code, 0, r.output)
    assert.match(r.output, /^reloaded: 1 change\(s\) in force now$/m)
    assert.match(r.output, /^ {2}limits\.idSettings\[B\]\.maxTransactionSize: \(none\) -> 50000$/m)

    await push(cluster, 'A', 'B', 600_000)
    const refused = await eventually(
      async () => {
        const page = await get<Page<TransactionRecord>>('/api/transactions?limit=1000')
        return page.entries.find(
          (t) => t.role === 'payer' && t.status === 'refused' && t.reason === 'maxTransactionSize'
        )
      },
      20_000,
      "B to refuse A's request for its new maxTransactionSize"
    )
    assert.match(refused.detail ?? '', /50000|50,000/)
    assert.ok(shareOf(cluster, 'A', 'B') < 0.4, 'nothing was paid past the new limit')
    assert.equal(proc?.child.pid, pid)
    assert.ok(proc?.child.exitCode === null, 'the same process, still running')

    const events = await get<Page<{ type: string; applied: unknown[]; needsRestart: unknown[] }>>(
      '/api/events?type=config_reloaded'
    )
    assert.equal(events.total, 1)
    assert.deepEqual(events.entries[0]?.applied, [{ path: 'limits.idSettings[B].maxTransactionSize', to: '50000' }])
    const a = cluster.connection('A')
    assert.ok(!JSON.stringify(events).includes(a.macaroon))
  })

  it('an invalid config is refused with the same errors as at start, and the config in force stays', async () => {
    await editLocal((l) => {
      l.limits.baseSettings.deadzone = 2
    })
    const r = await runToEnd(['config', 'reload', '--config', configDir])
    assert.equal(r.code, 1, r.output)
    assert.match(r.output, /limits\.baseSettings\.deadzone: expected a number between 0 and 0\.5/)
    // A SIGHUP straight to the daemon is refused by the daemon itself, and recorded.
    const pid = proc?.child.pid as number
    process.kill(pid, 'SIGHUP')
    const refusal = await eventually(
      async () => (await get<Page<{ errors: string[] }>>('/api/events?type=config_reload_refused')).entries[0],
      10_000,
      'the refusal event'
    )
    assert.ok(
      refusal.errors.some((e) => /limits\.baseSettings\.deadzone: expected a number between 0 and 0\.5/.test(e)),
      JSON.stringify(refusal)
    )
    const status = await get<Status>('/api/status')
    assert.ok(status.channels.length > 0)
    assert.ok(
      status.channels.every((c) => c.deadzone === 0.1),
      'the old deadzone is in force'
    )
    assert.ok(proc?.child.exitCode === null)
    await editLocal((l) => {
      l.limits.baseSettings.deadzone = 0.1
    })
  })

  it('a node added to the config joins, one removed leaves; a secret change waits for a restart', async () => {
    const c = cluster.connection('C')
    await editLocal((l) => {
      l.lightningNodes.push({ type: 'lnd', cert: c.cert, macaroon: c.macaroon, socket: c.socket })
      l.secret = 'a-new-secret-that-needs-a-restart'
    })
    const added = await runToEnd(['config', 'reload', '--config', configDir])
    assert.equal(added.code, 0, added.output)
    assert.match(
      added.output,
      new RegExp(`lightningNodes\\[${c.socket.replace(/\./g, '\\.')}\\]: \\(none\\) -> lnd \\(credentials\\)`)
    )
    assert.match(added.output, /1 change\(s\) need a restart.*\n {2}secret: \(secret\) -> \(secret, changed\)/)
    assert.ok(!added.output.includes('a-new-secret-that-needs-a-restart'))
    await eventually(
      async () =>
        (await get<Status>('/api/status')).nodes.find((n) => n.socket === c.socket)?.state === 'connected'
          ? true
          : undefined,
      30_000,
      'C connected'
    )

    await editLocal((l) => {
      l.lightningNodes = l.lightningNodes.filter((n: { socket: string }) => n.socket !== c.socket)
    })
    const removed = await runToEnd(['config', 'reload', '--config', configDir])
    assert.equal(removed.code, 0, removed.output)
    const status = await eventually(
      async () => {
        const s = await get<Status>('/api/status')
        return s.nodes.some((n) => n.socket === c.socket) || s.channels.some((ch) => ch.node === 'C') ? undefined : s
      },
      20_000,
      'C gone from the status'
    )
    assert.deepEqual(
      status.nodes.map((n) => n.alias),
      ['A', 'B']
    )
    const events = await get<Page<{ node: string }>>('/api/events?type=node_removed')
    assert.deepEqual(
      events.entries.map((e) => e.node),
      ['C']
    )
  })
})
