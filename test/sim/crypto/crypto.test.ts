import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import { parsePaymentRequest } from 'invoices'
import { zbase32Decode, zbase32Encode } from '../../../src/sim/crypto/zbase32.js'
import { signMessage, verifyMessage } from '../../../src/sim/crypto/sign-message.js'
import { generateNodeKey, nodeKeyFromSeed } from '../../../src/sim/crypto/keys.js'
import { hasPermissions, macaroonFromMetadata, mintMacaroon, verifyMacaroon, ADMIN_PERMISSIONS } from '../../../src/sim/crypto/macaroon.js'
import { decodeInvoice, encodeInvoice } from '../../../src/sim/crypto/bolt11.js'

describe('zbase32', () => {
  it('round-trips any bytes and refuses foreign characters', () => {
    for (const n of [0, 1, 5, 32, 65]) {
      const bytes = randomBytes(n)
      assert.deepEqual(Buffer.from(zbase32Decode(zbase32Encode(bytes))), bytes)
    }
    assert.equal(zbase32Encode(Buffer.from([0xff])), '9h')
    assert.throws(() => zbase32Decode('yb0'), /invalid zbase32 character "0"/)
  })
})

describe('node keys and LND SignMessage', () => {
  it('derives the same key from the same seed, another from another', () => {
    assert.equal(nodeKeyFromSeed('a').publicKey, nodeKeyFromSeed('a').publicKey)
    assert.notEqual(nodeKeyFromSeed('a').publicKey, nodeKeyFromSeed('b').publicKey)
    assert.match(generateNodeKey().publicKey, /^0[23][0-9a-f]{64}$/)
  })
  it('signs as LND does and recovers the signer', () => {
    const key = nodeKeyFromSeed('signer')
    const sig = signMessage(key.privateKey, Buffer.from('hello'))
    assert.match(sig, /^[dr][ybndrfg8ejkmcpqxot1uwisza345h769]{103}$/)
    assert.deepEqual(verifyMessage(Buffer.from('hello'), sig), { valid: true, pubkey: key.publicKey })
    assert.notEqual(verifyMessage(Buffer.from('hellO'), sig).pubkey, key.publicKey)
    assert.deepEqual(verifyMessage(Buffer.from('hello'), 'yyyy'), { valid: false, pubkey: '' })
    assert.throws(() => verifyMessage(Buffer.from('hello'), 'not-zbase32!'), /^Error: failed to decode signature/)
  })
})

describe('macaroons', () => {
  const rootKey = randomBytes(32)
  it('verify with the root key that minted them and carry their permissions', () => {
    const mac = mintMacaroon({ rootKey, permissions: [{ entity: 'info', action: 'read' }] })
    const v = verifyMacaroon(mac, rootKey)
    assert.ok(v.ok)
    assert.deepEqual(v.ok && v.permissions, [{ entity: 'info', action: 'read' }])
    assert.equal(mac[0], 2, 'V2 binary format')
  })
  it('refuse another root key, a flipped bit, garbage and unknown caveats with LND\'s words', () => {
    const mac = mintMacaroon({ rootKey, permissions: ADMIN_PERMISSIONS })
    assert.deepEqual(verifyMacaroon(mac, randomBytes(32)), { ok: false, error: 'verification failed: signature mismatch after caveat verification' })
    const flipped = Buffer.from(mac); flipped[10] = (flipped[10] as number) ^ 1
    assert.equal(verifyMacaroon(flipped, rootKey).ok, false)
    assert.match((verifyMacaroon(Buffer.from('garbage'), rootKey) as { error: string }).error, /^unable to unmarshal macaroon/)
    const caveated = mintMacaroon({ rootKey, permissions: ADMIN_PERMISSIONS, caveats: ['time-before 2000-01-01T00:00:00Z'] })
    assert.match((verifyMacaroon(caveated, rootKey) as { error: string }).error, /caveat .* not satisfied/)
  })
  it('metadata and permission checks', () => {
    assert.deepEqual(macaroonFromMetadata([]), { ok: false, error: 'expected 1 macaroon, got 0' })
    assert.equal(macaroonFromMetadata(['zz']).ok, false)
    assert.ok(hasPermissions(ADMIN_PERMISSIONS, [{ entity: 'offchain', action: 'write' }]))
    assert.ok(!hasPermissions([{ entity: 'offchain', action: 'read' }], [{ entity: 'offchain', action: 'write' }]))
  })
})

describe('BOLT11 as LND writes it', () => {
  const key = nodeKeyFromSeed('payee')
  const preimage = randomBytes(32)
  const paymentHash = createHash('sha256').update(preimage).digest('hex')
  const args = { privateKey: key.privateKey, paymentHash, paymentAddr: randomBytes(32).toString('hex'), mtokens: 1_234_000, description: 'memo', expirySeconds: 3600, cltvDelta: 80, createdAt: new Date('2026-11-24T10:00:00Z') }

  it('is accepted by the parser the lightning client uses, with LND\'s fields', () => {
    const request = encodeInvoice(args)
    assert.match(request, /^lnbcrt12340n1/)
    const parsed = parsePaymentRequest({ request })
    assert.equal(parsed.destination, key.publicKey, 'destination recovered from the signature')
    assert.equal(parsed.id, paymentHash)
    assert.equal(parsed.cltv_delta, 80)
    assert.equal(parsed.network, 'regtest')
    assert.deepEqual(parsed.features.map((f) => [f.bit, f.is_required]).sort((a, b) => (a[0] as number) - (b[0] as number)), [[8, true], [14, true], [17, false]])
    const d = decodeInvoice(request)
    assert.equal(d.expiresAt.toISOString(), '2026-11-24T11:00:00.000Z')
    assert.equal(d.mtokens, '1234000')
  })
  it('zero-amount invoices carry no amount; tampering is refused', () => {
    const zero = encodeInvoice({ ...args, mtokens: 0 })
    assert.match(zero, /^lnbcrt1[^0-9]/)
    assert.equal(decodeInvoice(zero).mtokens, '0')
    const request = encodeInvoice(args)
    const tampered = request.slice(0, 20) + (request[20] === 'q' ? 'p' : 'q') + request.slice(21)
    assert.throws(() => decodeInvoice(tampered), /invalid payment request/)
  })
})
