import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { getChannels, getWalletInfo, authenticatedLndGrpc } from 'lightning'
import { runTightrope, runToEnd, waitForFile, type Running } from '../helpers/process.js'

interface NodeEntry {
  alias: string
  publicKey: string
  socket: string
  cert: string
  macaroon: string
}

describe('tightrope sim start (own process) and its control API', () => {
  let dir: string
  let sim: Running
  let url: string
  let nodes: NodeEntry[]

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tightrope-sim-'))
    sim = runTightrope(['sim', 'start', '--scenario', 'scenarios/readme-example.json', '--dir', dir])
    await waitForFile(join(dir, 'nodes.json'), 30_000, sim)
    await waitForFile(join(dir, 'control.json'), 30_000, sim)
    await waitForFile(join(dir, 'swarm.json'), 30_000, sim)
    nodes = JSON.parse(await readFile(join(dir, 'nodes.json'), 'utf8')) as NodeEntry[]
    url = (JSON.parse(await readFile(join(dir, 'control.json'), 'utf8')) as { url: string }).url
  })
  after(async () => {
    await sim?.stop()
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  const api = async (method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> => {
    const res = await fetch(url + path, {
      method,
      ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {})
    })
    return { status: res.status, json: await res.json() }
  }

  it('writes nodes.json that connects the real client, swarm.json with a loopback bootstrap', async () => {
    assert.equal(nodes.length, 7)
    const a = nodes.find((n) => n.alias === 'A') as NodeEntry
    assert.match(a.socket, /^127\.0\.0\.1:\d+$/)
    const { lnd } = authenticatedLndGrpc({ cert: a.cert, macaroon: a.macaroon, socket: a.socket })
    assert.equal((await getWalletInfo({ lnd })).public_key, a.publicKey)
    const swarm = JSON.parse(await readFile(join(dir, 'swarm.json'), 'utf8')) as { bootstrap: string[] }
    assert.match(swarm.bootstrap[0] as string, /^127\.0\.0\.1:\d+$/)
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/)
  })

  it('GET /channels is the ground truth; POST /pay moves balances; DELETE closes', async () => {
    const { json: channels } = await api('GET', '/channels')
    assert.equal(channels.length, 9)
    const ab = channels.find((c: any) => c.from === 'A' && c.to === 'B')
    const paid = await api('POST', '/pay', { from: 'A', to: 'B', tokens: 100000 })
    assert.equal(paid.status, 200)
    assert.equal(paid.json.status, 'SUCCEEDED')
    const after = (await api('GET', '/channels')).json.find((c: any) => c.id === ab.id)
    // The payment may route elsewhere (fees allowed), but A's side of the network lost what B gained.
    if (paid.json.chanIds.length === 1) assert.equal(ab.fromBalance - after.fromBalance, 100000)

    const opened = await api('POST', '/channels', { from: 'E', to: 'B', capacity: 1000000 })
    assert.equal(opened.status, 200)
    assert.equal(opened.json.from, 'E')
    const e = nodes.find((n) => n.alias === 'E') as NodeEntry
    const { lnd } = authenticatedLndGrpc({ cert: e.cert, macaroon: e.macaroon, socket: e.socket })
    assert.ok((await getChannels({ lnd })).channels.some((c) => c.id === opened.json.id))
    const closed = await api('DELETE', `/channels/${opened.json.id}`)
    assert.equal(closed.status, 200)
    assert.ok(!(await getChannels({ lnd })).channels.some((c) => c.id === opened.json.id))
  })

  it('offline/online, faults and stats', async () => {
    assert.equal((await api('POST', '/nodes/D/offline')).status, 200)
    const offline = (await api('GET', '/nodes')).json.find((n: any) => n.alias === 'D')
    assert.equal(offline.online, false)
    assert.ok(
      (await api('GET', '/channels')).json
        .filter((c: any) => c.from === 'D' || c.to === 'D')
        .every((c: any) => !c.active)
    )
    assert.equal((await api('POST', '/nodes/D/online')).status, 200)
    assert.ok(
      (await api('GET', '/channels')).json
        .filter((c: any) => c.from === 'D' || c.to === 'D')
        .every((c: any) => c.active)
    )

    const fault = await api('POST', '/faults', { type: 'fail', from: 'C', reason: 'FAILURE_REASON_NO_ROUTE' })
    assert.equal(fault.json.kind, 'fail')
    const failed = await api('POST', '/pay', { from: 'C', to: 'D', tokens: 1000 })
    assert.equal(failed.json.status, 'FAILED')
    assert.equal(failed.json.failureReason, 'FAILURE_REASON_NO_ROUTE')

    const stats = (await api('GET', '/stats')).json
    assert.ok(stats.A['/lnrpc.Lightning/GetInfo'] >= 1, 'RPC calls are counted per node and method')
  })

  it('refuses bad requests with a reason', async () => {
    const cases: Array<[string, string, unknown, number, RegExp]> = [
      ['POST', '/pay', { from: 'A', to: 'Nobody', tokens: 1 }, 400, /unknown node "Nobody"/],
      ['POST', '/pay', { from: 'A', to: 'B', tokens: -5 }, 400, /tokens: expected a non-negative integer/],
      ['POST', '/channels', { from: 'A', to: 'A', capacity: 100000 }, 400, /two different nodes/],
      ['POST', '/channels', { from: 'A', to: 'B', capacity: 10 }, 400, /capacity must be/],
      ['POST', '/faults', { type: 'explode' }, 400, /type: expected/],
      ['POST', '/faults', { type: 'fail', reason: 'BECAUSE' }, 400, /reason: expected one of/],
      ['DELETE', '/channels/1x2x3', undefined, 400, /unknown channel/],
      ['GET', '/nowhere', undefined, 404, /no route/],
      ['PUT', '/channels', undefined, 405, /not allowed/]
    ]
    for (const [method, path, body, status, message] of cases) {
      const res = await api(method, path, body)
      assert.equal(res.status, status, `${method} ${path}`)
      assert.match(res.json.error, message)
    }
    const raw = await fetch(url + '/pay', { method: 'POST', body: '{not json' })
    assert.equal(raw.status, 400)
  })

  it('stops cleanly on SIGTERM', async () => {
    const code = await sim.stop('SIGTERM')
    assert.equal(code, 0)
    await assert.rejects(fetch(url + '/channels'))
  })
})

describe('tightrope sim start refuses a bad scenario', () => {
  it('names the field and the problem', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tightrope-scn-'))
    try {
      const file = join(dir, 'bad.json')
      await writeFile(
        file,
        JSON.stringify({ nodes: [{ alias: 'A' }], channels: [{ from: 'A', to: 'Z', capacity: 100000 }] })
      )
      const r = await runToEnd(['sim', 'start', '--scenario', file, '--dir', dir])
      assert.equal(r.code, 1)
      assert.match(r.output, /channels\[0\]\.to: no node with alias "Z"/)
      const missing = await runToEnd(['sim', 'start', '--scenario', join(dir, 'none.json')])
      assert.match(missing.output, /cannot read scenario/)
      const usage = await runToEnd(['sim', 'start', '--bogus'])
      assert.equal(usage.code, 2)
      assert.match(usage.output, /Unknown option '--bogus'/)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
