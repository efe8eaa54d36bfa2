import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { signMessage, verifyMessage } from 'lightning'
import { SimCluster, type ClnConnection } from '../../src/sim/cluster.js'
import { loadScenario } from '../../src/sim/scenario.js'
import { signMessage as simSign } from '../../src/sim/crypto/sign-message.js'
import { generateNodeKey } from '../../src/sim/crypto/keys.js'
import { clnCall } from '../helpers/clnrest-client.js'
import { lndFor } from '../helpers/sim.js'

/**
 * Node proofs across implementations (contract §4): what CLN's signmessage signs, LND's
 * VerifyMessage (through the `lightning` client) attributes to the CLN node, and what LND's
 * SignMessage signs, CLN's checkmessage verifies with the pubkey.
 */
describe('simulated clnrest: signatures cross-verify with LND', () => {
  let cluster: SimCluster
  let B: ClnConnection
  const message = 'tightrope-proof-0f3a9c2e'

  before(async () => {
    cluster = await SimCluster.start({ scenario: loadScenario('scenarios/mixed.json'), dht: false, control: false })
    B = cluster.nodeConnection('B') as ClnConnection
  })
  after(async () => {
    await cluster?.stop()
  })

  it('signmessage: 128-hex signature, 2-hex recid, 104-char zbase; LND VerifyMessage names the CLN node', async () => {
    const signed = await clnCall(B, 'signmessage', { message })
    assert.equal(signed.status, 201)
    assert.match(signed.body.signature, /^[0-9a-f]{128}$/)
    assert.match(signed.body.recid, /^0[0-3]$/)
    assert.match(signed.body.zbase, /^[ybndrfg8ejkmcpqxot1uwisza345h769]{104}$/)
    const verified = await verifyMessage({ lnd: lndFor(cluster, 'A'), message, signature: signed.body.zbase })
    assert.equal(verified.signed_by, B.publicKey)
    const other = await verifyMessage({
      lnd: lndFor(cluster, 'A'),
      message: `${message}x`,
      signature: signed.body.zbase
    })
    assert.notEqual(other.signed_by, B.publicKey)
  })

  it('checkmessage with pubkey verifies LND SignMessage output; a wrong pubkey is verified:false', async () => {
    const a = cluster.nodeConnection('A').publicKey
    const { signature } = await signMessage({ lnd: lndFor(cluster, 'A'), message })
    const ok = await clnCall(B, 'checkmessage', { message, zbase: signature, pubkey: a })
    assert.equal(ok.status, 201)
    assert.deepEqual(ok.body, { pubkey: a, verified: true })
    const wrong = await clnCall(B, 'checkmessage', { message, zbase: signature, pubkey: B.publicKey })
    assert.deepEqual(wrong.body, { pubkey: a, verified: false })
    const noKey = await clnCall(B, 'checkmessage', { message, zbase: signature })
    assert.deepEqual(noKey.body, { pubkey: a, verified: true }, 'A is in the graph')
  })

  it('a message with a quote or backslash is signed as lightningd sees it, escaped (contract §4 caveat)', async () => {
    const tricky = 'say "hi" \\ bye'
    const signed = await clnCall(B, 'signmessage', { message: tricky })
    const lnd = lndFor(cluster, 'A')
    const raw = await verifyMessage({ lnd, message: tricky, signature: signed.body.zbase })
    assert.notEqual(raw.signed_by, B.publicKey, 'LND does not attribute the raw text to B')
    const escaped = await verifyMessage({ lnd, message: 'say \\"hi\\" \\\\ bye', signature: signed.body.zbase })
    assert.equal(escaped.signed_by, B.publicKey)
    const back = await clnCall(B, 'checkmessage', { message: tricky, zbase: signed.body.zbase, pubkey: B.publicKey })
    assert.equal(back.body.verified, true, 'CLN checks its own the same way')
  })

  it('checkmessage without pubkey: 1301 with data.claimed_key for a key not in the graph; -32602 for bad zbase', async () => {
    const stranger = generateNodeKey()
    const zbase = simSign(stranger.privateKey, Buffer.from(message))
    const r = await clnCall(B, 'checkmessage', { message, zbase })
    assert.equal(r.status, 500)
    assert.deepEqual(r.body, {
      code: 1301,
      message: 'pubkey not found in the graph',
      data: { claimed_key: stranger.publicKey }
    })
    const bad = await clnCall(B, 'checkmessage', { message, zbase: 'not-zbase!' })
    assert.equal(bad.body.code, -32602)
    const short = await clnCall(B, 'checkmessage', { message, zbase: 'ybndrfg8' })
    assert.equal(short.body.code, -32602)
  })
})
