import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { SimCluster } from '../../src/sim/cluster.js'
import { instanceConfig } from '../helpers/config.js'
import { startInstance, type Instance } from '../../src/app/instance.js'
import type { TransactionRecord } from '../../src/ledger/types.js'
import { eventually, readmeScenario } from '../helpers/sim.js'
import { push, shareOf, tempDir } from '../helpers/daemon.js'

/** Why a status entry's share cannot have led to its next action, or undefined when it can. */
function contradiction(c: {
  share: number
  low: number
  high: number
  next: { action: string; reason: string }
}): string | undefined {
  const eps = 1e-6
  const why = `${c.next.action}/${c.next.reason} at share ${c.share} (deadzone ${c.low}-${c.high})`
  if ((c.next.action === 'request' || c.next.action === 'wait') && !(c.share < c.low + eps)) return why
  if (c.next.reason === 'balanced' && !(c.share > c.low - eps && c.share < c.high + eps)) return why
  if (c.next.reason === 'richSide' && !(c.share > c.high - eps)) return why
  return undefined
}

describe("the daemon's HTTP API", () => {
  let cluster: SimCluster
  let instance: Instance
  let url: string
  const dirs: Array<{ path: string; remove: () => Promise<void> }> = []
  const get = async (
    path: string,
    headers: Record<string, string> = {}
  ): Promise<{ status: number; body: any; text: string }> => {
    const res = await fetch(url + path, { headers })
    const text = await res.text()
    let body: unknown
    try {
      body = JSON.parse(text)
    } catch {
      body = undefined
    }
    return { status: res.status, body, text }
  }

  before(async () => {
    cluster = await SimCluster.start({ scenario: readmeScenario(), dht: false, control: false })
    const d = await tempDir()
    dirs.push(d)
    instance = await startInstance(
      instanceConfig(cluster, ['A', 'B'], d.path, {
        settings: { maxTransactionSize: 300000 },
        shouldMask: ['remotePeer']
      }),
      { log: () => {} }
    )
    url = instance.api?.url as string
    await push(cluster, 'A', 'B', 600_000)
    await eventually(
      () => (Math.abs(shareOf(cluster, 'A', 'B') - 0.5) <= 0.1 ? true : undefined),
      10_000,
      'A-B rebalanced'
    )
  })
  after(async () => {
    await instance?.stop()
    await cluster?.stop()
    for (const d of dirs) await d.remove()
  })

  it('GET /api/status: nodes, watched channels with share, thresholds, settings and the next action', async () => {
    const ab = cluster.channelBetween('A', 'B')?.id
    // The simulator saw A-B balanced, but each side's view settles only once that side was
    // evaluated again (B, the payer, may still show its share from before the payment, with its
    // then-valid 'none: richSide'). Wait for both sides to show the simulator's balances.
    const { status, body } = await eventually(
      async () => {
        const r = await get('/api/status')
        const sides = r.body.channels.filter((c: any) => c.channelId === ab)
        return sides.length === 2 &&
          sides.every((c: any) => Math.abs(c.share - shareOf(cluster, c.node, c.node === 'A' ? 'B' : 'A')) < 1e-9)
          ? r
          : undefined
      },
      10_000,
      'both sides of A-B to show the balances after the rebalance'
    )
    assert.equal(status, 200)
    assert.deepEqual(
      body.nodes.map((n: any) => [n.alias, n.state, n.connected]),
      [
        ['A', 'connected', true],
        ['B', 'connected', true]
      ]
    )
    assert.deepEqual(
      body.nodes.map((n: any) => n.socket),
      [cluster.connection('A').socket, cluster.connection('B').socket]
    )
    assert.equal(body.instance.dryRun, false)
    const sides = body.channels.filter((c: any) => c.channelId === ab)
    assert.deepEqual(sides.map((c: any) => c.node).sort(), ['A', 'B'])
    for (const c of sides) {
      assert.ok(Math.abs(c.share - 0.5) <= 0.1)
      assert.equal(c.low, 0.4)
      assert.ok(Math.abs(c.high - 0.6) < 1e-9)
      assert.equal(c.settings.maxTransactionSize, 300000)
      assert.deepEqual([c.next.action, c.next.reason], ['none', 'balanced'])
      assert.match(c.next.detail, /local share/)
    }
  })

  it('GET /api/status never pairs a share with a decision made on other balances, while a rebalance runs', async () => {
    const ab = cluster.channelBetween('A', 'B')?.id
    const requests = instance.daemon.ledger
      .allTransactions()
      .filter((t) => t.role === 'requester' && t.status === 'requested').length
    await push(cluster, 'A', 'B', 600_000)
    let samples = 0
    await eventually(
      async () => {
        const sides = (await get('/api/status')).body.channels.filter((c: any) => c.channelId === ab)
        for (const c of sides) {
          samples++
          assert.equal(contradiction(c), undefined)
        }
        const settled =
          Math.abs(shareOf(cluster, 'A', 'B') - 0.5) <= 0.1 &&
          sides.length === 2 &&
          sides.every((c: any) => Math.abs(c.share - shareOf(cluster, c.node, c.node === 'A' ? 'B' : 'A')) < 1e-9)
        return settled ? true : undefined
      },
      20_000,
      'A-B rebalanced again and both sides showing it'
    )
    assert.ok(
      instance.daemon.ledger.allTransactions().filter((t) => t.role === 'requester' && t.status === 'requested')
        .length > requests,
      'a rebalance happened while sampling'
    )
    assert.ok(samples >= 2)
  })

  it('GET /api/events and /api/transactions filter and page', async () => {
    const all = await get('/api/events?limit=1000')
    assert.ok(all.body.total > 3)
    const started = await get('/api/events?type=started')
    assert.equal(started.body.total, 1)
    const page = await get('/api/events?offset=1&limit=2')
    assert.deepEqual(
      page.body.entries.map((e: any) => e.index),
      [1, 2]
    )
    const ab = cluster.channelBetween('A', 'B')?.id as string
    const txs = await get(`/api/transactions?channelId=${ab}`)
    assert.ok(txs.body.entries.length >= 3 && txs.body.entries.every((t: any) => t.channelId === ab))
    const none = await get('/api/transactions?channelId=1x1x1')
    assert.equal(none.body.total, 0)
    const future = await get(`/api/events?since=${new Date(Date.now() + 60_000).toISOString()}`)
    assert.equal(future.body.total, 0)
  })

  it('refuses bad parameters and methods with a reason', async () => {
    for (const [path, message] of [
      ['/api/events?limit=0', /limit: expected a whole number from 1 to 1000/],
      ['/api/events?offset=-1', /offset/],
      ['/api/events?since=yesterday', /since: expected an ISO 8601 date/],
      // The history is kept 7 days: further back (or days ahead) is a mistake, not a year to read.
      ['/api/history?since=0', /since: expected a time from .* \(the history is kept 7 days\)/],
      [`/api/history?since=${Date.now() + 3 * 86_400_000}`, /since: expected a time from/],
      ['/api/nothing', /no such endpoint/]
    ] as const) {
      const r = await get(path)
      assert.ok(r.status === 400 || r.status === 404, path)
      assert.match(r.body.error, message)
    }
    const post = await fetch(url + '/api/status', { method: 'POST' })
    assert.equal(post.status, 405)
  })

  it('GET /metrics: stable names and labels, values that match the ledger', async () => {
    const { text } = await get('/metrics')
    for (const name of [
      'tightrope_channel_local_share',
      'tightrope_channel_in_deadzone',
      'tightrope_rebalances_total',
      'tightrope_moved_sats_total',
      'tightrope_fees_paid_sats_total',
      'tightrope_refusals_total',
      'tightrope_peers',
      'tightrope_node_connected',
      'tightrope_lnd_rpc_calls_total',
      'tightrope_lnd_rpc_errors_total',
      'tightrope_lnd_rpc_seconds_sum'
    ]) {
      assert.match(text, new RegExp(`^# TYPE ${name} (gauge|counter)$`, 'm'), name)
    }
    // Rebalances may still be finishing: compare with the ledger as it was while /metrics was
    // computed (the same length before and after the request), not with a later state.
    const { text: snapshot, ledger } = await eventually(
      async () => {
        const before = instance.daemon.ledger.allTransactions().length
        const m = await get('/metrics')
        const after = instance.daemon.ledger.allTransactions() as TransactionRecord[]
        return before === after.length ? { text: m.text, ledger: after } : undefined
      },
      10_000,
      'a quiet moment of the ledger'
    )
    const succeeded = ledger.filter((t) => t.role === 'requester' && t.status === 'succeeded')
    const value = (re: RegExp): number => Number(re.exec(snapshot)?.[1])
    assert.equal(value(/^tightrope_rebalances_total\{outcome="succeeded"\} (\d+)$/m), succeeded.length)
    assert.equal(
      value(/^tightrope_moved_sats_total\{direction="received"\} (\d+)$/m),
      succeeded.reduce((s, t) => s + t.tokens, 0)
    )
    assert.equal(value(/^tightrope_fees_paid_sats_total (\d+)$/m), 0)
    assert.ok(value(/^tightrope_lnd_rpc_calls_total\{node="A",method="getChannels"\} (\d+)$/m) > 0)
    const ab = cluster.channelBetween('A', 'B')?.id
    assert.match(text, new RegExp(`^tightrope_channel_local_share\\{channel="${ab}",node="A"\\} 0\\.[4-6]`, 'm'))
  })

  it('serves the dashboard page with no external asset, and a live stream', async () => {
    const page = await get('/')
    assert.match(page.text, /<title>Tightrope<\/title>/)
    assert.doesNotMatch(page.text, /(src|href)="https?:/, 'no CDN')
    const controller = new AbortController()
    const res = await fetch(url + '/api/stream', { signal: controller.signal })
    const reader = (res.body as ReadableStream<Uint8Array>).getReader()
    const { value } = await reader.read()
    controller.abort()
    assert.match(Buffer.from(value as Uint8Array).toString(), /^event: status\ndata: \{"instance"/)
  })

  it('requires a bearer token off loopback, and refuses to start without one', async () => {
    const d = await tempDir()
    dirs.push(d)
    await assert.rejects(
      startInstance(instanceConfig(cluster, ['A', 'B'], d.path, { api: { host: '0.0.0.0' } }), { log: () => {} }),
      /api\.host 0\.0\.0\.0 is not loopback: set api\.token/
    )
    const d2 = await tempDir()
    dirs.push(d2)
    const token = 'a-long-enough-token-123'
    const open = await startInstance(
      instanceConfig(cluster, ['A', 'B'], d2.path, { api: { host: '0.0.0.0', token } }),
      { log: () => {}, swarm: false }
    )
    try {
      const port = new URL(open.api?.url as string).port
      const base = `http://127.0.0.1:${port}`
      assert.equal((await fetch(`${base}/api/status`)).status, 401)
      assert.equal(
        (await fetch(`${base}/api/status`, { headers: { authorization: 'Bearer wrong-token-wrong-token' } })).status,
        401
      )
      assert.equal((await fetch(`${base}/api/status`, { headers: { authorization: `Bearer ${token}` } })).status, 200)
      // Never from a URL (it would land in shell history, browser history and logs).
      assert.equal((await fetch(`${base}/metrics?token=${token}`)).status, 401)
    } finally {
      await open.stop()
    }
  })
})
