import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import { secp256k1 } from '@noble/curves/secp256k1.js'
import { createSignedRequest, createUnsignedRequest, parsePaymentRequest } from 'invoices'
import {
  decodeInvoice,
  encodeInvoice,
  INVOICE_FEATURE_BITS,
  type EncodeInvoiceArgs
} from '../../../src/sim/crypto/bolt11.js'
import { nodeKeyFromSeed } from '../../../src/sim/crypto/keys.js'

const BECH32 = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l'
const key = nodeKeyFromSeed('payee')
const preimage = randomBytes(32)
const base: EncodeInvoiceArgs = {
  privateKey: key.privateKey,
  paymentHash: createHash('sha256').update(preimage).digest('hex'),
  paymentAddr: randomBytes(32).toString('hex'),
  mtokens: 1_234_000,
  description: 'rebalance A-B',
  expirySeconds: 10800,
  cltvDelta: 80,
  createdAt: new Date('2026-11-24T10:00:00Z')
}

/** The tagged fields' one-letter names, in order, read straight from the bech32 data part. */
function fieldLetters(request: string): string[] {
  const words = [...request.slice(request.lastIndexOf('1') + 1, -6)].map((c) => BECH32.indexOf(c)).slice(0, -104)
  const letters = []
  for (let i = 7; i < words.length;) {
    const len = (words[i + 1] as number) * 32 + (words[i + 2] as number)
    letters.push(BECH32[words[i] as number] as string)
    i += 3 + len
  }
  return letters
}

/** Replaces one data character and recomputes a valid bech32 checksum, so only the signature can tell. */
function tamperKeepingChecksum(request: string, index: number): string {
  const sep = request.lastIndexOf('1')
  const hrp = request.slice(0, sep)
  const data = [...request.slice(sep + 1, -6)].map((c) => BECH32.indexOf(c))
  data[index] = ((data[index] as number) + 1) % 32
  const polymod = (values: number[]): number => {
    const gen = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3]
    let chk = 1
    for (const v of values) {
      const top = chk >>> 25
      chk = ((chk & 0x1ffffff) << 5) ^ v
      for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk ^= gen[i] as number
    }
    return chk
  }
  const expanded = [...[...hrp].map((c) => c.charCodeAt(0) >> 5), 0, ...[...hrp].map((c) => c.charCodeAt(0) & 31)]
  const mod = polymod([...expanded, ...data, 0, 0, 0, 0, 0, 0]) ^ 1
  const checksum = [0, 1, 2, 3, 4, 5].map((i) => (mod >>> (5 * (5 - i))) & 31)
  return hrp + '1' + [...data, ...checksum].map((w) => BECH32[w]).join('')
}

describe('BOLT11 invoices as LND AddInvoice writes them', () => {
  const request = encodeInvoice(base)

  it('are accepted by the parser the lightning client runs, signed by the node key', () => {
    const parsed = parsePaymentRequest({ request })
    assert.equal(parsed.destination, key.publicKey, 'destination recovered from the signature')
    assert.equal(parsed.id, base.paymentHash)
    assert.equal(parsed.payment, base.paymentAddr)
    assert.equal(parsed.mtokens, '1234000')
    assert.equal(parsed.description, 'rebalance A-B')
    assert.equal(parsed.cltv_delta, 80)
    assert.equal(parsed.network, 'regtest')
    assert.equal(parsed.created_at, '2026-11-24T10:00:00.000Z')
    assert.equal(parsed.expires_at, '2026-11-24T13:00:00.000Z')
    const features = parsed.features.map((f) => [f.bit, f.is_required]).sort((a, b) => Number(a[0]) - Number(b[0]))
    assert.deepEqual(features, [
      [8, true],
      [14, true],
      [17, false]
    ])
  })

  it("have LND's hrp, fields and field order: p d c x s 9 and never n", () => {
    assert.match(request, /^lnbcrt12340n1/)
    assert.deepEqual(fieldLetters(request), ['p', 'd', 'c', 'x', 's', '9'])
    const hashed = encodeInvoice({
      ...(({ description: _d, ...rest }) => rest)(base),
      descriptionHash: 'ab'.repeat(32)
    })
    assert.deepEqual(fieldLetters(hashed), ['p', 'h', 'c', 'x', 's', '9'])
    assert.equal(parsePaymentRequest({ request: hashed }).description_hash, 'ab'.repeat(32))
    assert.deepEqual(
      fieldLetters(encodeInvoice({ ...base, description: '' })),
      ['p', 'd', 'c', 'x', 's', '9'],
      'empty memo still writes d'
    )
  })

  it('write the amount in the shortest unit, and none at all for zero-amount invoices', () => {
    const hrpFor = (mtokens: number | bigint): string => {
      const r = encodeInvoice({ ...base, mtokens })
      return r.slice(0, r.lastIndexOf('1'))
    }
    assert.equal(hrpFor(0), 'lnbcrt')
    assert.equal(hrpFor(0n), 'lnbcrt')
    assert.equal(hrpFor(100_000_000_000), 'lnbcrt1')
    assert.equal(hrpFor(100_000), 'lnbcrt1u')
    assert.equal(hrpFor(50_000_000), 'lnbcrt500u')
    assert.equal(hrpFor(1_000), 'lnbcrt10n')
    assert.equal(hrpFor(1), 'lnbcrt10p')
    const zero = encodeInvoice({ ...base, mtokens: 0 })
    assert.equal(parsePaymentRequest({ request: zero }).mtokens, '0')
    assert.equal(decodeInvoice(zero).mtokens, '0')
  })

  it('decode to the fields the simulator needs', () => {
    assert.deepEqual(decodeInvoice(request), {
      destination: key.publicKey,
      paymentHash: base.paymentHash,
      paymentAddr: base.paymentAddr,
      mtokens: '1234000',
      createdAt: base.createdAt,
      expiresAt: new Date('2026-11-24T13:00:00Z'),
      expirySeconds: 10800,
      description: 'rebalance A-B',
      cltvDelta: 80,
      features: INVOICE_FEATURE_BITS,
      network: 'regtest'
    })
    const withBlinding = decodeInvoice(encodeInvoice({ ...base, features: [8, 14, 17, 25] }))
    assert.deepEqual(withBlinding.features, [8, 14, 17, 25])
  })

  it('are refused when tampered with, from another network, or not BOLT11', () => {
    // A changed character breaks the bech32 checksum.
    const i = request.length - 20
    const flipped = request.slice(0, i) + (request[i] === 'q' ? 'p' : 'q') + request.slice(i + 1)
    assert.throws(() => parsePaymentRequest({ request: flipped }))
    assert.throws(() => decodeInvoice(flipped), /^Error: invalid payment request: /)
    // With the checksum fixed, the signature no longer recovers the node key: another payee.
    const forged = tamperKeepingChecksum(request, 20)
    assert.notEqual(decodeInvoice(forged).destination, key.publicKey)
    const testnet = encodeInvoice({ ...base, network: 'testnet' })
    assert.match(testnet, /^lntb12340n1/)
    assert.throws(() => decodeInvoice(testnet), { message: "invoice not for current active network 'regtest'" })
    assert.equal(decodeInvoice(testnet, { network: 'testnet' }).network, 'testnet')
    assert.throws(() => decodeInvoice('lnbcrt1garbage'), /^Error: invalid payment request: /)
    assert.throws(() => decodeInvoice('x'.repeat(7090)), { message: 'invoice is too large' })
  })

  it("apply LND's zpay32 checks the lightning client's parser skips", () => {
    // Built with the invoices package directly, which can write an `n` field and both d and h.
    const other = nodeKeyFromSeed('someone else')
    const build = (n: string, extra: { description?: string; description_hash?: string }): string => {
      const unsigned = createUnsignedRequest({
        ...extra,
        destination: n,
        features: [{ bit: 8 }, { bit: 14 }],
        id: base.paymentHash,
        network: 'regtest',
        payment: base.paymentAddr
      })
      const sig = secp256k1.sign(Buffer.from(unsigned.hash, 'hex'), key.privateKey, { prehash: false })
      return createSignedRequest({
        destination: key.publicKey,
        hrp: unsigned.hrp,
        signature: Buffer.from(sig).toString('hex'),
        tags: unsigned.tags
      }).request
    }
    assert.equal(
      decodeInvoice(build(key.publicKey, { description: 'x' })).destination,
      key.publicKey,
      'an n field naming the signer is fine'
    )
    const lying = build(other.publicKey, { description: 'x' })
    assert.equal(parsePaymentRequest({ request: lying }).destination, key.publicKey, 'the client parser ignores n')
    assert.throws(() => decodeInvoice(lying), { message: 'invalid invoice signature' })
    assert.throws(() => decodeInvoice(build(key.publicKey, { description: 'x', description_hash: 'cd'.repeat(32) })), {
      message: 'both description and description hash set'
    })
  })
})
