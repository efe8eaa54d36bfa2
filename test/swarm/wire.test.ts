import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { readFile } from 'node:fs/promises'
import { randomBytes } from 'node:crypto'
import HyperDHT from 'hyperdht'
import c from 'compact-encoding'
import { membershipProof, nodeProofMessage, swarmKeys } from '../../src/swarm/keys.js'
import { hello, payInvoice, paymentResult, MAX_NODES, truncateUtf8 } from '../../src/swarm/messages.js'
import { decodeEnvelope, decodeWith, encodeEnvelope, encodeWith, MAX_FRAME } from '../../src/swarm/envelope.js'
import { loadSwarmKeyPair } from '../../src/swarm/key-pair.js'
import { tempDir } from '../helpers/daemon.js'

const hh = Buffer.alloc(32, 1)
const key = Buffer.alloc(32, 2)

describe('key derivation', () => {
  it('separates the topic from the auth key and depends on the secret', () => {
    const a = swarmKeys('correct horse')
    assert.equal(a.topic.length, 32)
    assert.notDeepEqual(a.topic, a.authKey)
    assert.deepEqual(swarmKeys('correct horse'), a, 'deterministic')
    assert.notDeepEqual(swarmKeys('correct horsf').topic, a.topic)
  })
  it('binds the membership proof to the session and the sender', () => {
    const { authKey } = swarmKeys('s')
    const p = membershipProof(authKey, hh, key)
    assert.notDeepEqual(membershipProof(authKey, Buffer.alloc(32, 9), key), p, 'another session')
    assert.notDeepEqual(membershipProof(authKey, hh, Buffer.alloc(32, 3)), p, 'another sender (no reflection)')
    assert.notDeepEqual(membershipProof(swarmKeys('t').authKey, hh, key), p, 'another secret')
    assert.match(nodeProofMessage(hh, key, '02ab'), /node 02ab is controlled by swarm key 0202.* on session 0101/)
  })
})

describe('messages', () => {
  it('round-trip', () => {
    const h = {
      version: 3,
      agent: '',
      proof: Buffer.alloc(32, 7),
      nodes: [{ publicKey: '02'.padEnd(66, 'a'), alias: 'A', signature: 'd'.repeat(104) }]
    }
    assert.deepEqual(decodeWith(hello, encodeWith(hello, h)), h)
    const p = { requestId: 7, channelId: '512x1x0', invoice: 'lnbcrt1...', tokens: 50000 }
    assert.deepEqual(decodeWith(payInvoice, encodeWith(payInvoice, p)), p)
    const r = {
      requestId: 7,
      channelId: '512x1x0',
      paymentId: 'ab'.repeat(32),
      confirmed: true,
      confirmedAt: new Date(0).toISOString(),
      status: 'paid',
      reason: '',
      detail: '',
      retryAt: 0
    }
    assert.deepEqual(decodeWith(paymentResult, encodeWith(paymentResult, r)), r)
  })
  it('refuse anything over its bounds, truncated, or with trailing bytes', () => {
    const tooMany = {
      version: 3,
      agent: 'x',
      proof: Buffer.alloc(32),
      nodes: Array.from({ length: MAX_NODES + 1 }, () => ({ publicKey: 'a', alias: 'b', signature: 'c' }))
    }
    assert.throws(() => decodeWith(hello, encodeWith(hello, tooMany)), /nodes: 65 entries, at most 64/)
    const longInvoice = encodeWith(payInvoice, {
      requestId: 1,
      channelId: '1x1x1',
      invoice: 'x'.repeat(3000),
      tokens: 1
    })
    assert.throws(() => decodeWith(payInvoice, longInvoice), /invoice longer than 2048/)
    const ok = encodeWith(payInvoice, { requestId: 1, channelId: '1x1x1', invoice: 'lnbc', tokens: 1 })
    assert.throws(() => decodeWith(payInvoice, ok.subarray(0, ok.length - 2)))
    assert.throws(() => decodeWith(payInvoice, Buffer.concat([ok, Buffer.from([0])])), /trailing bytes/)
  })
  it('bound strings by their UTF-8 bytes as written, and cut ours to fit without splitting a character', () => {
    const withChannel = (channelId: string): Uint8Array =>
      encodeWith(payInvoice, { requestId: 1, channelId, invoice: 'lnbc', tokens: 1 })
    assert.equal(decodeWith(payInvoice, withChannel('x'.repeat(32))).channelId.length, 32)
    assert.throws(
      () => decodeWith(payInvoice, withChannel('é'.repeat(17))),
      /channelId longer than 32 bytes/,
      '17 characters, 34 bytes'
    )
    assert.equal(truncateUtf8('é'.repeat(40), 64), 'é'.repeat(32))
    assert.equal(truncateUtf8('aé', 2), 'a')
  })
})

describe('envelope', () => {
  it('round-trips and refuses oversized, truncated and padded frames', () => {
    const e = { seq: 3, type: 1, body: Buffer.from('hello') }
    assert.deepEqual(decodeEnvelope(encodeEnvelope(e)), { ...e, body: Buffer.from('hello') })
    assert.throws(() => decodeEnvelope(Buffer.alloc(MAX_FRAME + 1)), /exceeds/)
    const bytes = encodeEnvelope(e)
    assert.throws(() => decodeEnvelope(bytes.subarray(0, bytes.length - 1)))
    assert.throws(() => decodeEnvelope(Buffer.concat([bytes, Buffer.from([1])])), /trailing bytes/)
    assert.throws(() => decodeEnvelope(c.encode(c.uint, 5)))
  })
})

describe('swarm key pair', () => {
  it('persists across restarts and is private to us', async () => {
    const dir = await tempDir()
    try {
      const file = join(dir.path, 'storage', 'swarm-key')
      const first = await loadSwarmKeyPair(file)
      const second = await loadSwarmKeyPair(file)
      assert.deepEqual(second.publicKey, first.publicKey)
      assert.match(await readFile(file, 'utf8'), /^[0-9a-f]{64}\n$/)
      const { statSync } = await import('node:fs')
      assert.equal(statSync(file).mode & 0o777, 0o600)
      const { writeFile } = await import('node:fs/promises')
      await writeFile(file, 'garbage')
      await assert.rejects(loadSwarmKeyPair(file), /expected 64 hex characters/)
    } finally {
      await dir.remove()
    }
  })

  it(
    'a key file placed before the first start is used as it is; ' +
      'an invalid one is refused naming the file, never overwritten',
    async () => {
      const dir = await tempDir()
      try {
        const { mkdir, writeFile } = await import('node:fs/promises')
        await mkdir(join(dir.path, 'storage'))
        const file = join(dir.path, 'storage', 'swarm-key')
        const seed = randomBytes(32).toString('hex')
        await writeFile(file, seed.toUpperCase() + '\n', { mode: 0o600 })
        const kp = await loadSwarmKeyPair(file)
        assert.deepEqual(kp.publicKey, HyperDHT.keyPair(Buffer.from(seed, 'hex')).publicKey, 'the placed seed is used')
        assert.equal(await readFile(file, 'utf8'), seed.toUpperCase() + '\n', 'and left as it was')
        for (const bad of ['', 'not a key', seed.slice(2), seed + '00']) {
          await writeFile(file, bad)
          await assert.rejects(
            loadSwarmKeyPair(file),
            (err: Error) => err.message.includes(file),
            'refused, naming the file'
          )
          assert.equal(await readFile(file, 'utf8'), bad, 'never overwritten')
        }
      } finally {
        await dir.remove()
      }
    }
  )

  it('two starts racing on a fresh storage end with one key, the one in the file', async () => {
    const dir = await tempDir()
    try {
      const file = join(dir.path, 'storage', 'swarm-key')
      const pairs = await Promise.all(Array.from({ length: 8 }, () => loadSwarmKeyPair(file)))
      const inFile = HyperDHT.keyPair(Buffer.from((await readFile(file, 'utf8')).trim(), 'hex')).publicKey
      for (const p of pairs) assert.deepEqual(p.publicKey, inFile, 'no key handed out that the file does not hold')
      const { readdir } = await import('node:fs/promises')
      assert.deepEqual(await readdir(join(dir.path, 'storage')), ['swarm-key'], 'no temporary file left')
    } finally {
      await dir.remove()
    }
  })
})

describe('frame size', () => {
  it('fits the largest nodes message (64 claims at their bounds)', async () => {
    const { nodesUpdate, MAX_NODES: n } = await import('../../src/swarm/messages.js')
    const biggest = {
      agent: 'a'.repeat(64),
      nodes: Array.from({ length: n }, () => ({
        publicKey: '02'.padEnd(66, 'f'),
        alias: 'x'.repeat(64),
        signature: 's'.repeat(140)
      }))
    }
    const frame = encodeEnvelope({ seq: 2 ** 40, type: 3, body: encodeWith(nodesUpdate, biggest) })
    assert.ok(frame.length <= MAX_FRAME, `${frame.length} bytes`)
    assert.deepEqual(decodeWith(nodesUpdate, decodeEnvelope(frame).body), biggest)
  })
})
