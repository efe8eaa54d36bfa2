import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { createServer, type Server, type Socket } from 'node:net'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { SimCluster } from '../../src/sim/cluster.js'
import { startInstance } from '../../src/app/instance.js'
import { eventually, readmeScenario } from '../helpers/sim.js'
import { push, shareOf, tempDir } from '../helpers/daemon.js'
import { instanceConfig, writeConfigDir } from '../helpers/config.js'
import { runTightrope, runToEnd, waitForFile, type Running } from '../helpers/process.js'
import type { NodeEntry, Status } from '../../src/api/status.js'
import type { Health } from '../../src/api/health.js'

/** A TCP socket on loopback that accepts connections and never says a word (no TLS, no gRPC). */
async function silentSocket(): Promise<{ socket: string; close: () => Promise<void> }> {
  const held = new Set<Socket>()
  const server: Server = createServer((s) => {
    held.add(s)
    s.on('error', () => {})
    s.on('close', () => held.delete(s))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  return {
    socket: `127.0.0.1:${port}`,
    close: async () => {
      for (const s of held) s.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}

/** A loopback port nothing listens on (bound once to get a free number, then released). */
async function unusedSocket(): Promise<string> {
  const s = await silentSocket()
  await s.close()
  return s.socket
}

async function getStatus(url: string): Promise<{ status: Status; text: string }> {
  const text = await (await fetch(`${url}/api/status`)).text()
  return { status: JSON.parse(text) as Status, text }
}

const nodeAt = (s: Status, socket: string): NodeEntry | undefined => s.nodes.find((n) => n.socket === socket)

/** GET /api/health, with no token: its HTTP status and body. */
async function getHealth(url: string): Promise<{ code: number; body: Health }> {
  const res = await fetch(`${url}/api/health`)
  return { code: res.status, body: (await res.json()) as Health }
}

describe('a configured node that never answers holds nothing back', () => {
  let cluster: SimCluster
  let silent: { socket: string; close: () => Promise<void> }
  let unused: string
  before(async () => {
    cluster = await SimCluster.start({ scenario: readmeScenario(), dht: false, control: false })
    silent = await silentSocket()
    unused = await unusedSocket()
  })
  after(async () => {
    await silent?.close()
    await cluster?.stop()
  })

  it('tightrope start: the API and api.json come up, the others are balanced, status shows the silent ones, SIGTERM exits', async () => {
    const dir = await tempDir()
    let proc: Running | undefined
    try {
      const configDir = await writeConfigDir(dir.path, cluster, ['A', 'B'])
      const localFile = join(configDir, 'local.json')
      const local = JSON.parse(await readFile(localFile, 'utf8'))
      const a = cluster.connection('A')
      // First in the list, as in the report: a socket that never speaks TLS, and a closed port.
      local.lightningNodes.unshift(
        { type: 'lnd', cert: a.cert, macaroon: a.macaroon, socket: silent.socket },
        { type: 'lnd', cert: a.cert, macaroon: a.macaroon, socket: unused }
      )
      await writeFile(localFile, JSON.stringify(local, null, 2))
      proc = runTightrope(['start', '--config', configDir])
      const apiFile = join(dir.path, 'storage', 'api.json')
      await waitForFile(apiFile, 30_000, proc)
      const { url } = JSON.parse(await readFile(apiFile, 'utf8')) as { url: string }

      await push(cluster, 'A', 'B', 600_000)
      await eventually(
        () => (Math.abs(shareOf(cluster, 'A', 'B') - 0.5) <= 0.1 ? true : undefined),
        20_000,
        'A-B rebalanced beside the silent nodes'
      )

      // Each configured node, in config order, with its state; the two silent ones with an error
      // naming their socket (the silent one's once its attempt timed out).
      const { status, text } = await eventually(
        async () => {
          const r = await getStatus(url)
          return nodeAt(r.status, silent.socket)?.error !== undefined && nodeAt(r.status, unused)?.error !== undefined
            ? r
            : undefined
        },
        30_000,
        'both silent nodes to report an error'
      )
      assert.deepEqual(
        status.nodes.map((n) => n.socket),
        [silent.socket, unused, a.socket, cluster.connection('B').socket]
      )
      assert.deepEqual(
        status.nodes.map((n) => [n.alias, n.state, n.connected]),
        [
          [silent.socket, 'connecting', false],
          [unused, 'connecting', false],
          ['A', 'connected', true],
          ['B', 'connected', true]
        ]
      )
      assert.match(
        nodeAt(status, silent.socket)?.error ?? '',
        new RegExp(`LND at ${silent.socket}: no answer within \\d+ s`)
      )
      assert.match(nodeAt(status, unused)?.error ?? '', new RegExp(`LND at ${unused}`))
      assert.ok(!text.includes(a.macaroon) && !text.includes(a.cert), 'no credential in the status')
      const health = await getHealth(url)
      assert.equal(health.code, 503, 'not ready while two configured nodes do not answer')
      assert.deepEqual(health.body, {
        ready: false,
        ledger: 'open',
        nodes: { configured: 4, connected: 2, states: ['connecting', 'connecting', 'connected', 'connected'] },
        swarm: 'off'
      })

      const cli = await runToEnd(['status', '--config', configDir])
      assert.equal(cli.code, 0, cli.output)
      assert.match(cli.output, /^nodes {2}A, B$/m)
      assert.match(
        cli.output,
        new RegExp(`^ +${silent.socket} connecting since \\d\\d:\\d\\d:\\d\\d: LND at ${silent.socket}: no answer`, 'm')
      )

      // Stops on its own well before the helper's hard kill (which would give a null exit code).
      assert.equal(await proc.stop('SIGTERM', 8000), 0, proc.output())
      // The terminal's text on purpose: what the operator sees must hold no macaroon.
      assert.match(proc.output(), / stopped /)
      assert.ok(!proc.output().includes(a.macaroon), 'no macaroon in the output')
    } finally {
      await proc?.stop('SIGKILL')
      await dir.remove()
    }
  })

  it('SIGTERM while every node is still connecting ends the process', async () => {
    const dir = await tempDir()
    let proc: Running | undefined
    try {
      const configDir = await writeConfigDir(dir.path, cluster, ['A'])
      const localFile = join(configDir, 'local.json')
      const local = JSON.parse(await readFile(localFile, 'utf8'))
      local.lightningNodes[0].socket = silent.socket
      await writeFile(localFile, JSON.stringify(local, null, 2))
      proc = runTightrope(['start', '--config', configDir])
      await waitForFile(join(dir.path, 'storage', 'api.json'), 30_000, proc)
      const { url } = JSON.parse(await readFile(join(dir.path, 'storage', 'api.json'), 'utf8')) as { url: string }
      assert.equal(nodeAt((await getStatus(url)).status, silent.socket)?.state, 'connecting')
      assert.equal(await proc.stop('SIGTERM', 8000), 0, proc.output())
    } finally {
      await proc?.stop('SIGKILL')
      await dir.remove()
    }
  })

  it('a node that is lost leaves the instance and joins again when it is back', async () => {
    const dir = await tempDir()
    const instance = await startInstance(instanceConfig(cluster, ['C', 'D'], dir.path), { log: () => {} })
    try {
      const url = instance.api?.url as string
      const d = cluster.connection('D')
      const dKey = [...instance.daemon.nodes.values()].find((n) => n.identity.alias === 'D')?.identity
        .publicKey as string
      assert.ok(dKey, 'D joined at start')
      assert.deepEqual(await getHealth(url), {
        code: 200,
        body: {
          ready: true,
          ledger: 'open',
          nodes: { configured: 2, connected: 2, states: ['connected', 'connected'] },
          swarm: 'off'
        }
      })
      await cluster.setOnline('D', false)
      const lost = await eventually(
        async () => {
          const s = (await getStatus(url)).status
          return nodeAt(s, d.socket)?.state === 'lost' ? s : undefined
        },
        20_000,
        'D shown as lost'
      )
      assert.equal(nodeAt(lost, d.socket)?.alias, 'D')
      assert.ok(nodeAt(lost, d.socket)?.error, 'with the error that lost it')
      assert.equal(nodeAt(lost, cluster.connection('C').socket)?.state, 'connected')
      assert.ok(!instance.daemon.nodes.has(dKey), 'D is not a node of the instance while lost')
      assert.ok(instance.daemon.payers.has(dKey), 'its payer stays, to refuse peers with nodeUnavailable')
      const health = await getHealth(url)
      assert.equal(health.code, 503)
      assert.deepEqual(health.body.nodes.states, ['connected', 'lost'])

      await cluster.setOnline('D', true)
      await eventually(
        async () => (nodeAt((await getStatus(url)).status, d.socket)?.state === 'connected' ? true : undefined),
        30_000,
        'D connected again'
      )
      assert.ok(instance.daemon.nodes.has(dKey), 'D is back in the instance')
      assert.equal((await getHealth(url)).code, 200, 'ready again')
      await push(cluster, 'C', 'D', 600_000)
      await eventually(
        () => (Math.abs(shareOf(cluster, 'C', 'D') - 0.5) <= 0.1 ? true : undefined),
        20_000,
        'C-D rebalanced after D came back'
      )
    } finally {
      await instance.stop()
      await dir.remove()
    }
  })
})
