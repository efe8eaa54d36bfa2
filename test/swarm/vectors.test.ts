import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import c from 'compact-encoding'
import { membershipProof, nodeProofMessage, swarmKeys } from '../../src/swarm/keys.js'
import { hello, nodesUpdate, payInvoice, PROTOCOL_VERSION } from '../../src/swarm/messages.js'
import { decodeEnvelope, decodeWith, encodeEnvelope, encodeWith } from '../../src/swarm/envelope.js'
import { secp256k1 } from '@noble/curves/secp256k1.js'
import { signMessage, verifyMessage } from '../../src/sim/crypto/sign-message.js'

/** The test vectors exactly as docs/protocol.md gives them (the document is the contract). */
function vectors(): Record<string, string> {
  const doc = readFileSync(join(process.cwd(), 'docs', 'protocol.md'), 'utf8')
  const section = doc.slice(doc.indexOf('## Test vectors'))
  const out: Record<string, string> = {}
  for (const m of section.matchAll(/^\| (\w+) \| `([^`]*)` \|$/gm)) out[m[1] as string] = m[2] as string
  return out
}
const hex = (s: string | undefined): Buffer => Buffer.from(s ?? '', 'hex')

describe('the test vectors in docs/protocol.md', () => {
  const v = vectors()

  it('are all there', () => {
    for (const name of [
      'secret',
      'topic',
      'authKey',
      'handshakeHash',
      'senderSwarmKey',
      'proof',
      'helloStruct',
      'helloHandshake',
      'nodePrivateKey',
      'nodePublicKey',
      'nodeSignature',
      'nodesBody',
      'nodesEnvelope',
      'nodesMessage',
      'payInvoiceBody',
      'payInvoiceEnvelope',
      'payInvoiceMessage'
    ]) {
      assert.ok(v[name], `${name} in the table`)
    }
  })

  it('derive the keys and the proof', () => {
    const keys = swarmKeys(v.secret as string)
    assert.equal(keys.topic.toString('hex'), v.topic)
    assert.equal(keys.authKey.toString('hex'), v.authKey)
    assert.equal(membershipProof(keys.authKey, hex(v.handshakeHash), hex(v.senderSwarmKey)).toString('hex'), v.proof)
  })

  it('decode the hello (and re-encode to the same bytes)', () => {
    const handshake = c.decode(c.buffer, hex(v.helloHandshake)) as Uint8Array
    assert.deepEqual(Buffer.from(handshake), hex(v.helloStruct))
    const h = decodeWith(hello, handshake)
    assert.deepEqual(
      { ...h, proof: Buffer.from(h.proof).toString('hex') },
      { version: PROTOCOL_VERSION, agent: '', proof: v.proof, nodes: [] }
    )
    assert.equal(Buffer.from(encodeWith(hello, h)).toString('hex'), v.helloStruct)
  })

  it('decode the nodes message, whose signature recovers the node key', () => {
    const env = decodeEnvelope(c.decode(c.buffer, hex(v.nodesMessage)) as Uint8Array)
    assert.deepEqual([env.seq, env.type, Buffer.from(env.body).toString('hex')], [1, 3, v.nodesBody])
    const n = decodeWith(nodesUpdate, env.body)
    assert.deepEqual(n, {
      agent: 'tightrope/0.1',
      nodes: [{ publicKey: v.nodePublicKey, alias: 'A', signature: v.nodeSignature }]
    })
    const text = nodeProofMessage(hex(v.handshakeHash), hex(v.senderSwarmKey), v.nodePublicKey as string)
    assert.equal(Buffer.from(secp256k1.getPublicKey(hex(v.nodePrivateKey), true)).toString('hex'), v.nodePublicKey)
    assert.equal(
      signMessage(hex(v.nodePrivateKey), Buffer.from(text)),
      v.nodeSignature,
      'LND-style SignMessage, deterministic'
    )
    assert.equal(verifyMessage(Buffer.from(text), v.nodeSignature as string).pubkey, v.nodePublicKey)
    assert.equal(
      Buffer.from(encodeEnvelope({ seq: 1, type: 3, body: encodeWith(nodesUpdate, n) })).toString('hex'),
      v.nodesEnvelope
    )
  })

  it('decode the payInvoice', () => {
    const frame = c.decode(c.buffer, hex(v.payInvoiceMessage)) as Uint8Array
    assert.equal(Buffer.from(frame).toString('hex'), v.payInvoiceEnvelope)
    const env = decodeEnvelope(frame)
    assert.deepEqual([env.seq, env.type, Buffer.from(env.body).toString('hex')], [2, 1, v.payInvoiceBody])
    const p = decodeWith(payInvoice, env.body)
    assert.deepEqual(p, { requestId: 7, channelId: '512x1x0', invoice: 'lnbcrt500u1vector', tokens: 50000 })
    assert.equal(
      Buffer.from(encodeEnvelope({ seq: 2, type: 1, body: encodeWith(payInvoice, p) })).toString('hex'),
      v.payInvoiceEnvelope
    )
    // One trailing byte makes it bad.
    assert.throws(() => decodeEnvelope(Buffer.concat([frame, Buffer.from([0])])), /trailing bytes/)
    assert.throws(() => decodeWith(payInvoice, Buffer.concat([env.body, Buffer.from([0])])), /trailing bytes/)
  })
})
