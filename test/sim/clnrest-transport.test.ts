import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { X509Certificate } from 'node:crypto'
import { getChannels } from 'lightning'
import { SimCluster, type ClnConnection, type NodeConnection } from '../../src/sim/cluster.js'
import { loadScenario } from '../../src/sim/scenario.js'
import { clnCall } from '../helpers/clnrest-client.js'
import { controlCall, eventually, lndFor } from '../helpers/sim.js'

/**
 * clnrest as a client sees it, from the contract alone (cln-rest-contract.md §1, §2, §3 getinfo and
 * listpeerchannels, §5): a plain node:https client with the CA from nodes.json, on scenarios/mixed.json.
 */
describe('simulated clnrest: transport, runes, identity and channels', () => {
  let cluster: SimCluster
  let dir: string
  let B: ClnConnection
  let C: ClnConnection
  const control = async (method: string, path: string, body?: unknown): Promise<any> =>
    controlCall(cluster, method, path, body)
  const admin = (c: ClnConnection): ClnConnection => ({ ...c, rune: cluster.restServer(c.alias).runes.adminRune })

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'clnrest-'))
    cluster = await SimCluster.start({ scenario: loadScenario('scenarios/mixed.json'), dir, dht: false })
    const nodes = JSON.parse(await readFile(join(dir, 'nodes.json'), 'utf8')) as NodeConnection[]
    B = nodes.find((n) => n.alias === 'B') as ClnConnection
    C = nodes.find((n) => n.alias === 'C') as ClnConnection
  })
  after(async () => {
    await cluster?.stop()
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it('nodes.json: every alias kept, CLN nodes with url/rune/CA, LND nodes with implementation "lnd"', async () => {
    const nodes = JSON.parse(await readFile(join(dir, 'nodes.json'), 'utf8')) as NodeConnection[]
    assert.deepEqual(
      nodes.map((n) => `${n.alias}:${n.implementation}`),
      ['A:lnd', 'B:cln', 'C:cln', 'D:lnd', 'E:lnd', 'X:lnd', 'Y:lnd']
    )
    assert.deepEqual(Object.keys(B).sort(), ['alias', 'cert', 'implementation', 'publicKey', 'rune', 'url'])
    assert.match(B.url, /^https:\/\/127\.0\.0\.1:\d+$/)
    const a = nodes.find((n) => n.alias === 'A')
    assert.deepEqual(Object.keys(a ?? {}).sort(), [
      'alias',
      'cert',
      'implementation',
      'macaroon',
      'publicKey',
      'socket'
    ])
    const ca = new X509Certificate(Buffer.from(B.cert, 'base64'))
    assert.equal(ca.ca, true, 'cert is a CA')
    assert.notEqual(B.cert, C.cert, 'each node has its own CA')
    // The least-privilege rune is exactly the contract §2.4 method list.
    assert.equal(
      Buffer.from(B.rune, 'base64url').subarray(32).toString(),
      '=1&method=getinfo|method=listpeerchannels|method=invoice|method=listinvoices|method=delinvoice|' +
        'method=decode|method=sendpay|method=waitsendpay|method=listsendpays|method=listpays|method=signmessage|' +
        'method=checkmessage|method=wait|method=waitanyinvoice|method=listclnrest-notifications'
    )
  })

  it('the server certificate is signed by that CA for 127.0.0.1 and localhost (a request by either name verifies)', async () => {
    const byIp = await clnCall(B, 'getinfo')
    assert.equal(byIp.status, 201)
    const byName = await clnCall({ ...B, url: B.url.replace('127.0.0.1', 'localhost') }, 'getinfo')
    assert.equal(byName.status, 201)
    await assert.rejects(clnCall({ ...B, cert: C.cert }, 'getinfo'), /certificate/i)
  })

  it('getinfo: identity, alias, color, regtest, channel counts', async () => {
    const { status, body } = await clnCall(B, 'getinfo')
    assert.equal(status, 201)
    assert.equal(body.id, B.publicKey)
    assert.equal(body.alias, 'B')
    assert.equal(body.color, 'f0883e')
    assert.equal(body.network, 'regtest')
    assert.equal(body.num_active_channels, 2)
    assert.equal(body.num_inactive_channels, 0)
    assert.equal(typeof body.blockheight, 'number')
    assert.equal(body.fees_collected_msat, 0)
  })

  it('listpeerchannels: exactly the node channels, integer msat, short_channel_id equal to the LND side', async () => {
    const { status, body } = await clnCall(C, 'listpeerchannels')
    assert.equal(status, 201)
    const truth = (await control('GET', '/channels')) as Array<{
      id: string
      from: string
      to: string
      capacity: number
    }>
    const mine = truth.filter((t) => t.from === 'C' || t.to === 'C')
    assert.deepEqual(body.channels.map((c: any) => c.short_channel_id).sort(), mine.map((t) => t.id).sort())
    const fromLnd = await getChannels({ lnd: lndFor(cluster, 'A') })
    const ac = body.channels.find((c: any) => c.peer_id === cluster.nodeConnection('A').publicKey)
    assert.ok(ac, 'the A-C channel')
    const lndSide = fromLnd.channels.find((c) => c.partner_public_key === C.publicKey)
    assert.equal(ac.short_channel_id, lndSide?.id)
    assert.equal(`${ac.funding_txid}:${ac.funding_outnum}`, `${lndSide?.transaction_id}:${lndSide?.transaction_vout}`)
    const t = mine.find((x) => x.id === ac.short_channel_id)
    assert.equal(ac.total_msat, (t?.capacity ?? 0) * 1000)
    for (const k of ['to_us_msat', 'spendable_msat', 'receivable_msat', 'our_reserve_msat', 'their_reserve_msat'])
      assert.ok(Number.isInteger(ac[k]), `${k} is an integer`)
    assert.equal(ac.state, 'CHANNELD_NORMAL')
    assert.equal(ac.peer_connected, true)
    assert.equal(ac.opener, 'remote')
    assert.deepEqual(ac.htlcs, [])
    const one = await clnCall(C, 'listpeerchannels', { id: cluster.nodeConnection('A').publicKey })
    assert.deepEqual(
      one.body.channels.map((c: any) => c.short_channel_id),
      [ac.short_channel_id]
    )
  })

  it('transport errors: 404 path, 405 GET, 406 content type, 500 unparseable body, 404 unknown command', async () => {
    const adminB = admin(B)
    const notV1 = await clnCall(adminB, '../x')
    assert.equal(notV1.status, 404)
    assert.deepEqual(notV1.body, { code: -32601, message: 'Path not found', data: null })
    const get = await clnCall(adminB, 'getinfo', {}, { httpMethod: 'GET', rawBody: '' })
    assert.equal(get.status, 405)
    assert.equal(get.body.code, -32601)
    const xml = await clnCall(adminB, 'getinfo', {}, { contentType: 'text/plain' })
    assert.equal(xml.status, 406)
    assert.equal(xml.body.code, null)
    const bad = await clnCall(adminB, 'getinfo', {}, { rawBody: '{not json' })
    assert.equal(bad.status, 500)
    assert.equal(bad.body.code, null)
    const positional = await clnCall(adminB, 'getinfo', {}, { rawBody: '[]' })
    assert.equal(positional.status, 500)
    const listed = await clnCall(B, 'list-methods', {}, { httpMethod: 'GET', rawBody: '', rune: null })
    assert.equal(listed.status, 200, 'GET /v1/list-methods needs no rune')
    assert.match(String(listed.body), /<li>sendpay<\/li>/)
    const unknown = await clnCall(adminB, 'frobnicate')
    assert.equal(unknown.status, 404)
    assert.equal(unknown.body.code, -32601)
  })

  it('runes: missing 403/1501; method not allowed 401/1502 with CLN wording (never 404 or 201); forged 401/1501', async () => {
    const missing = await clnCall(B, 'getinfo', {}, { rune: null })
    assert.equal(missing.status, 403)
    assert.deepEqual(missing.body, { code: 1501, message: 'Not authorized: Missing rune', data: null })
    for (const method of ['withdraw', 'close', 'frobnicate', 'createrune']) {
      const r = await clnCall(B, method, {})
      assert.equal(r.status, 401, method)
      assert.equal(r.body.code, 1502)
      assert.match(
        r.body.message,
        /^Not permitted: method is not equal to getinfo AND method is not equal to listpeerchannels AND /
      )
    }
    // Another node's rune, and this node's rune with its restriction cut off.
    const other = await clnCall({ ...B, rune: C.rune }, 'getinfo')
    assert.equal(other.status, 401)
    assert.deepEqual(other.body, { code: 1501, message: 'Not authorized: Not derived from master', data: null })
    const bytes = Buffer.from(B.rune, 'base64url')
    const cut = Buffer.concat([bytes.subarray(0, 32), Buffer.from('=1')]).toString('base64url')
    const forged = await clnCall({ ...B, rune: cut }, 'withdraw')
    assert.equal(forged.status, 401)
    assert.equal(forged.body.code, 1501)
    const garbage = await clnCall({ ...B, rune: 'not a rune!' }, 'getinfo')
    assert.equal(garbage.body.code, -32602)
  })

  it('runes: createrune derives restricted runes; pnameX, rate= (too soon) and blacklisting, as CLN checks them', async () => {
    const adminB = admin(B)
    const capped = await clnCall(adminB, 'createrune', {
      restrictions: [['method=invoice'], ['pnameamount_msat<1001']]
    })
    assert.equal(capped.status, 201)
    assert.equal(typeof capped.body.unique_id, 'string')
    const asCapped = { ...B, rune: capped.body.rune }
    const ok = await clnCall(asCapped, 'invoice', { amount_msat: 1000, label: 'capped-ok', description: 'x' })
    assert.equal(ok.status, 201)
    const tooMuch = await clnCall(asCapped, 'invoice', { amount_msat: 1001, label: 'capped-no', description: 'x' })
    assert.equal(tooMuch.status, 401)
    assert.equal(tooMuch.body.message, 'Not permitted: parameter amount_msat is greater or equal to 1001')
    const refused = await clnCall(adminB, 'listinvoices', { label: 'capped-no' })
    assert.deepEqual(refused.body.invoices, [], 'the refused call never ran')

    const rated = await clnCall(adminB, 'createrune', { restrictions: [['method=getinfo'], ['rate=1']] })
    const asRated = { ...B, rune: rated.body.rune }
    assert.equal((await clnCall(asRated, 'getinfo')).status, 201)
    const soon = await clnCall(asRated, 'getinfo')
    assert.equal(soon.status, 401)
    assert.deepEqual(soon.body, { code: 1502, message: 'Not permitted: too soon', data: null })

    const check = await clnCall(adminB, 'checkrune', {
      rune: capped.body.rune,
      method: 'invoice',
      params: { amount_msat: 5 }
    })
    assert.deepEqual(check.body, { valid: true })
    const shown = await clnCall(adminB, 'showrunes', { rune: capped.body.rune })
    assert.equal(shown.body.runes[0].unique_id, capped.body.unique_id)

    const id = Number(capped.body.unique_id)
    const bl = await clnCall(adminB, 'blacklistrune', { start: id })
    assert.deepEqual(bl.body.blacklist, [{ start: id, end: id }])
    const after = await clnCall(asCapped, 'invoice', { amount_msat: 5, label: 'after-bl', description: 'x' })
    assert.equal(after.status, 401)
    assert.deepEqual(after.body, { code: 1503, message: 'Not authorized: Blacklisted rune', data: null })
  })

  it('GET /stats counts clnrest calls by method; offline refuses connections, online serves at the same URL', async () => {
    const before = (await control('GET', '/stats')).B['/v1/getinfo'] ?? 0
    await clnCall(B, 'getinfo')
    await clnCall(B, 'getinfo')
    const stats = await control('GET', '/stats')
    assert.equal(stats.B['/v1/getinfo'], before + 2)
    assert.ok(
      Object.keys(stats.A).some((k) => k.startsWith('/lnrpc.')),
      'LND nodes still count gRPC calls'
    )

    await control('POST', '/nodes/B/offline')
    await assert.rejects(clnCall(B, 'getinfo'), /ECONNREFUSED/)
    const fromA = await getChannels({ lnd: lndFor(cluster, 'A') })
    const ab = fromA.channels.find((c) => c.partner_public_key === B.publicKey)
    assert.equal(ab?.is_active, false, 'A sees its channel to B inactive')
    await control('POST', '/nodes/B/online')
    const back = await clnCall(B, 'getinfo')
    assert.equal(back.status, 201)
    assert.equal((cluster.nodeConnection('B') as ClnConnection).url, B.url)
    await eventually(async () => {
      const r = await clnCall(B, 'listpeerchannels')
      return r.body.channels.every((c: any) => c.peer_connected) ? true : undefined
    })
    const listed = (await control('GET', '/nodes')) as Array<{ alias: string; implementation: string; url?: string }>
    assert.equal(listed.find((n) => n.alias === 'B')?.url, B.url)
  })
})
