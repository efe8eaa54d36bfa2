import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { request } from 'node:http'
import { SimCluster } from '../../src/sim/cluster.js'
import { instanceConfig } from '../helpers/config.js'
import { startInstance, type Instance } from '../../src/app/instance.js'
import { readmeScenario } from '../helpers/sim.js'
import { tempDir } from '../helpers/daemon.js'

/** A GET with any Host header (fetch will not send a forged one), as a rebinding page's request arrives. */
function get(
  url: string,
  path: string,
  headers: Record<string, string> = {}
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url)
    const req = request({ host: u.hostname, port: u.port, path, headers }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      // A stream answers for ever: its first chunk is enough.
      res.on('data', (d: string) => {
        body += d
        if (res.headers['content-type'] === 'text/event-stream') {
          req.destroy()
          resolve({ status: res.statusCode ?? 0, body, headers: res.headers })
        }
      })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }))
    })
    req.on('error', reject)
    req.end()
  })
}

describe('the API against a web page and a leaked URL', () => {
  let cluster: SimCluster
  let open: Instance
  let locked: Instance
  const TOKEN = 'a-long-enough-token-123'
  const dirs: Array<{ path: string; remove: () => Promise<void> }> = []

  before(async () => {
    cluster = await SimCluster.start({ scenario: readmeScenario(), dht: false, control: false })
    const a = await tempDir()
    const b = await tempDir()
    dirs.push(a, b)
    // The environment is not read behind the loader's back: this short value must change nothing.
    process.env.TIGHTROPE_API_TOKEN = 'short'
    open = await startInstance(instanceConfig(cluster, ['A', 'B'], a.path), { log: () => {}, swarm: false })
    locked = await startInstance(instanceConfig(cluster, ['C', 'D'], b.path, { api: { token: TOKEN } }), {
      log: () => {},
      swarm: false
    })
  })
  after(async () => {
    delete process.env.TIGHTROPE_API_TOKEN
    await open?.stop()
    await locked?.stop()
    await cluster?.stop()
    for (const d of dirs) await d.remove()
  })

  it('DNS rebinding: a Host that is not this API is refused, loopback names are answered', async () => {
    const url = open.api?.url as string
    const port = new URL(url).port
    const rebound = await get(url, '/api/status', { host: `rebind.attacker.example:${port}` })
    assert.equal(rebound.status, 403)
    assert.match(
      JSON.parse(rebound.body).error,
      /Host "rebind\.attacker\.example:\d+" is not this API's .*DNS rebinding/
    )
    assert.doesNotMatch(rebound.body, /publicKey|channels/, 'no data in the refusal')
    for (const path of ['/', '/api/stream', '/api/events', '/metrics'])
      assert.equal((await get(url, path, { host: 'rebind.attacker.example' })).status, 403, path)
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, 'LOCALHOST', `127.0.0.2:${port}`, `[::1]:${port}`]) {
      const r = await get(url, '/api/status', { host })
      assert.equal(r.status, 200, host)
      assert.deepEqual(
        JSON.parse(r.body).nodes.map((n: { alias: string }) => n.alias),
        ['A', 'B']
      )
    }
  })

  it("the token comes from the config only (TIGHTROPE_API_TOKEN is the loader's business)", async () => {
    assert.equal((await get(open.api?.url as string, '/api/status')).status, 200)
  })

  it('the token is taken from the Authorization header only, never from a URL', async () => {
    const url = locked.api?.url as string
    assert.equal((await get(url, '/api/status')).status, 401)
    assert.equal((await get(url, `/api/status?token=${TOKEN}`)).status, 401)
    assert.equal((await get(url, `/api/stream?token=${TOKEN}`)).status, 401)
    const ok = await get(url, '/api/status', { authorization: `Bearer ${TOKEN}` })
    assert.equal(ok.status, 200)
    assert.deepEqual(
      JSON.parse(ok.body).nodes.map((n: { alias: string }) => n.alias),
      ['C', 'D']
    )
  })

  it('the live stream opens with a one-time ticket fetched with the header', async () => {
    const url = locked.api?.url as string
    assert.equal((await get(url, '/api/stream-ticket')).status, 401, 'no ticket without the token')
    const { ticket, expiresInSeconds } = JSON.parse(
      (await get(url, '/api/stream-ticket', { authorization: `Bearer ${TOKEN}` })).body
    )
    assert.match(ticket, /^[A-Za-z0-9_-]{32}$/)
    assert.equal(expiresInSeconds, 30)
    const first = await get(url, `/api/stream?ticket=${ticket}`)
    assert.equal(first.status, 200)
    assert.match(first.body, /^event: status\ndata: \{"instance"/)
    assert.equal((await get(url, `/api/stream?ticket=${ticket}`)).status, 401, 'spent')
    assert.equal((await get(url, '/api/stream?ticket=made-up-ticket-made-up-ticket-00')).status, 401)
    assert.equal(
      (
        await get(
          url,
          `/api/status?ticket=${JSON.parse((await get(url, '/api/stream-ticket', { authorization: `Bearer ${TOKEN}` })).body).ticket}`
        )
      ).status,
      401,
      'a ticket opens the stream only'
    )
  })

  it('/api/health answers a checker without the token, names nothing, and still refuses a foreign Host', async () => {
    const url = locked.api?.url as string
    const health = await get(url, '/api/health')
    assert.equal(health.status, 200, health.body)
    assert.deepEqual(JSON.parse(health.body), {
      ready: true,
      ledger: 'open',
      nodes: { configured: 2, connected: 2, states: ['connected', 'connected'] },
      swarm: 'off'
    })
    for (const name of ['C', 'D', cluster.connection('C').socket])
      assert.ok(!health.body.includes(name), `${name} is not named`)
    assert.equal((await get(url, '/api/status')).status, 401, 'the rest still wants the token')
    assert.equal((await get(url, '/api/health', { host: 'rebind.attacker.example' })).status, 403)
  })

  it('the dashboard page holds no data, may run only its own script, and puts no token in a URL', async () => {
    const page = await get(locked.api?.url as string, '/')
    assert.equal(page.status, 200)
    assert.match(
      String(page.headers['content-security-policy']),
      /script-src 'self' 'sha256-[A-Za-z0-9+/=]+'; .*img-src 'self'; connect-src 'self'/
    )
    assert.doesNotMatch(page.body, /[?&#]token=|location\.hash/)
    assert.match(page.body, /authorization: 'Bearer ' \+ token/)
  })
})
